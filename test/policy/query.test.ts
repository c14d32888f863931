// The request target's query reaches the provider too: a secret or a hidden character in a query
// parameter is found, recorded, redacted or blocked by the policy like one in the body or a header.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { blockSecretsIn, startPolicyGateway, type PolicyGateway } from './helpers.ts';
import { rawPost, startHarness, type Harness } from '../helpers/harness.ts';

const GH = 'ghp_R7mQ2xK9pL4vN8sT1wY6zB3cF5hJ0dG2aE4i';
const POLICY = blockSecretsIn('query', 'no-secrets-in-the-query-for-research');

let g: PolicyGateway;
let inline: Harness;
let worker: Harness;
before(async () => {
  g = await startPolicyGateway(POLICY);
  inline = await startHarness();
  worker = await startHarness({ workers: true });
});
after(async () => {
  await g.close();
  await inline.close();
  await worker.close();
});

const body = JSON.stringify({ model: 'claude-x', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] });
const post = (url: string, key: string, query: string) =>
  rawPost(url, `/v1/messages${query}`, body, { 'content-type': 'application/json', 'x-api-key': key, 'anthropic-version': '2023-06-01' });

test('redact: the query parameter leaves with the placeholder, every other byte of the query as sent', async () => {
  const key = await g.key('alice', 'payments');
  const r = await post(g.url, key, `?beta=true&token=${GH}&note=caf%C3%A9+ok`);
  assert.equal(r.status, 200);
  const up = g.mock.requests.at(-1)!;
  assert.equal(up.url, `/v1/messages?beta=true&token=${encodeURIComponent('[REDACTED:github-pat#1]')}&note=caf%C3%A9+ok`);
  const rec = (await g.records()).at(-1)!;
  assert.equal(rec.decision?.action, 'redact');
  assert.deepEqual(rec.findings.filter((f) => f.role === 'query').map((f) => [f.rule, f.segmentPath]), [['github-pat', 'query.token']]);
  assert.ok(!JSON.stringify(rec).includes(GH), 'never the value in the record');
});

test('block by segment role query: the reason names the parameter; nothing goes upstream', async () => {
  const key = await g.key('rita', 'research');
  const before = g.mock.requests.length;
  const r = await post(g.url, key, `?beta=true&token=${GH}`);
  assert.equal(r.status, 403);
  assert.match(r.text, /a GitHub personal access token was found in the request's query string \(token\); remove it or ask for an exception: rule no-secrets-in-the-query-for-research/);
  assert.equal(g.mock.requests.length, before);
});

for (const [name, h] of [['on the gateway thread', () => inline], ['in the inspection worker', () => worker]] as const) {
  test(`alert (inspection after the response, ${name}): query findings are recorded, the query forwarded unchanged`, async () => {
    const hx = h();
    const query = `?beta=true&token=${GH}&tag=ok%E2%80%8B`;
    assert.equal((await post(hx.url, hx.key, query)).status, 200);
    assert.equal(hx.mock.requests.at(-1)!.url, `/v1/messages${query}`);
    const rec = (await hx.records()).at(-1)!;
    assert.deepEqual(rec.findings.filter((f) => f.role === 'query').map((f) => [f.rule, f.segmentPath]), [['github-pat', 'query.token'], ['zero-width', 'query.tag']]);
    // Claude Code's own `?beta=true` is nothing to report.
    assert.equal((await post(hx.url, hx.key, '?beta=true')).status, 200);
    assert.deepEqual((await hx.records()).at(-1)!.findings.filter((f) => f.role === 'query'), []);
  });
}

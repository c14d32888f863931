// Request headers are part of what reaches the provider: a secret in a custom header (a client's
// ANTHROPIC_CUSTOM_HEADERS, an SDK's defaultHeaders) is found, recorded, redacted or blocked by
// the policy like one in the body. Credentials the gateway replaces are not inspected.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { blockSecretsIn, startPolicyGateway, type PolicyGateway } from './helpers.ts';
import { startHarness, type Harness } from '../helpers/harness.ts';
import { parseConfig } from '../../src/gateway/config.ts';
import { inspectHeaders, inspectionOptions } from '../../src/gateway/late-inspection.ts';
import { upstreamHeaders, type UpstreamTarget } from '../../src/gateway/upstream.ts';

const GH = 'ghp_R7mQ2xK9pL4vN8sT1wY6zB3cF5hJ0dG2aE4i';
const POLICY = blockSecretsIn('header', 'no-secrets-in-headers-for-research');

let g: PolicyGateway;
let alert: Harness;
before(async () => {
  g = await startPolicyGateway(POLICY);
  alert = await startHarness();
});
after(async () => {
  await g.close();
  await alert.close();
});

const ask = (url: string, key: string, headers: Record<string, string>) =>
  new Anthropic({ baseURL: url, apiKey: key, maxRetries: 0, defaultHeaders: headers }).messages.create({ model: 'claude-x', max_tokens: 5, messages: [{ role: 'user', content: `also ${GH}` }] });

test('redact: the header leaves with the placeholder the body uses for the same value; other headers untouched', async () => {
  const key = await g.key('alice', 'payments');
  await ask(g.url, key, { 'x-team-token': `token ${GH}`, 'x-trace': 'run-42' });
  const up = g.mock.requests.at(-1)!;
  assert.equal(up.headers['x-team-token'], 'token [REDACTED:github-pat#1]');
  assert.equal(up.headers['x-trace'], 'run-42');
  assert.match(up.body.toString(), /also \[REDACTED:github-pat#1\]/);
  const rec = (await g.records()).at(-1)!;
  assert.equal(rec.decision?.action, 'redact');
  const f = rec.findings.find((x) => x.role === 'header');
  assert.equal(f?.segmentPath, 'headers["x-team-token"]');
  assert.equal(f?.rule, 'github-pat');
  assert.ok(!JSON.stringify(rec).includes(GH), 'never the value in the record');
});

test('block by segment role header: the reason names the header; nothing goes upstream', async () => {
  const key = await g.key('rita', 'research');
  const before = g.mock.requests.length;
  await assert.rejects(ask(g.url, key, { 'x-team-token': GH }), (e: unknown) => {
    assert.ok(e instanceof Anthropic.PermissionDeniedError);
    assert.match(e.message, /a GitHub personal access token was found in a request header \(x-team-token\); remove it or ask for an exception: rule no-secrets-in-headers-for-research/);
    return true;
  });
  assert.equal(g.mock.requests.length, before);
});

test('alert (no policy, inspection after the response): header findings are recorded; the Airlock and provider keys are not findings', async () => {
  await ask(alert.url, alert.key, { 'x-team-token': GH });
  assert.equal(alert.mock.requests.at(-1)!.headers['x-team-token'], GH, 'alert mode changes nothing');
  const rec = (await alert.records()).at(-1)!;
  const inHeaders = rec.findings.filter((x) => x.role === 'header');
  assert.deepEqual(inHeaders.map((x) => [x.rule, x.segmentPath]), [['github-pat', 'headers["x-team-token"]']]);
  // Without the custom header: no header finding at all (x-api-key carried an alk_ key and goes nowhere).
  await ask(alert.url, alert.key, {});
  assert.deepEqual((await alert.records()).at(-1)!.findings.filter((x) => x.role === 'header'), []);
});

test('a redacted client header never replaces a header the upstream is configured with; the provider key comes last', () => {
  const cfg = parseConfig({
    listen: { host: '127.0.0.1', port: 0 }, dataDir: '/tmp',
    upstreams: [{ name: 'a', baseUrl: 'http://127.0.0.1:1', dialects: ['anthropic'], auth: 'managed', apiKeyEnv: 'K', headers: { 'x-org-token': 'configured' } }],
  });
  const t = { config: cfg.upstreams[0]!, basePath: '', managedKey: 'sk-managed' } as unknown as UpstreamTarget;
  const client = { 'x-org-token': GH, 'x-team-token': `token ${GH}`, 'x-api-key': 'alk_client' };
  const out = upstreamHeaders(t, 'anthropic', client, { airlockKey: 'alk_client', providerKey: null }, 10, { 'x-org-token': '[REDACTED:github-pat#1]', 'x-team-token': 'token [REDACTED:github-pat#1]' });
  assert.equal(out['x-org-token'], 'configured');
  assert.equal(out['x-team-token'], 'token [REDACTED:github-pat#1]');
  assert.equal(out['x-api-key'], 'sk-managed');
  assert.ok(!JSON.stringify(out).includes(GH));
  // The response must come uncompressed: the gateway reads what it relays.
  assert.equal(upstreamHeaders(t, 'anthropic', { ...client, 'accept-encoding': 'gzip, br' }, { airlockKey: 'alk_client', providerKey: null }, 10)['accept-encoding'], 'identity');
  // Headers have a small cache of their own: their per-request ids would only churn the request cache.
  const opts = inspectionOptions(cfg.inspection, 'secret', []);
  assert.ok(opts.headers.cache !== undefined && opts.request.cache !== undefined);
  assert.notEqual(opts.headers.cache, opts.request.cache);
});

test('repeated headers are inspected once: the same findings from the header cache, a new value scanned, the cache bounded however many request ids go by', () => {
  const cfg = parseConfig({});
  const opts = inspectionOptions(cfg.inspection, 'secret', []);
  const cache = opts.headers.cache!;
  const first = inspectHeaders({ 'x-team-token': `token ${GH}`, 'user-agent': 'claude-cli/2.1.90', 'x-request-id': 'req-0' }, opts);
  assert.deepEqual(first.result.findings.map((f) => [f.rule, f.segmentPath]), [['github-pat', 'headers["x-team-token"]']]);
  const misses = cache.misses;
  for (let i = 1; i <= 3000; i++) {
    const again = inspectHeaders({ 'x-team-token': `token ${GH}`, 'user-agent': 'claude-cli/2.1.90', 'x-request-id': `req-${i}` }, opts);
    if (i === 1) {
      assert.deepEqual(again.result.findings, first.result.findings, 'the same findings from the cache');
      assert.equal(again.segments[2], first.segments[2], 'the kept segment');
      assert.equal(cache.misses, misses + 1, 'only the new request id was scanned');
    }
  }
  assert.ok(cache.size < 1000 && cache.size > 2, `bounded: ${cache.size} groups`);
  // A new secret in a repeated header name is found.
  const other = 'ghp_Z9yX8wV7uT6sR5qP4oN3mL2kJ1iH0gF9eD8c';
  const changed = inspectHeaders({ 'x-team-token': `token ${other}`, 'user-agent': 'claude-cli/2.1.90' }, opts);
  assert.equal(changed.result.findings.length, 1);
  assert.equal(changed.result.findings[0]!.rule, 'github-pat');
  assert.notEqual(changed.result.findings[0]!.valueHash, first.result.findings[0]!.valueHash);
});

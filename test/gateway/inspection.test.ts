// Inspection wired into the gateway: findings in the audit record (masked), redaction before the
// body leaves (only the spans change), and responses inspected too, streamed ones included.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { createRequire } from 'node:module';
import { rawPost, startHarness, type Harness } from '../helpers/harness.ts';
import { loadNative } from '../../src/native/load.ts';
import { useNativeAddon } from '../../src/core/detect/native.ts';

const AWS_SECRET = 'hJ8sK2mZp4Lq9WvX1tYb7NcR5eF3gD6aQ0uIoPzE';
const GH_TOKEN = 'ghp_R7mQ2xK9pL4vN8sT1wY6zB3cF5hJ0dG2aE4i';

let alert: Harness;
let redacting: Harness;
before(async () => {
  const reply = (_c: unknown, j: unknown): string => (JSON.stringify(j).includes('leak please') ? `Sure: token ${GH_TOKEN} is yours.` : 'ok');
  alert = await startHarness({ mock: { reply } });
  redacting = await startHarness({ mock: { reply }, config: { inspection: { enabled: true, responses: true, redact: true } } });
});
after(async () => {
  await alert.close();
  await redacting.close();
});

const envResult = (h: Harness): Anthropic.MessageCreateParamsNonStreaming => ({
  model: 'claude-x',
  max_tokens: 20,
  messages: [
    { role: 'user', content: 'read .env' },
    { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'Read', input: { file_path: '.env' } }] },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: `AWS_SECRET_ACCESS_KEY=${AWS_SECRET}\nREGION=eu-west-1\n` }] },
  ],
  metadata: { user_id: h.keyId },
});

test('default (alert): the body leaves unchanged, the finding is recorded with a masked preview', async () => {
  const client = new Anthropic({ baseURL: alert.url, apiKey: alert.key, maxRetries: 0 });
  await client.messages.create(envResult(alert));
  const up = alert.mock.requests.at(-1)!.body.toString();
  assert.ok(up.includes(AWS_SECRET), 'alert mode does not change the body');
  const rec = (await alert.records()).at(-1)!;
  const f = rec.findings.find((x) => x.rule === 'aws-secret-key')!;
  assert.equal(f.detector, 'secrets');
  assert.equal(f.role, 'tool_result');
  assert.equal(f.segmentPath, 'messages[2].content[0].content');
  assert.equal(f.end - f.start, AWS_SECRET.length);
  assert.ok(!f.preview.includes(AWS_SECRET.slice(0, 12)), 'preview is masked');
  assert.match(f.valueHash ?? '', /^[0-9a-f]{32}$/, 'a keyed hash identifies the value for exceptions');
  assert.equal(rec.decision?.action, 'alert');
  assert.ok(!JSON.stringify(await alert.records()).includes(AWS_SECRET), 'never the raw value in the trail');
});

test('redact: only the secret bytes change upstream; the SDK still gets its answer', async () => {
  const client = new Anthropic({ baseURL: redacting.url, apiKey: redacting.key, maxRetries: 0 });
  const msg = await client.messages.create(envResult(redacting));
  assert.equal(msg.type, 'message');
  const sent = JSON.stringify(envResult(redacting));
  const up = redacting.mock.requests.at(-1)!.body.toString();
  assert.ok(!up.includes(AWS_SECRET));
  // The SDK serialises deterministically: the upstream body is the client's with one span replaced.
  const clientBody = redacting.mock.requests.at(-1)!.body.toString().replace('[REDACTED:aws-secret-key#1]', AWS_SECRET);
  assert.equal(JSON.parse(clientBody).messages[2].content[0].content, JSON.parse(sent).messages[2].content[0].content);
  assert.match(up, /AWS_SECRET_ACCESS_KEY=\[REDACTED:aws-secret-key#1\]\\nREGION=eu-west-1/);
  const rec = (await redacting.records()).at(-1)!;
  assert.equal(rec.decision?.action, 'redact');
});

test('responses are inspected: JSON and streamed (OpenAI chat and Anthropic SSE)', async () => {
  const client = new Anthropic({ baseURL: alert.url, apiKey: alert.key, maxRetries: 0 });
  await client.messages.create({ model: 'claude-x', max_tokens: 50, messages: [{ role: 'user', content: 'leak please' }] });
  let rec = (await alert.records()).at(-1)!;
  let f = rec.findings.find((x) => x.segmentPath.startsWith('response.'));
  assert.equal(f?.rule, 'github-pat');
  assert.equal(f?.role, 'assistant');
  const stream = client.messages.stream({ model: 'claude-x', max_tokens: 50, messages: [{ role: 'user', content: 'leak please' }] });
  assert.ok((await stream.finalText()).includes(GH_TOKEN), 'the stream is relayed unchanged');
  rec = (await alert.records()).at(-1)!;
  f = rec.findings.find((x) => x.segmentPath === 'response.content[0].text');
  assert.equal(f?.rule, 'github-pat', 'assembled from SSE deltas split across words');
  const oai = new OpenAI({ baseURL: `${alert.url}/v1`, apiKey: alert.key, maxRetries: 0 });
  const s = await oai.chat.completions.create({ model: 'gpt-x', stream: true, messages: [{ role: 'user', content: 'leak please' }] });
  for await (const _ of s) { /* drain */ }
  rec = (await alert.records()).at(-1)!;
  assert.ok(rec.findings.some((x) => x.segmentPath === 'response.choices[0].message.content' && x.rule === 'github-pat'));
});

for (const workers of [false, true]) {
  test(`response headers are inspected too (${workers ? 'in the inspection worker' : 'on the gateway thread'}); the provider's usual ones give nothing`, async () => {
    const h = await startHarness({ workers, mock: { headers: { 'x-debug-token': GH_TOKEN, 'x-trace-note': 'on call: jane.doe@acme-corp.com' } } });
    try {
      const client = new Anthropic({ baseURL: h.url, apiKey: h.key, maxRetries: 0 });
      const r = await client.messages.create({ model: 'claude-x', max_tokens: 5, messages: [{ role: 'user', content: 'hello' }] }).withResponse();
      assert.equal(r.response.headers.get('x-debug-token'), GH_TOKEN, 'relayed unchanged');
      const rec = (await h.records()).at(-1)!;
      const inHeaders = rec.findings.filter((f) => f.segmentPath.startsWith('response.headers'));
      assert.deepEqual(inHeaders.map((f) => `${f.role} ${f.segmentPath} ${f.detector}/${f.rule}`).sort(), [
        'header response.headers["x-debug-token"] secrets/github-pat',
        'header response.headers["x-trace-note"] pii/email',
      ]);
      assert.ok(!JSON.stringify(rec).includes(GH_TOKEN), 'masked in the record');
    } finally {
      await h.close();
    }
  });
}

test('personal data and hidden characters in a user message are found too', async () => {
  const client = new OpenAI({ baseURL: `${alert.url}/v1`, apiKey: alert.key, maxRetries: 0 });
  await client.chat.completions.create({ model: 'gpt-x', messages: [{ role: 'user', content: 'Mail jane.doe@acme-corp.com about IBAN DE44500105175407324931 \u{E0068}\u{E0069}' }] });
  const rec = (await alert.records()).at(-1)!;
  const rules = rec.findings.map((f) => `${f.detector}/${f.rule}`).sort();
  assert.deepEqual(rules, ['hidden-chars/tag-characters', 'pii/email', 'pii/iban']);
  assert.match(rec.findings.find((f) => f.rule === 'tag-characters')!.detail ?? '', /hi/);
});

test('alert-only: inspection runs after the request was forwarded; with redaction on, before', async () => {
  const { DETECTORS } = await import('../../src/core/detect/registry.ts');
  const seen: { harness: string; upstreamHadIt: boolean }[] = [];
  let current: Harness = alert;
  const spy = { id: 'spy', description: 'records when it runs', severity: 'info' as const, rules: [], detect: (text: string) => {
    if (text.includes('spy-marker')) seen.push({ harness: current === alert ? 'alert' : 'redact', upstreamHadIt: current.mock.requests.some((q) => q.body.includes('spy-marker')) });
    return [];
  } };
  DETECTORS.push(spy);
  try {
    for (const h of [alert, redacting]) {
      current = h;
      const client = new Anthropic({ baseURL: h.url, apiKey: h.key, maxRetries: 0 });
      await client.messages.create({ model: 'claude-x', max_tokens: 5, messages: [{ role: 'user', content: 'spy-marker' }] });
      await h.records();
    }
  } finally {
    DETECTORS.pop();
  }
  assert.deepEqual(seen, [{ harness: 'alert', upstreamHadIt: true }, { harness: 'redact', upstreamHadIt: false }]);
});

test('a finding the gateway cannot place in the body is never forwarded unredacted: 500, nothing sent upstream', async () => {
  // A decider naming a finding that points nowhere in the body (a bug elsewhere must fail closed).
  const stray = { detector: 'secrets', rule: 'aws-secret-key', severity: 'critical' as const, role: 'user' as const, segmentPath: 'messages[9].content', start: 0, end: 5, preview: 'x', confidence: 1 };
  const h = await startHarness({ decider: () => ({ decision: { action: 'redact', ruleId: 'test', reason: 'test' }, redact: [stray] }) });
  try {
    const res = await fetch(`${h.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': h.key, 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'claude-x', max_tokens: 5, messages: [{ role: 'user', content: `key ${AWS_SECRET}` }] }),
    });
    assert.equal(res.status, 500);
    assert.match(await res.text(), /could not be located/);
    assert.equal(h.mock.requests.length, 0, 'nothing reached the upstream');
    const rec = (await h.records()).at(-1)!;
    assert.equal(rec.errorCode, 'AIRLOCK_ERR_INTERNAL');
  } finally {
    await h.close();
  }
});

test('the engine is warmed when the gateway starts: its first exchange compiles no trigger database', async (t) => {
  if (!loadNative()) return t.skip('native addon not built');
  const real = createRequire(import.meta.url)('../../native/build/Release/airlock_scan.node') as Record<string, (...a: unknown[]) => unknown>;
  let compiles = 0;
  const bind = (name: string): ((...a: unknown[]) => unknown) => real[name]!.bind(real);
  useNativeAddon({ compile: (...a: unknown[]) => (compiles++, real['compile']!(...a)), scan: bind('scan'), runs: bind('runs'), piiTriggers: bind('piiTriggers') });
  // Internal names of its own: a secret scanner (and keyword database) no other test has made.
  const h = await startHarness({ config: { inspection: { enabled: true, redact: true, internal: { domains: ['warm-start.internal'] } } } });
  try {
    const atStart = compiles;
    assert.ok(atStart >= 1, 'compiled while starting');
    const client = new Anthropic({ baseURL: h.url, apiKey: h.key, maxRetries: 0 });
    // Over 1,024 units: the native pass runs on it.
    await client.messages.create({ model: 'claude-x', max_tokens: 5, messages: [{ role: 'user', content: `deploy to vault.warm-start.internal, token=${GH_TOKEN}\n`.repeat(40) }] });
    assert.equal(compiles, atStart, 'the first exchange compiled nothing more');
    const rec = (await h.records()).at(-1)!;
    assert.ok(rec.findings.some((f) => f.rule === 'github-pat'), 'and it was inspected natively as before');
  } finally {
    useNativeAddon(real);
    await h.close();
  }
});

test('headers sent as UTF-8 bytes are inspected as UTF-8 (a zero-width flag, a look-alike), and a redacted one is forwarded as UTF-8 bytes', async () => {
  const asSent = (s: string): string => Buffer.from(s, 'utf8').toString('latin1'); // a ByteString: one character per byte
  const h = await startHarness({ config: { inspection: { enabled: true, responses: true, redact: true } }, mock: { headers: { 'x-upstream-note': asSent('ok\u200b') } } });
  try {
    const body = JSON.stringify({ model: 'claude-x', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] });
    const r = await rawPost(h.url, '/v1/messages', body, {
      'content-type': 'application/json', 'x-api-key': h.key, 'anthropic-version': '2023-06-01',
      'x-session-tag': asSent('s-41\u200b\u200c'), 'x-site': asSent('p\u0430ypal'), 'x-note': asSent(`na\u00efve \u2014 token ${GH_TOKEN}`),
    });
    assert.equal(r.status, 200);
    const up = h.mock.requests.at(-1)!.headers;
    // Only the findings changed (redaction is on for all of them); everything else arrives as the
    // client's own UTF-8 bytes.
    assert.equal(up['x-note'], asSent('na\u00efve \u2014 token [REDACTED:github-pat#1]'));
    assert.equal(up['x-site'], asSent('p[REDACTED:homoglyph#1]ypal'));
    const rec = (await h.records()).at(-1)!;
    const seen = rec.findings.map((f) => `${f.segmentPath} ${f.rule}`).sort();
    for (const want of ['headers["x-note"] github-pat', 'headers["x-session-tag"] zero-width', 'headers["x-site"] homoglyph', 'response.headers["x-upstream-note"] zero-width']) {
      assert.ok(seen.includes(want), `${want} in ${seen.join(', ')}`);
    }
  } finally {
    await h.close();
  }
});

test('without a policy, a detector failure is an alert in the record, never "no findings"', async () => {
  const { defaultDecider } = await import('../../src/gateway/pipeline.ts');
  const base = { identity: { keyId: 'k', user: 'u', team: null, role: 'developer' as const }, client: { tool: 't', version: null }, dialect: 'anthropic' as const, upstream: 'a', model: null, findings: [] };
  const clean = defaultDecider(false)(base);
  assert.deepEqual('decision' in clean ? clean.decision : clean, { action: 'allow', ruleId: null, reason: 'no findings' });
  const failed = defaultDecider(true)({ ...base, detectorErrors: [{ detector: 'engine', message: 'the exchange could not be inspected' }] });
  const d = 'decision' in failed ? failed.decision : failed;
  assert.equal(d.action, 'alert');
  assert.match(d.reason, /1 detector failure\(s\): engine/);
});

test('response inspection reads the response\'s text, not its protocol values (ids, model, stop reason)', async () => {
  const { inspectOutput } = await import('../../src/gateway/late-inspection.ts');
  const tok = 'ghp_' + 'Q1w2E3r4T5y6U7i8O9p0A1s2D3f4G5h6J7k8';
  const found = inspectOutput([
    { role: 'assistant', path: ['id'], text: `msg_${tok}`, structural: true },
    { role: 'assistant', path: ['content', 0, 'text'], text: `here: ${tok}` },
  ], {});
  assert.deepEqual(found.findings.map((f) => f.segmentPath), ['response.content[0].text']);
  assert.deepEqual(inspectOutput([{ role: 'assistant', path: ['id'], text: `msg_${tok}`, structural: true }], {}).findings, []);
});

test('a detector over its time budget is a recorded gap of the part it inspected, before forwarding and in the worker alike', async () => {
  for (const o of [{ config: { inspection: { enabled: true, redact: true, budgetMs: 1e-9 } } }, { workers: true, config: { inspection: { enabled: true, budgetMs: 1e-9 } } }]) {
    const h = await startHarness(o);
    try {
      const client = new Anthropic({ baseURL: h.url, apiKey: h.key, maxRetries: 0 });
      await client.messages.create({ model: 'claude-x', max_tokens: 5, messages: [{ role: 'user', content: `token=${GH_TOKEN}` }] });
      const rec = (await h.records()).at(-1)!;
      const gaps = rec.gaps ?? [];
      assert.ok(gaps.length > 0, `gaps recorded (${'workers' in o ? 'worker' : 'before forwarding'})`);
      for (const g of gaps) {
        assert.equal(g.part, 'request');
        assert.match(g.reason, /exceeded its time budget/);
      }
      assert.ok(gaps.some((g) => g.detector === 'secrets'));
      assert.notEqual(rec.decision?.action, 'allow', 'and the decision says so');
    } finally {
      await h.close();
    }
  }
});

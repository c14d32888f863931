// The official Anthropic SDK through the gateway, streaming and not, over real sockets.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import Anthropic from '@anthropic-ai/sdk';
import { startHarness, rawPost, PROVIDER_KEY, type Harness } from '../helpers/harness.ts';

let h: Harness;
before(async () => {
  h = await startHarness({ mock: { reply: 'Hello there, developer.' } });
});
after(() => h.close());

test('messages.create (non-streaming) returns the upstream answer and records usage', async () => {
  const client = new Anthropic({ baseURL: h.url, apiKey: h.key, maxRetries: 0 });
  const msg = await client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 64, messages: [{ role: 'user', content: 'Say hello' }] });
  assert.equal(msg.content[0]?.type, 'text');
  assert.equal((msg.content[0] as { text: string }).text, 'Hello there, developer.');
  const upstream = h.mock.requests.at(-1)!;
  assert.equal(upstream.headers['x-api-key'], PROVIDER_KEY, 'the provider key held by the gateway is used');
  assert.ok(!JSON.stringify(upstream.headers).includes(h.key), 'the Airlock key never reaches the provider');
  const rec = (await h.records()).at(-1)!;
  assert.equal(rec.route, 'POST /v1/messages');
  assert.equal(rec.user, 'alice');
  assert.equal(rec.team, 'payments');
  assert.equal(rec.keyId, h.keyId);
  assert.equal(rec.tool, 'anthropic-sdk-typescript');
  assert.match(rec.toolVersion ?? '', /^\d+\.\d+/);
  assert.equal(rec.model, 'claude-sonnet-4-5');
  assert.equal(rec.status, 200);
  assert.equal(rec.outcome, 'ok');
  assert.equal(rec.outputTokens, 3);
  assert.ok((rec.inputTokens ?? 0) > 0);
  assert.match(rec.requestSha256 ?? '', /^[0-9a-f]{64}$/);
  assert.equal(rec.redactedBody, null, 'no prompt text by default');
  assert.ok(!JSON.stringify(rec).includes('Say hello'), 'prompt text is not in the record');
});

test('messages.stream relays SSE events and usage is read from the stream', async () => {
  const client = new Anthropic({ baseURL: h.url, apiKey: h.key, maxRetries: 0 });
  const deltas: string[] = [];
  const stream = client.messages.stream({ model: 'claude-haiku-4-5', max_tokens: 64, messages: [{ role: 'user', content: 'Stream please' }] });
  stream.on('text', (t) => deltas.push(t));
  const final = await stream.finalMessage();
  assert.equal(deltas.join(''), 'Hello there, developer.');
  assert.ok(deltas.length >= 3, 'several deltas arrive, not one buffered blob');
  assert.equal(final.usage.output_tokens, 3);
  const rec = (await h.records()).at(-1)!;
  assert.equal(rec.outcome, 'ok');
  assert.equal(rec.outputTokens, 3);
  assert.ok((rec.inputTokens ?? 0) > 0);
  assert.ok(rec.ttfbMs !== null && rec.ttfbMs <= rec.latencyMs);
});

test('count_tokens and models.list go through', async () => {
  const client = new Anthropic({ baseURL: h.url, apiKey: h.key, maxRetries: 0 });
  const count = await client.messages.countTokens({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'count me' }] });
  assert.ok(count.input_tokens > 0);
  const models = await client.models.list();
  assert.equal(models.data[0]?.id, 'claude-mock-1');
  const recs = await h.records();
  assert.ok(recs.some((r) => r.route === 'POST /v1/messages/count_tokens' && r.outcome === 'ok'));
  assert.ok(recs.some((r) => r.route === 'GET /v1/models' && r.dialect === 'anthropic' && r.status === 200));
});

test('the body reaches the upstream byte for byte; query string and anthropic-* headers pass; response headers come back', async () => {
  // Odd spacing, escapes and non-ASCII: any re-serialisation would change these bytes.
  const body = '{ "model":"claude-x",  "max_tokens" : 5,\n"messages":[{"role":"user","content":"caf\\u00e9 — ünïcode \\n tab\\t"}] , "metadata": {"user_id":"u1"} }';
  const r = await rawPost(h.url, '/v1/messages?beta=true', body, {
    'content-type': 'application/json',
    'x-api-key': h.key,
    'anthropic-version': '2023-06-01',
    'anthropic-beta': 'interleaved-thinking-2025-05-14',
  });
  assert.equal(r.status, 200);
  const up = h.mock.requests.at(-1)!;
  assert.equal(up.url, '/v1/messages?beta=true');
  assert.ok(up.body.equals(Buffer.from(body)), 'upstream body is identical');
  assert.equal(up.headers['anthropic-version'], '2023-06-01');
  assert.equal(up.headers['anthropic-beta'], 'interleaved-thinking-2025-05-14');
  assert.equal(r.headers.get('request-id'), 'req_mock_1');
  assert.equal(r.headers.get('anthropic-ratelimit-requests-remaining'), '99');
  assert.match(r.headers.get('content-type') ?? '', /application\/json/);
  assert.match(r.headers.get('x-airlock-exchange-id') ?? '', /^[0-9a-f-]{36}$/);
  const rec = (await h.records()).find((x) => x.id === r.headers.get('x-airlock-exchange-id'))!;
  assert.equal(rec.requestSha256, createHash('sha256').update(body).digest('hex'), 'the record hashes what the client sent');
  assert.equal(rec.requestBytes, Buffer.byteLength(body));
});

test('Authorization: Bearer carries the Airlock key too (ANTHROPIC_AUTH_TOKEN)', async () => {
  const client = new Anthropic({ baseURL: h.url, authToken: h.key, apiKey: null, maxRetries: 0 });
  const msg = await client.messages.create({ model: 'claude-x', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] });
  assert.equal(msg.type, 'message');
  assert.equal(h.mock.requests.at(-1)!.headers['x-api-key'], PROVIDER_KEY);
  assert.equal(h.mock.requests.at(-1)!.headers['authorization'], undefined);
});

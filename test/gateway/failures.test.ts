// Bad input and upstream failures: a clear error in the caller's dialect, an audit record, no crash, no hang.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { createServer as createHttpServer, type Server } from 'node:http';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { startHarness, rawPost, type Harness } from '../helpers/harness.ts';
import type { AuditRecord } from '../../src/core/types.ts';

let h: Harness;
let deadPort: number;
// An upstream that sends its SSE headers, then its events only when the test says so (a model
// thinking before its first token).
let slow: Server;
let releaseEvents: () => void = () => {};
before(async () => {
  slow = createHttpServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.flushHeaders();
    releaseEvents = () => {
      res.end('event: message_start\ndata: {"type":"message_start","message":{"id":"m","type":"message","role":"assistant","content":[],"model":"slow-1","usage":{"input_tokens":1,"output_tokens":0}}}\n\n' +
        'event: message_stop\ndata: {"type":"message_stop"}\n\n');
    };
    // `x-slow-events: <ms>`: the events follow the headers by that long, in a write of their own.
    const after = Number(req.headers['x-slow-events'] ?? NaN);
    if (Number.isFinite(after)) setTimeout(releaseEvents, after);
  });
  await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
  // A port that refuses connections: bind, note the port, close.
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  deadPort = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  h = await startHarness({
    config: {
      limits: { maxBodyBytes: 64 * 1024, connectTimeoutMs: 1000, headersTimeoutMs: 800, bodyTimeoutMs: 800, drainMs: 2000 },
    },
    extraUpstreams: [
      { name: 'dead', baseUrl: `http://127.0.0.1:${deadPort}`, dialects: ['anthropic'], models: ['dead-*'], auth: 'passthrough' },
      { name: 'slow', baseUrl: `http://127.0.0.1:${(slow.address() as { port: number }).port}`, dialects: ['anthropic'], models: ['slow-*'], auth: 'passthrough' },
    ],
  });
});
after(async () => {
  await h.close();
  slow.close();
});

const anthropicHeaders = (key: string): Record<string, string> => ({ 'content-type': 'application/json', 'x-api-key': key, 'anthropic-version': '2023-06-01' });
const msgBody = (extra: object = {}): string => JSON.stringify({ model: 'claude-x', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }], ...extra });

async function lastRecord(): Promise<AuditRecord> {
  return (await h.records()).at(-1)!;
}

function assertAnthropicError(text: string, type: string, code: string): void {
  const j = JSON.parse(text) as { type: string; error: { type: string; message: string } };
  assert.equal(j.type, 'error');
  assert.equal(j.error.type, type);
  assert.ok(j.error.message.includes(code), `message names ${code}: ${j.error.message}`);
}

function assertOpenAIError(text: string, type: string, code: string): void {
  const j = JSON.parse(text) as { error: { type: string; code: string; message: string } };
  assert.equal(j.error.type, type);
  assert.equal(j.error.code, code);
  assert.ok(j.error.message.length > 10);
}

test('malformed JSON → 400 in Anthropic shape, recorded', async () => {
  const r = await rawPost(h.url, '/v1/messages', '{"model": "x", "messages": [', anthropicHeaders(h.key));
  assert.equal(r.status, 400);
  assertAnthropicError(r.text, 'invalid_request_error', 'AIRLOCK_ERR_BAD_JSON');
  const rec = await lastRecord();
  assert.equal(rec.errorCode, 'AIRLOCK_ERR_BAD_JSON');
  assert.equal(rec.outcome, 'client_error');
  assert.equal(rec.user, 'alice');
  assert.equal(rec.requestBytes, 28);
});

test('malformed JSON → 400 in OpenAI shape', async () => {
  const r = await rawPost(h.url, '/v1/chat/completions', '{nope', { 'content-type': 'application/json', authorization: `Bearer ${h.key}` });
  assert.equal(r.status, 400);
  assertOpenAIError(r.text, 'invalid_request_error', 'AIRLOCK_ERR_BAD_JSON');
});

test('JSON that is not an object → 400 BAD_REQUEST', async () => {
  const r = await rawPost(h.url, '/v1/responses', '[1,2]', { 'content-type': 'application/json', authorization: `Bearer ${h.key}` });
  assert.equal(r.status, 400);
  assertOpenAIError(r.text, 'invalid_request_error', 'AIRLOCK_ERR_BAD_REQUEST');
});

test('wrong content type → 415', async () => {
  const r = await rawPost(h.url, '/v1/messages', msgBody(), { ...anthropicHeaders(h.key), 'content-type': 'text/plain' });
  assert.equal(r.status, 415);
  assertAnthropicError(r.text, 'invalid_request_error', 'AIRLOCK_ERR_BAD_CONTENT_TYPE');
  assert.equal((await lastRecord()).errorCode, 'AIRLOCK_ERR_BAD_CONTENT_TYPE');
});

test('body over the limit → 413, declared or streamed', async () => {
  const big = msgBody({ pad: 'x'.repeat(70 * 1024) });
  const r = await rawPost(h.url, '/v1/messages', big, anthropicHeaders(h.key));
  assert.equal(r.status, 413);
  assertAnthropicError(r.text, 'request_too_large', 'AIRLOCK_ERR_BODY_TOO_LARGE');
  assert.equal((await lastRecord()).errorCode, 'AIRLOCK_ERR_BODY_TOO_LARGE');
  // Without content-length (chunked): the limit still holds.
  const chunked = new ReadableStream({
    start(c) {
      for (let i = 0; i < 20; i++) c.enqueue(new TextEncoder().encode('x'.repeat(8 * 1024)));
      c.close();
    },
  });
  const r2 = await fetch(`${h.url}/v1/messages`, { method: 'POST', body: chunked, headers: anthropicHeaders(h.key), duplex: 'half' } as RequestInit);
  assert.equal(r2.status, 413);
});

test('a compressed request body → 415 saying so, not "invalid UTF-8"', async () => {
  const { gzipSync } = await import('node:zlib');
  const r = await rawPost(h.url, '/v1/messages', gzipSync(msgBody()), { ...anthropicHeaders(h.key), 'content-encoding': 'gzip' });
  assert.equal(r.status, 415);
  assertAnthropicError(r.text, 'invalid_request_error', 'AIRLOCK_ERR_BAD_CONTENT_TYPE');
  assert.match(r.text, /Content-Encoding 'gzip' is not supported/);
});

test('invalid UTF-8 → 400', async () => {
  const bad = Buffer.concat([Buffer.from('{"model":"x","messages":[{"role":"user","content":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}]}')]);
  const r = await rawPost(h.url, '/v1/messages', bad, anthropicHeaders(h.key));
  assert.equal(r.status, 400);
  assertAnthropicError(r.text, 'invalid_request_error', 'AIRLOCK_ERR_INVALID_UTF8');
});

test('unknown route → 404 and wrong method → 404 with the reason', async () => {
  const r = await rawPost(h.url, '/v1/completions', '{}', { 'content-type': 'application/json', authorization: `Bearer ${h.key}` });
  assert.equal(r.status, 404);
  assertOpenAIError(r.text, 'invalid_request_error', 'AIRLOCK_ERR_UNKNOWN_ROUTE');
  const g = await fetch(`${h.url}/v1/messages`, { headers: { 'x-api-key': h.key } });
  assert.equal(g.status, 404);
  assert.match(await g.text(), /method not supported/);
  const rec = await lastRecord();
  assert.equal(rec.errorCode, 'AIRLOCK_ERR_UNKNOWN_ROUTE');
});

test('a path that holds a token is recorded and answered with the token masked', async () => {
  const token = 'ghp_' + 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8';
  const r = await rawPost(h.url, `/v1/${token}/chat`, '{}', { 'content-type': 'application/json', authorization: `Bearer ${h.key}` });
  assert.equal(r.status, 404);
  assert.ok(!r.text.includes(token), r.text);
  const rec = await lastRecord();
  assert.equal(rec.errorCode, 'AIRLOCK_ERR_UNKNOWN_ROUTE');
  assert.ok(!JSON.stringify(rec).includes(token), rec.route);
  assert.match(rec.route, /^POST \/v1\/\[github-pat: ghp_…/);
});

test('a token in the model name is inspected (a finding) and never recorded in clear', async () => {
  const token = 'ghp_' + 'Z9y8X7w6V5u4T3s2R1q0P9o8N7m6L5k4J3i2';
  const r = await rawPost(h.url, '/v1/messages', msgBody({ model: `claude-${token}` }), anthropicHeaders(h.key));
  assert.equal(r.status, 200);
  const rec = await lastRecord();
  assert.ok(!JSON.stringify(rec).includes(token), JSON.stringify(rec).slice(0, 300));
  assert.match(rec.model ?? '', /^claude-\[github-pat: ghp_…/);
  assert.ok(rec.findings.some((f) => f.rule === 'github-pat' && f.segmentPath === 'model'), 'found where it was');
});

test('a body that repeats a key, or nests past 512 levels, is refused with 400 in the caller\'s format and recorded; nothing goes upstream', async () => {
  const before = h.mock.requests.length;
  const dup = '{"model":"claude-x","max_tokens":8,"messages":[{"role":"user","content":"key ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8","content":"hi"}]}';
  const r = await rawPost(h.url, '/v1/messages', dup, anthropicHeaders(h.key));
  assert.equal(r.status, 400);
  assertAnthropicError(r.text, 'invalid_request_error', 'AIRLOCK_ERR_BAD_JSON');
  assert.match(r.text, /same key twice/);
  assert.equal((await lastRecord()).errorCode, 'AIRLOCK_ERR_BAD_JSON');
  const deep = `{"model":"claude-x","max_tokens":8,"messages":[{"role":"user","content":"hi","x":${'['.repeat(25_000)}${']'.repeat(25_000)}}]}`;
  const r2 = await rawPost(h.url, '/v1/chat/completions', deep, { 'content-type': 'application/json', authorization: `Bearer ${h.key}` });
  assert.equal(r2.status, 400);
  assertOpenAIError(r2.text, 'invalid_request_error', 'AIRLOCK_ERR_BAD_REQUEST');
  assert.equal(h.mock.requests.length, before);
});

test('a WebSocket upgrade on the Responses route → 426 in OpenAI shape, recorded, nothing upstream', async () => {
  const before = h.mock.requests.length;
  const { request } = await import('node:http');
  const r = await new Promise<{ status: number; text: string }>((resolve, reject) => {
    const q = request(`${h.url}/v1/responses`, { headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==', authorization: `Bearer ${h.key}` } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    q.on('error', reject);
    q.end();
  });
  assert.equal(r.status, 426);
  assertOpenAIError(r.text, 'invalid_request_error', 'AIRLOCK_ERR_NO_WEBSOCKET');
  assert.match(r.text, /send it as an HTTP POST/);
  const rec = await lastRecord();
  assert.equal(rec.errorCode, 'AIRLOCK_ERR_NO_WEBSOCKET');
  assert.equal(rec.route, 'GET /v1/responses');
  assert.equal(h.mock.requests.length, before);
  // A plain GET on the same path is still a wrong method.
  const g = await fetch(`${h.url}/v1/responses`, { headers: { authorization: `Bearer ${h.key}` } });
  assert.equal(g.status, 404);
  await g.text();
});

test('missing, unknown, malformed and revoked keys → 401 in each dialect', async () => {
  const a = await rawPost(h.url, '/v1/messages', msgBody(), { 'content-type': 'application/json' });
  assert.equal(a.status, 401);
  assertAnthropicError(a.text, 'authentication_error', 'AIRLOCK_ERR_MISSING_KEY');
  const fake = `alk_${'A'.repeat(49)}`;
  const b = await rawPost(h.url, '/v1/chat/completions', '{}', { 'content-type': 'application/json', authorization: `Bearer ${fake}` });
  assert.equal(b.status, 401);
  assertOpenAIError(b.text, 'authentication_error', 'AIRLOCK_ERR_UNKNOWN_KEY');
  assert.ok(!b.text.includes(fake), 'the presented key is not echoed');
  const { key, row } = await h.store.createKey({ user: 'bob', team: 'web', role: 'developer' });
  const ok = await rawPost(h.url, '/v1/messages', msgBody(), anthropicHeaders(key));
  assert.equal(ok.status, 200);
  assert.ok(await h.store.revokeKey(row.keyId));
  await new Promise((r) => setTimeout(r, 2100)); // the auth cache lives 2 s
  const c = await rawPost(h.url, '/v1/messages', msgBody(), anthropicHeaders(key));
  assert.equal(c.status, 401);
  assertAnthropicError(c.text, 'authentication_error', 'AIRLOCK_ERR_REVOKED_KEY');
  const rec = await lastRecord();
  assert.equal(rec.errorCode, 'AIRLOCK_ERR_REVOKED_KEY');
  assert.ok(!JSON.stringify(await h.records()).includes(key), 'keys never reach the audit trail');
});

test('upstream refused → 502 UPSTREAM_UNREACHABLE', async () => {
  const r = await rawPost(h.url, '/v1/messages', JSON.stringify({ model: 'dead-model', max_tokens: 5, messages: [] }), { ...anthropicHeaders(h.key) });
  assert.equal(r.status, 502);
  assertAnthropicError(r.text, 'api_error', 'AIRLOCK_ERR_UPSTREAM_UNREACHABLE');
  const rec = await lastRecord();
  assert.equal(rec.outcome, 'upstream_error');
  assert.equal(rec.upstream, 'dead');
});

test('upstream timeout before headers → 504', async () => {
  const r = await rawPost(h.url, '/v1/chat/completions', JSON.stringify({ model: 'gpt-x', messages: [] }), { 'content-type': 'application/json', authorization: `Bearer ${h.key}`, 'x-mock-fail': 'hang' });
  assert.equal(r.status, 504);
  assertOpenAIError(r.text, 'server_error', 'AIRLOCK_ERR_UPSTREAM_TIMEOUT');
  assert.equal((await lastRecord()).errorCode, 'AIRLOCK_ERR_UPSTREAM_TIMEOUT');
});

test('upstream reset before the response → 502 UPSTREAM_RESET', async () => {
  const r = await rawPost(h.url, '/v1/messages', msgBody(), { ...anthropicHeaders(h.key), 'x-mock-fail': 'reset-before' });
  assert.equal(r.status, 502);
  assertAnthropicError(r.text, 'api_error', 'AIRLOCK_ERR_UPSTREAM_RESET');
});

test('upstream reset mid-stream → the Anthropic SDK gets an error event; recorded as upstream_error', async () => {
  const client = new Anthropic({ baseURL: h.url, apiKey: h.key, maxRetries: 0, defaultHeaders: { 'x-mock-fail': 'reset-mid' } });
  const got: string[] = [];
  await assert.rejects(async () => {
    const s = client.messages.stream({ model: 'claude-x', max_tokens: 50, messages: [{ role: 'user', content: 'a long answer please' }] });
    s.on('text', (t) => got.push(t));
    await s.finalMessage();
  }, /AIRLOCK_ERR_UPSTREAM_RESET/);
  assert.ok(got.length > 0, 'the first half arrived before the error');
  const rec = await lastRecord();
  assert.equal(rec.outcome, 'upstream_error');
  assert.equal(rec.errorCode, 'AIRLOCK_ERR_UPSTREAM_RESET');
  assert.equal(rec.status, 200);
});

test('a streamed response starts at once: the headers reach the client before the upstream sends its first event', async () => {
  // The upstream sends its events only once the client has the headers: without the gateway
  // passing them on at once, this would wait until the test's timeout.
  const res = await fetch(`${h.url}/v1/messages`, { method: 'POST', body: msgBody({ model: 'slow-1', stream: true }), headers: anthropicHeaders(h.key), signal: AbortSignal.timeout(10_000) });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
  releaseEvents();
  const text = await res.text();
  assert.match(text, /event: message_start[\s\S]*event: message_stop/);
  assert.equal((await lastRecord()).outcome, 'ok');
});

test('a streamed response whose first event follows its headers closely reaches the client in one write: headers and event together', async () => {
  const { connect } = await import('node:net');
  const u = new URL(h.url);
  const body = msgBody({ model: 'slow-2', stream: true });
  const chunks = await new Promise<string[]>((resolve, reject) => {
    const got: string[] = [];
    const s = connect(Number(u.port), u.hostname, () => {
      const head = Object.entries({ ...anthropicHeaders(h.key), 'x-slow-events': '2', 'content-length': String(Buffer.byteLength(body)), connection: 'close' }).map(([k, v]) => `${k}: ${v}\r\n`).join('');
      s.write(`POST /v1/messages HTTP/1.1\r\nhost: ${u.host}\r\n${head}\r\n${body}`);
    });
    s.on('data', (c: Buffer) => got.push(c.toString()));
    s.on('error', reject);
    s.on('close', () => resolve(got));
  });
  assert.match(chunks[0] ?? '', /^HTTP\/1\.1 200[\s\S]*text\/event-stream[\s\S]*\r\n\r\n[\s\S]*event: message_start/, 'the headers waited for the first event and left with it');
  assert.match(chunks.join(''), /event: message_stop/);
});

test('upstream stalls mid-stream → OpenAI SDK gets an error, recorded as timeout', async () => {
  const client = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: h.key, maxRetries: 0, defaultHeaders: { 'x-mock-fail': 'hang-mid' } });
  await assert.rejects(async () => {
    const s = await client.chat.completions.create({ model: 'gpt-x', stream: true, messages: [{ role: 'user', content: 'go on and on' }] });
    for await (const _ of s) { /* consume */ }
  }, /AIRLOCK_ERR_UPSTREAM_TIMEOUT/);
  const rec = await lastRecord();
  assert.equal(rec.errorCode, 'AIRLOCK_ERR_UPSTREAM_TIMEOUT');
  assert.equal(rec.outcome, 'upstream_error');
});

test('client disconnecting mid-stream is recorded as aborted', async () => {
  const ac = new AbortController();
  const res = await fetch(`${h.url}/v1/messages`, { method: 'POST', body: msgBody({ stream: true }), headers: { ...anthropicHeaders(h.key), 'x-mock-fail': 'hang-mid' }, signal: ac.signal });
  const reader = res.body!.getReader();
  await reader.read();
  ac.abort();
  const recs = await h.records();
  const rec = recs.at(-1)!;
  assert.equal(rec.outcome, 'aborted');
  assert.equal(rec.errorCode, 'AIRLOCK_ERR_CLIENT_ABORTED');
});

test('malformed HTTP gets 400 and the gateway keeps serving', async () => {
  const { connect } = await import('node:net');
  const u = new URL(h.url);
  const reply = await new Promise<string>((resolve) => {
    const s = connect(Number(u.port), u.hostname, () => s.write('GARBAGE\r\n\r\n'));
    let d = '';
    s.on('data', (c) => (d += c.toString()));
    s.on('close', () => resolve(d));
  });
  assert.match(reply, /^HTTP\/1.1 400/);
  const r = await rawPost(h.url, '/v1/messages', msgBody(), anthropicHeaders(h.key));
  assert.equal(r.status, 200);
});

test('a client that trickles its body past the request timeout gets 408 AIRLOCK_ERR_REQUEST_TIMEOUT, recorded, and the gateway keeps serving', async () => {
  const slow = await startHarness({ config: { limits: { requestTimeoutMs: 700, maxBodyBytes: 1024 * 1024, connectTimeoutMs: 1000, headersTimeoutMs: 5000, bodyTimeoutMs: 5000, drainMs: 1000 } } });
  try {
    const { connect } = await import('node:net');
    const u = new URL(slow.url);
    const reply = await new Promise<string>((resolve) => {
      const s = connect(Number(u.port), u.hostname, () => {
        s.write(`POST /v1/messages HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\nx-api-key: ${slow.key}\r\ncontent-length: 1000\r\n\r\n{"model":`);
      });
      let d = '';
      s.on('data', (c) => (d += c.toString()));
      s.on('close', () => resolve(d));
      s.on('error', () => resolve(d));
    });
    assert.match(reply, /^HTTP\/1\.1 408 /, 'timed out (408)');
    assertAnthropicError(reply.slice(reply.indexOf('\r\n\r\n') + 4), 'invalid_request_error', 'AIRLOCK_ERR_REQUEST_TIMEOUT');
    const rec = (await slow.records()).at(-1);
    assert.equal(rec?.outcome, 'client_error', 'the timed-out exchange is recorded');
    assert.equal(rec?.errorCode, 'AIRLOCK_ERR_REQUEST_TIMEOUT');
    const ok = await rawPost(slow.url, '/v1/messages', msgBody(), anthropicHeaders(slow.key));
    assert.equal(ok.status, 200);
  } finally {
    await slow.close();
  }
});

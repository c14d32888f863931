// Requests at the edges of the API surface, against a real gateway and a real fake upstream:
// model ids that try to leave GET /v1/models/{id} (with the gateway's provider key), request
// bodies that stall, and streams still running when the drain at shutdown ends. Each gets a clear
// error in the caller's format and a record; none reaches the upstream where it must not.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { connect, type Socket } from 'node:net';
import { request } from 'node:http';
import { startHarness, PROVIDER_KEY, type Harness } from '../helpers/harness.ts';
import { matchRoute } from '../../src/gateway/routes.ts';

const anthropicHeaders = (key: string): Record<string, string> => ({ 'content-type': 'application/json', 'x-api-key': key, 'anthropic-version': '2023-06-01' });
const openaiHeaders = (key: string): Record<string, string> => ({ 'content-type': 'application/json', authorization: `Bearer ${key}` });

/** A GET with the path sent byte for byte (fetch would resolve the dot segments first). */
function rawGet(url: string, path: string, headers: Record<string, string>): Promise<{ status: number; text: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const r = request({ host: u.hostname, port: u.port, method: 'GET', path, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    r.on('error', reject);
    r.end();
  });
}

interface RawReply {
  text: string;
  /** ms from the first byte sent to the first byte received (-1: none). */
  firstByteMs: number;
  /** The gateway closed the connection (not the test's deadline). */
  closed: boolean;
}

/** Sends `bytes` on a fresh connection and collects what comes back until it closes or `deadlineMs`. */
function rawExchange(url: string, bytes: string, deadlineMs: number, onOpen?: (s: Socket) => void): Promise<RawReply> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const t0 = Date.now();
    const reply: RawReply = { text: '', firstByteMs: -1, closed: false };
    const s = connect(Number(u.port), u.hostname, () => {
      s.write(bytes);
      onOpen?.(s);
    });
    const timer = setTimeout(() => {
      s.destroy();
      resolve(reply);
    }, deadlineMs);
    s.on('data', (c: Buffer) => {
      if (reply.firstByteMs < 0) reply.firstByteMs = Date.now() - t0;
      reply.text += c.toString('utf8');
    });
    s.on('error', () => undefined);
    s.on('close', () => {
      clearTimeout(timer);
      reply.closed = true;
      resolve(reply);
    });
  });
}

const statusOf = (raw: string): number => Number(/^HTTP\/1\.1 (\d{3})/.exec(raw)?.[1] ?? 0);
const bodyOf = (raw: string): string => raw.slice(raw.indexOf('\r\n\r\n') + 4);

// ---------------------------------------------------------------------------------------------
// GET /v1/models/{id}

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h.close();
});

const ESCAPES = [
  '/v1/models/x/../../../organization/api_keys',
  '/v1/models/../../admin/secret?x=1',
  '/v1/models/..%2f..%2fv1%2ffiles',
  '/v1/models/%2e%2e/%2e%2e/v1/files',
  '/v1/models/%2E%2E%2Fv1%2Ffiles',
  '/v1/models/gpt-4o/..',
  '/v1/models/gpt-4o/../../files',
  '/v1/models/./gpt-4o',
  '/v1/models/.',
  '/v1/models/...',
  '/v1/models/..\\..\\v1\\files',
  '/v1/models/gpt-4o\\..\\..',
  '/v1/models/a//b',
  '/v1/models//',
  '/v1/models/gpt-4o;x=1',
];

test('GET /v1/models/{id}: ids that leave the models path are 404 AIRLOCK_ERR_UNKNOWN_ROUTE, recorded, never forwarded', async () => {
  const before = h.mock.requests.length;
  for (const path of ESCAPES) {
    const r = await rawGet(h.url, path, openaiHeaders(h.key));
    assert.equal(r.status, 404, path);
    const j = JSON.parse(r.text) as { error: { code: string; type: string } };
    assert.equal(j.error.code, 'AIRLOCK_ERR_UNKNOWN_ROUTE', path);
    assert.equal(j.error.type, 'invalid_request_error', path);
    // An Anthropic caller gets it in its own shape.
    const a = await rawGet(h.url, path, anthropicHeaders(h.key));
    assert.equal(a.status, 404, path);
    const aj = JSON.parse(a.text) as { type: string; error: { type: string; message: string } };
    assert.equal(aj.type, 'error', path);
    assert.equal(aj.error.type, 'not_found_error', path);
    assert.ok(aj.error.message.includes('AIRLOCK_ERR_UNKNOWN_ROUTE'), path);
  }
  assert.deepEqual(h.mock.requests.slice(before).map((r) => r.url), [], 'nothing reached the upstream');
  const recs = (await h.records()).slice(-ESCAPES.length * 2);
  assert.equal(recs.length, ESCAPES.length * 2);
  for (const rec of recs) {
    assert.equal(rec.errorCode, 'AIRLOCK_ERR_UNKNOWN_ROUTE');
    assert.equal(rec.status, 404);
    assert.notEqual(rec.route, 'GET /v1/models/{id}', 'the record names the path asked for');
  }
  assert.equal(recs[0]!.route, `GET ${ESCAPES[0]}`);
});

test('GET /v1/models/{id}: real model ids of Anthropic, OpenAI and OpenAI-compatible servers reach the upstream as sent', async () => {
  const ids = [
    'claude-sonnet-4-5-20250929',
    'claude-3-5-sonnet@20240620',
    'gpt-4o',
    'gpt-4o-2024-08-06',
    'ft:gpt-4o-mini:org::id',
    'ft:gpt-4o-mini-2024-07-18:my-org:custom_suffix:9abc',
    'o1-preview',
    'llama3.1:8b',
    'Qwen/Qwen3-Coder-30B-A3B-Instruct',
    'meta-llama/Llama-3.1-8B-Instruct',
    'hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M',
    '.hidden-but-harmless',
  ];
  for (const id of ids) {
    const path = `/v1/models/${id}`;
    const before = h.mock.requests.length;
    const r = await rawGet(h.url, path, openaiHeaders(h.key));
    assert.equal(r.status, 200, id);
    const sent = h.mock.requests.slice(before);
    assert.equal(sent.length, 1, id);
    assert.equal(sent[0]!.url, path);
    assert.equal(sent[0]!.headers['authorization'], `Bearer ${PROVIDER_KEY}`);
  }
  // The SDKs encode the '/' of an org/model id (%2F); it reaches the upstream as sent.
  const before = h.mock.requests.length;
  const sdk = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: h.key, maxRetries: 0 });
  await sdk.models.retrieve('Qwen/Qwen3-Coder-30B-A3B-Instruct');
  assert.deepEqual(h.mock.requests.slice(before).map((r) => r.url), ['/v1/models/Qwen%2FQwen3-Coder-30B-A3B-Instruct']);
  const rec = (await h.records()).at(-1)!;
  assert.equal(rec.route, 'GET /v1/models/{id}');
  assert.equal(rec.outcome, 'ok');
});

test('matchRoute: the models routes take a model id, not any suffix; the POST routes are exact', () => {
  const h0 = {};
  const name = (method: string, p: string): string | null => {
    const m = matchRoute(method, p, h0);
    return m === null ? null : m === 'method' ? 'method' : m.name;
  };
  assert.equal(name('GET', '/v1/models'), 'GET /v1/models');
  assert.equal(name('GET', '/v1/models/'), 'GET /v1/models');
  assert.equal(name('GET', '/v1/models/gpt-4o'), 'GET /v1/models/{id}');
  assert.equal(name('GET', '/v1/models/gpt-4o/'), 'GET /v1/models/{id}');
  assert.equal(name('GET', '/v1/models/Qwen/Qwen3-Coder'), 'GET /v1/models/{id}');
  assert.equal(name('POST', '/v1/models/gpt-4o'), 'method');
  for (const p of ESCAPES) assert.equal(name('GET', p.split('?')[0]!), null, p);
  assert.equal(name('GET', '/v1/modelsx'), null);
  assert.equal(name('POST', '/v1/messages'), 'POST /v1/messages');
  assert.equal(name('POST', '/v1/messages/'), 'POST /v1/messages');
  for (const p of ['/v1/messages/..', '/v1/messages/../files', '/v1/messages/count_tokens/..', '/v1/chat/completions/x', '/v1/responses/../files', '/v1/messages//']) {
    assert.equal(name('POST', p), null, p);
  }
});

// ---------------------------------------------------------------------------------------------
// Request bodies that stall

const stalledPost = (key: string, headers: string): string => {
  const body = '{"model":"claude-x","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}';
  return `POST ${headers === 'openai' ? '/v1/chat/completions' : '/v1/messages'} HTTP/1.1\r\nhost: x\r\n` +
    (headers === 'openai' ? `authorization: Bearer ${key}\r\n` : `x-api-key: ${key}\r\nanthropic-version: 2023-06-01\r\n`) +
    `content-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body.slice(0, 10)}`;
};

test('a body that stalls gets 408 AIRLOCK_ERR_REQUEST_TIMEOUT in the caller\'s format after limits.requestTimeoutMs, recorded as such, and the connection is closed', async () => {
  const s = await startHarness({ config: { limits: { requestTimeoutMs: 600, maxBodyBytes: 1024 * 1024, connectTimeoutMs: 1000, headersTimeoutMs: 5000, bodyTimeoutMs: 5000, drainMs: 1000 } } });
  try {
    const a = await rawExchange(s.url, stalledPost(s.key, 'anthropic'), 5_000);
    assert.equal(statusOf(a.text), 408, a.text);
    assert.ok(a.firstByteMs >= 500 && a.firstByteMs < 3_000, `answered at the request timeout (${a.firstByteMs} ms)`);
    const ab = JSON.parse(bodyOf(a.text)) as { type: string; error: { type: string; message: string } };
    assert.equal(ab.type, 'error');
    assert.equal(ab.error.type, 'invalid_request_error');
    assert.ok(ab.error.message.includes('AIRLOCK_ERR_REQUEST_TIMEOUT'), ab.error.message);
    assert.ok(a.closed, 'the gateway closes the connection after the 408');

    const o = await rawExchange(s.url, stalledPost(s.key, 'openai'), 5_000);
    assert.equal(statusOf(o.text), 408, o.text);
    const ob = JSON.parse(bodyOf(o.text)) as { error: { code: string; type: string } };
    assert.equal(ob.error.code, 'AIRLOCK_ERR_REQUEST_TIMEOUT');
    assert.equal(ob.error.type, 'invalid_request_error');

    const recs = await s.records();
    assert.equal(recs.length, 2);
    for (const rec of recs) {
      assert.equal(rec.status, 408);
      assert.equal(rec.outcome, 'client_error');
      assert.equal(rec.errorCode, 'AIRLOCK_ERR_REQUEST_TIMEOUT');
      assert.equal(rec.user, 'alice');
    }
    assert.equal(s.mock.requests.length, 0);
    // The gateway goes on serving.
    const ok = await fetch(`${s.url}/v1/messages`, { method: 'POST', headers: anthropicHeaders(s.key), body: JSON.stringify({ model: 'claude-x', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }) });
    assert.equal(ok.status, 200);
  } finally {
    await s.close();
  }
});

test('Node\'s own request-timeout check on a request the pipeline is reading leaves the answer to the pipeline (408 in the caller\'s format, not a bare 400)', async () => {
  const s = await startHarness({ config: { limits: { requestTimeoutMs: 800, maxBodyBytes: 1024 * 1024, connectTimeoutMs: 1000, headersTimeoutMs: 5000, bodyTimeoutMs: 5000, drainMs: 1000 } } });
  try {
    // Node checks its requestTimeout every 30 s; here its check comes first, as it may in production.
    const server = new Promise<Socket>((r) => s.gw.server.once('connection', r));
    const reply = rawExchange(s.url, stalledPost(s.key, 'anthropic'), 5_000, () => {
      void server.then((sock) => setTimeout(() => s.gw.server.emit('clientError', Object.assign(new Error('Request timeout'), { code: 'ERR_HTTP_REQUEST_TIMEOUT' }), sock), 200));
    });
    const a = await reply;
    assert.equal(statusOf(a.text), 408, a.text);
    const ab = JSON.parse(bodyOf(a.text)) as { type: string; error: { message: string } };
    assert.equal(ab.type, 'error');
    assert.ok(ab.error.message.includes('AIRLOCK_ERR_REQUEST_TIMEOUT'));
    const rec = (await s.records()).at(-1)!;
    assert.equal(rec.errorCode, 'AIRLOCK_ERR_REQUEST_TIMEOUT');
  } finally {
    await s.close();
  }
});

test('headers that time out get 408 with a JSON body naming AIRLOCK_ERR_REQUEST_TIMEOUT, and the connection is closed', async () => {
  const server = new Promise<Socket>((r) => h.gw.server.once('connection', r));
  const reply = rawExchange(h.url, 'GET /v1/models HTTP/1.1\r\nhost: x\r\n', 5_000, () => {
    void server.then((sock) => setTimeout(() => h.gw.server.emit('clientError', Object.assign(new Error('Request timeout'), { code: 'ERR_HTTP_REQUEST_TIMEOUT' }), sock), 100));
  });
  const a = await reply;
  assert.equal(statusOf(a.text), 408, a.text);
  assert.match(a.text, /\r\nconnection: close\r\n/i);
  assert.equal((JSON.parse(bodyOf(a.text)) as { error: { code: string } }).error.code, 'AIRLOCK_ERR_REQUEST_TIMEOUT');
  assert.ok(a.closed);
});

// ---------------------------------------------------------------------------------------------
// Shutdown

/** Reads an SSE response to its end; `onFirst` runs after the first chunk. Rejects if the stream is cut. */
async function readStream(res: Response, onFirst: () => void): Promise<string> {
  const reader = res.body!.getReader();
  const dec = new TextDecoder();
  let text = '';
  let first = true;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text;
    text += dec.decode(value, { stream: true });
    if (first) {
      first = false;
      onFirst();
    }
  }
}

test('a stream still running when the drain ends gets an AIRLOCK_ERR_SHUTTING_DOWN error event in its dialect, ends cleanly, and is recorded as ended by the gateway', async () => {
  const s = await startHarness({ mock: { reply: Array.from({ length: 60 }, (_, i) => `w${i}`).join(' '), chunkDelayMs: 50 } });
  try {
    const body = (extra: object): string => JSON.stringify({ model: 'claude-x', max_tokens: 50, stream: true, messages: [{ role: 'user', content: 'slow' }], ...extra });
    const ra = await fetch(`${s.url}/v1/messages`, { method: 'POST', headers: anthropicHeaders(s.key), body: body({}) });
    const ro = await fetch(`${s.url}/v1/chat/completions`, { method: 'POST', headers: openaiHeaders(s.key), body: body({ model: 'gpt-x' }) });
    let closing: Promise<void> | null = null;
    let firsts = 0;
    const start = (): void => {
      if (++firsts === 2) closing = s.gw.close(300);
    };
    const t0 = Date.now();
    // Both streams end without a transport error (fetch would reject with 'terminated').
    const [ta, to] = await Promise.all([readStream(ra, start), readStream(ro, start)]);
    await closing;
    assert.ok(Date.now() - t0 < 3_000, 'close is bounded');
    assert.ok(!ta.includes('message_stop'), 'the stream was still running');
    const lastA = ta.trimEnd().split('\n\n').at(-1)!;
    assert.match(lastA, /^event: error\ndata: /);
    const ea = JSON.parse(lastA.slice(lastA.indexOf('data: ') + 6)) as { type: string; error: { type: string; message: string } };
    assert.equal(ea.type, 'error');
    assert.equal(ea.error.type, 'overloaded_error');
    assert.ok(ea.error.message.includes('AIRLOCK_ERR_SHUTTING_DOWN'), ea.error.message);
    const lastO = to.trimEnd().split('\n\n').at(-1)!;
    assert.match(lastO, /^data: /);
    const eo = JSON.parse(lastO.slice(6)) as { error: { code: string } };
    assert.equal(eo.error.code, 'AIRLOCK_ERR_SHUTTING_DOWN');
    const recs = await s.store.readAudit({ limit: 10 });
    assert.equal(recs.length, 2);
    for (const rec of recs) {
      assert.equal(rec.errorCode, 'AIRLOCK_ERR_SHUTTING_DOWN');
      assert.equal(rec.outcome, 'upstream_error');
      assert.equal(rec.status, 200);
      assert.ok(rec.responseBytes > 0);
    }
    assert.equal((await s.store.verifyAudit()).ok, true);
  } finally {
    await s.close();
  }
});

test('a request still waiting for the upstream when the drain ends gets 503 AIRLOCK_ERR_SHUTTING_DOWN in its format, recorded', async () => {
  const s = await startHarness();
  try {
    const pending = fetch(`${s.url}/v1/messages`, {
      method: 'POST',
      headers: { ...anthropicHeaders(s.key), 'x-mock-fail': 'hang' },
      body: JSON.stringify({ model: 'claude-x', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }),
    });
    while (s.mock.requests.length === 0) await new Promise((r) => setTimeout(r, 10));
    const t0 = Date.now();
    await s.gw.close(200);
    assert.ok(Date.now() - t0 < 3_000, 'close is bounded');
    const r = await pending;
    assert.equal(r.status, 503);
    const j = JSON.parse(await r.text()) as { type: string; error: { type: string; message: string } };
    assert.equal(j.type, 'error');
    assert.equal(j.error.type, 'overloaded_error');
    assert.ok(j.error.message.includes('AIRLOCK_ERR_SHUTTING_DOWN'));
    const recs = await s.store.readAudit({ limit: 10 });
    assert.equal(recs.length, 1);
    assert.equal(recs[0]!.errorCode, 'AIRLOCK_ERR_SHUTTING_DOWN');
    assert.equal(recs[0]!.status, 503);
  } finally {
    await s.close();
  }
});

// The streamed-response relay against a misbehaving upstream (a real HTTP server speaking SSE):
// cut mid-event, failing or left mid-stream, an error event inside a 200 stream, output far over
// the tee limit, and the tool-call and refusal shapes the assembler must read. Through the whole
// gateway where the audit record shows it, through proxy() alone for what it hands the pipeline.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { brotliCompressSync, deflateRawSync, gzipSync } from 'node:zlib';
import { Pool } from 'undici';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { startHarness, type Harness } from '../helpers/harness.ts';
import { proxy, type ProxyResult } from '../../src/gateway/proxy.ts';
import type { UpstreamTarget } from '../../src/gateway/upstream.ts';
import type { AuditRecord, Dialect } from '../../src/core/types.ts';

const GH = 'ghp_R7mQ2xK9pL4vN8sT1wY6zB3cF5hJ0dG2aE4i';
/**
 * A zstd frame (one raw block, no checksum, a content size under 256) holding a text, written out
 * by hand: Node 20 has no zstd encoder.
 */
function zstdFrame(text: string): Buffer {
  const body = Buffer.from(text);
  const header = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x20, body.length]); // magic; single segment, 1-byte size
  const block = Buffer.from([((body.length << 3) | 1) & 0xff, (body.length << 3 | 1) >> 8 & 0xff, (body.length << 3 | 1) >> 16]); // last, raw
  return Buffer.concat([header, block, body]);
}
const MB = 1024 * 1024;

const named = (ev: { type: string } & Record<string, unknown>): string => `event: ${ev.type}\ndata: ${JSON.stringify(ev)}\n\n`;
const data = (ev: object): string => `data: ${JSON.stringify(ev)}\n\n`;
const messageStart = (input: number): string => named({ type: 'message_start', message: { id: 'm', type: 'message', role: 'assistant', content: [], model: 'x', usage: { input_tokens: input, output_tokens: 0 } } });
const textStart = named({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
const textDelta = (text: string): string => named({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } });

/** The reply the compressed cases send: a secret in the text, usage to read. */
const reply = (model: string): object => ({ id: 'm', type: 'message', role: 'assistant', model, content: [{ type: 'text', text: `the token is ${GH}` }], usage: { input_tokens: 321, output_tokens: 7 } });
const sseReply = (...extra: string[]): string => messageStart(321) + textStart + textDelta(`the token is ${GH}`) + extra.join('') + named({ type: 'message_stop' });

/**
 * Responses compressed although the gateway asked for identity, by model: content type, coding,
 * the bytes sent. Relayed as they are; decoded (or not) to be read.
 */
const CODED: Record<string, () => [string, string, Buffer]> = {
  'fake-gzip-json': () => ['application/json', 'gzip', gzipSync(JSON.stringify(reply('fake-gzip-json')))],
  'fake-br-sse': () => ['text/event-stream', 'br', brotliCompressSync(sseReply())],
  'fake-zstd-json': () => ['application/json', 'zstd', zstdFrame(JSON.stringify(reply('fake-zstd-json')))],
  'fake-deflate-raw-json': () => ['application/json', 'deflate', deflateRawSync(JSON.stringify(reply('fake-deflate-raw-json')))],
  'fake-gzip-br-json': () => ['application/json', 'gzip, br', brotliCompressSync(gzipSync(JSON.stringify(reply('fake-gzip-br-json'))))],
  // A valid start, then bytes that are no deflate stream: clients show what decoded first. The
  // incompressible noise makes the stream span several decoder pieces.
  'fake-gzip-then-junk': () => {
    const whole = gzipSync(sseReply(textDelta(randomBytes(4500).toString('base64'))));
    return ['text/event-stream', 'gzip', Buffer.concat([whole.subarray(0, whole.length - 8), Buffer.alloc(64, 0xff)])];
  },
  'fake-gzip-plain': () => ['application/json', 'gzip', Buffer.from(JSON.stringify(reply('fake-gzip-plain')))],
  'fake-gzip-sse-padded': () => ['text/event-stream', 'gzip', gzipSync(sseReply(': pad\n'.repeat(3 * MB)))],
  'fake-gzip-bomb': () => ['application/json', 'gzip', gzipSync(Buffer.alloc(40 * MB, 0x61))], // ~40 KB that decodes to 40 MB
  'fake-lzw-json': () => ['application/json', 'compress', Buffer.from([0x1f, 0x9d, 0x90, 0, 0])],
};

/** The upstream's behaviour, by the request's model. */
const behaviours: Record<string, (res: ServerResponse, req: IncomingMessage) => void> = {
  'fake-trunc'(res, req) {
    res.write(messageStart(5) + textStart);
    res.write('event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_de');
    setTimeout(() => req.socket.destroy(), 50);
  },
  'fake-trunc-chat'(res, req) {
    res.write(data({ id: 'c', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: 'hel' } }] }));
    res.write('data: {"id":"c","object":"chat.completion.chu');
    setTimeout(() => req.socket.destroy(), 50);
  },
  // An event larger than the relay holds back, cut: the client has part of it.
  'fake-trunc-big'(res, req) {
    res.write(messageStart(5) + textStart);
    res.write(`event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"${'x'.repeat(2 * MB)}`);
    setTimeout(() => req.socket.destroy(), 50);
  },
  'fake-secret-drop'(res, req) {
    res.write(messageStart(1234) + textStart + textDelta(`the token is ${GH}`) + named({ type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 999 } }));
    setTimeout(() => req.socket.destroy(), 50);
  },
  'fake-secret-wait'(res) {
    res.write(messageStart(1234) + textStart + textDelta(`the token is ${GH}`) + named({ type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 999 } }));
    const t = setTimeout(() => res.end(named({ type: 'message_stop' })), 10_000);
    res.on('close', () => clearTimeout(t));
  },
  'fake-error-event'(res) {
    res.end(messageStart(5) + named({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }));
  },
  'fake-big'(res) {
    res.write(messageStart(5) + textStart);
    const ev = textDelta('y'.repeat(8000));
    let left = 18 * MB;
    const pump = (): void => {
      while (left > 0) {
        left -= ev.length;
        if (!res.write(ev)) return void res.once('drain', pump);
      }
      res.end(named({ type: 'message_stop' }));
    };
    pump();
  },
  'fake-resp-custom'(res) {
    res.write(named({ type: 'response.created', response: { id: 'r', status: 'in_progress', output: [] } }));
    res.write(named({ type: 'response.output_item.added', output_index: 0, item: { type: 'custom_tool_call', id: 'ctc', call_id: 'c', name: 'apply_patch', input: '' } }));
    res.write(named({ type: 'response.custom_tool_call_input.delta', output_index: 0, item_id: 'ctc', delta: `*** Add File: creds\n+token=${GH}\n` }));
    res.write(named({ type: 'response.output_item.done', output_index: 1, item: { type: 'local_shell_call', id: 'ls', call_id: 'c2', action: { type: 'exec', command: ['sh', '-c', `curl -H "Authorization: token ${GH}" x`] } } }));
    res.write(named({ type: 'response.refusal.delta', output_index: 2, content_index: 0, delta: `${GH} is my refusal` }));
    res.end(named({ type: 'response.completed', response: { id: 'r', status: 'completed', usage: { input_tokens: 3, output_tokens: 4 } } }));
  },
  'fake-chat-legacy'(res) {
    res.write(data({ choices: [{ index: 0, delta: { function_call: { name: 'f', arguments: `{"k":"${GH}"}` } } }] }));
    res.write(data({ choices: [{ index: 0, delta: { refusal: `no: ${GH}` } }] }));
    res.end('data: [DONE]\n\n');
  },
  'fake-anth-tooluse'(res) {
    res.write(messageStart(5));
    res.write(named({ type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 't', name: 'bash', input: { command: `export T=${GH}` } } }));
    res.write(named({ type: 'content_block_stop', index: 0 }));
    res.write(named({ type: 'content_block_start', index: 1, content_block: { type: 'text', text: '', citations: [] } }));
    res.write(named({ type: 'content_block_delta', index: 1, delta: { type: 'citations_delta', citation: { type: 'char_location', cited_text: GH, document_index: 0, start_char_index: 0, end_char_index: 5 } } }));
    res.end(named({ type: 'message_stop' }));
  },
  'fake-ok'(res) {
    res.end(messageStart(5) + textStart + textDelta('hello') + named({ type: 'message_stop' }));
  },
};

let upstream: Server;
let upstreamUrl: string;
let h: Harness;
// proxy() alone, behind a plain HTTP server: the result it resolves with, per request.
let front: Server;
let frontUrl: string;
let pool: Pool;
let pending: Promise<ProxyResult> | null = null;

before(async () => {
  upstream = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const model = String((JSON.parse(Buffer.concat(chunks).toString()) as { model?: string }).model);
      const coded = CODED[model];
      if (coded !== undefined) {
        const [ctype, coding, body] = coded();
        res.writeHead(200, { 'content-type': ctype, 'content-encoding': coding });
        res.write(body.subarray(0, 10)); // in two reads, as a stream comes
        res.end(body.subarray(10));
        return;
      }
      if (model === 'fake-big-json') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: 'm', type: 'message', role: 'assistant', content: [{ type: 'text', text: 'z'.repeat(17 * MB) }], usage: { input_tokens: 1, output_tokens: 1 } }));
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      behaviours[model]!(res, req);
    });
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  h = await startHarness({
    extraUpstreams: [
      { name: 'fake-a', baseUrl: upstreamUrl, dialects: ['anthropic'], models: ['fake-*'], auth: 'passthrough' },
      { name: 'fake-o', baseUrl: upstreamUrl, dialects: ['openai-chat', 'openai-responses'], models: ['fake-*'], auth: 'passthrough' },
    ],
  });
  pool = new Pool(upstreamUrl);
  const target = { pool, basePath: '', managedKey: null } as unknown as UpstreamTarget;
  front = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      pending = proxy(target, { path: req.url!, method: 'POST', headers: { 'content-type': 'application/json' }, body: Buffer.concat(chunks) }, res, {
        dialect: req.headers['x-dialect'] as Dialect, exchangeId: 'x', wantOutput: true, t0: performance.now(),
      });
    });
  });
  await new Promise<void>((r) => front.listen(0, '127.0.0.1', r));
  frontUrl = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
});

after(async () => {
  await h.close();
  await pool.close();
  front.close();
  upstream.closeAllConnections();
  upstream.close();
});

/** One exchange through proxy() alone: what the client got, and what proxy() resolved with. */
async function direct(model: string, dialect: Dialect = 'anthropic'): Promise<{ text: string; result: ProxyResult }> {
  pending = null;
  const r = await fetch(`${frontUrl}/v1/messages`, { method: 'POST', body: JSON.stringify({ model, stream: true }), headers: { 'x-dialect': dialect } });
  const text = await r.text();
  return { text, result: await pending! };
}

/**
 * One Anthropic Messages call through the gateway for `model` (the upstream's behaviour); the
 * response as fetch hands it over. `accept-encoding: identity`: fetch reads the body as sent.
 */
const messages = (model: string, o: { stream?: boolean; signal?: AbortSignal; identity?: boolean } = {}): Promise<Response> => fetch(`${h.url}/v1/messages`, {
  method: 'POST', body: JSON.stringify({ model, stream: o.stream ?? false, max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }),
  headers: { 'content-type': 'application/json', 'x-api-key': h.key, 'anthropic-version': '2023-06-01', ...(o.identity === true ? { 'accept-encoding': 'identity' } : {}) },
  ...(o.signal !== undefined ? { signal: o.signal } : {}),
});

async function recordOf(model: string): Promise<AuditRecord> {
  const rec = (await h.records()).filter((r) => r.model === model).at(-1);
  assert.ok(rec !== undefined, `a record for ${model}`);
  return rec;
}

const responsePaths = (rec: AuditRecord): string[] => rec.findings.filter((f) => f.rule === 'github-pat' && f.segmentPath.startsWith('response.')).map((f) => f.segmentPath).sort();

test('upstream cut mid-event: the SDKs get the gateway\'s error event, not half an event glued to it', async () => {
  const anthropic = new Anthropic({ baseURL: h.url, apiKey: h.key, maxRetries: 0, logger: { error() {}, warn() {}, info() {}, debug() {} } });
  await assert.rejects(async () => {
    const s = await anthropic.messages.create({ model: 'fake-trunc', max_tokens: 10, stream: true, messages: [{ role: 'user', content: 'hi' }] });
    for await (const _ of s) { /* consume */ }
  }, (e: Error) => e instanceof Anthropic.APIError && /AIRLOCK_ERR_UPSTREAM_RESET/.test(e.message));
  const openai = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: h.key, maxRetries: 0, logger: { error() {}, warn() {}, info() {}, debug() {} } });
  const got: string[] = [];
  await assert.rejects(async () => {
    const s = await openai.chat.completions.create({ model: 'fake-trunc-chat', stream: true, messages: [{ role: 'user', content: 'hi' }] });
    for await (const c of s) got.push(c.choices[0]?.delta.content ?? '');
  }, (e: Error) => e instanceof OpenAI.APIError && /AIRLOCK_ERR_UPSTREAM_RESET/.test(e.message));
  assert.deepEqual(got, ['hel'], 'the complete events before the cut arrived');
  const rec = await recordOf('fake-trunc-chat');
  assert.equal(rec.outcome, 'upstream_error');
  assert.equal(rec.errorCode, 'AIRLOCK_ERR_UPSTREAM_RESET');
});

test('upstream cut inside an event too large to hold back: the part relayed is ended, the error is an event of its own', async () => {
  const { text, result } = await direct('fake-trunc-big');
  assert.equal(result.error?.code, 'AIRLOCK_ERR_UPSTREAM_RESET');
  const events = text.split('\n\n').filter((e) => e !== '');
  const last = events.at(-1)!;
  assert.match(last, /^event: error\ndata: /);
  assert.equal((JSON.parse(last.slice(last.indexOf('data: ') + 6)) as { error: { type: string } }).error.type, 'api_error');
});

test('upstream failing mid-stream: what the client got is inspected and its tokens recorded', async () => {
  const r = await messages('fake-secret-drop', { stream: true });
  const text = await r.text();
  assert.ok(text.includes(GH) && text.includes('AIRLOCK_ERR_UPSTREAM_RESET'));
  const rec = await recordOf('fake-secret-drop');
  assert.equal(rec.outcome, 'upstream_error');
  assert.deepEqual(responsePaths(rec), ['response.content[0].text']);
  assert.equal(rec.inputTokens, 1234);
  assert.equal(rec.outputTokens, 999);
});

test('client leaving mid-stream: what it got is inspected and its tokens recorded', async () => {
  const ac = new AbortController();
  const r = await messages('fake-secret-wait', { stream: true, signal: ac.signal });
  const reader = r.body!.getReader();
  let got = '';
  while (!got.includes('message_delta')) got += new TextDecoder().decode((await reader.read()).value);
  ac.abort();
  const rec = await recordOf('fake-secret-wait');
  assert.equal(rec.outcome, 'aborted');
  assert.deepEqual(responsePaths(rec), ['response.content[0].text']);
  assert.equal(rec.inputTokens, 1234);
  assert.equal(rec.outputTokens, 999);
});

test('an error event inside a 200 stream is handed to the pipeline: its type and message only', async () => {
  const { result } = await direct('fake-error-event');
  assert.equal(result.status, 200);
  assert.equal(result.error, null);
  assert.deepEqual(result.streamError, { type: 'overloaded_error', message: 'Overloaded' });
  const ok = await direct('fake-ok');
  assert.equal(ok.result.streamError, null);
  assert.equal(ok.result.truncated, false);
  // Through the gateway: relayed as sent, recorded as the upstream's failure.
  const r = await messages('fake-error-event', { stream: true });
  assert.equal(r.status, 200);
  assert.match(await r.text(), /overloaded_error/);
  const rec = await recordOf('fake-error-event');
  assert.deepEqual([rec.status, rec.outcome, rec.errorCode], [200, 'upstream_error', 'AIRLOCK_ERR_UPSTREAM_STREAM_ERROR']);
});

test('streamed output over the tee limit: relayed whole, assembled up to the limit, marked truncated', async () => {
  const { text, result } = await direct('fake-big');
  assert.equal(Buffer.byteLength(text), result.responseBytes, 'the client got every byte');
  assert.ok(result.responseBytes > 18 * MB);
  assert.equal(result.truncated, true);
  const assembled = result.output.filter((s) => s.path[0] === 'content').reduce((n, s) => n + s.text.length, 0);
  assert.ok(assembled <= 16 * MB && assembled > 15 * MB, `${assembled} characters assembled`);
  // A JSON body over it is relayed, not parsed: marked truncated as well.
  const json = await direct('fake-big-json');
  assert.equal(json.result.truncated, true);
  assert.ok(json.result.output.every((s) => s.path[0] === 'headers'), 'only the response headers are read');
});

test('streamed tool calls, shell commands, refusals and citations are inspected like non-streamed ones', async () => {
  const post = (path: string, model: string, extra: object): Promise<Response> => fetch(`${h.url}${path}`, {
    method: 'POST', body: JSON.stringify({ model, stream: true, ...extra }),
    headers: { 'content-type': 'application/json', authorization: `Bearer ${h.key}`, 'x-api-key': h.key, 'anthropic-version': '2023-06-01' },
  }).then(async (r) => (await r.text(), r));
  await post('/v1/responses', 'fake-resp-custom', { input: 'hi' });
  await post('/v1/chat/completions', 'fake-chat-legacy', { messages: [{ role: 'user', content: 'hi' }] });
  await post('/v1/messages', 'fake-anth-tooluse', { max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] });
  assert.deepEqual(responsePaths(await recordOf('fake-resp-custom')), ['response.output[0].input', 'response.output[1].action.command[2]', 'response.output[2].content[0].refusal']);
  assert.deepEqual(responsePaths(await recordOf('fake-chat-legacy')), ['response.choices[0].message.function_call.arguments', 'response.choices[0].message.refusal']);
  assert.deepEqual(responsePaths(await recordOf('fake-anth-tooluse')), ['response.content[0].input.command', 'response.content[1].citations[0].cited_text']);
});

test('a response compressed against the gateway\'s request is relayed as sent, decoded and read; one it cannot decode is a recorded gap', async () => {
  const post = (model: string, stream: boolean): Promise<{ status: number; text: string }> =>
    messages(model, { stream }).then(async (r) => ({ status: r.status, text: await r.text() }));
  for (const [model, stream] of [['fake-gzip-json', false], ['fake-br-sse', true], ['fake-deflate-raw-json', false], ['fake-gzip-br-json', false]] as const) {
    const r = await post(model, stream);
    assert.equal(r.status, 200);
    assert.ok(r.text.includes(GH), `${model}: the client decodes what the upstream sent`);
    const rec = await recordOf(model);
    assert.deepEqual(responsePaths(rec), ['response.content[0].text'], `${model}: the decoded response is inspected`);
    assert.equal(rec.inputTokens, 321, `${model}: usage is read`);
    assert.equal(rec.gaps, undefined);
  }
  for (const [model, coding] of [['fake-lzw-json', 'compress'], ['fake-zstd-json', 'zstd']] as const) {
    const z = await post(model, false);
    assert.equal(z.status, 200);
    const rec = await recordOf(model);
    assert.deepEqual(rec.gaps, [{ part: 'response', reason: `content-encoding '${coding}' cannot be decoded: relayed, neither inspected nor read for usage` }]);
    assert.equal(rec.outcome, 'ok');
  }
  // A body that fails to decode part way: what decoded (what a client shows) is inspected, and
  // the record says the rest was not.
  await post('fake-gzip-then-junk', true).catch(() => undefined);
  const junk = await recordOf('fake-gzip-then-junk');
  assert.deepEqual(responsePaths(junk), ['response.content[0].text']);
  assert.match(junk.gaps?.[0]?.reason ?? '', /^content-encoding 'gzip' could not be decoded past \d+ bytes \(Z_\w+\): inspection covers the part decoded$/);
  await post('fake-gzip-plain', false).catch(() => undefined);
  assert.match((await recordOf('fake-gzip-plain')).gaps?.[0]?.reason ?? '', /^content-encoding 'gzip' could not be decoded past 0 bytes/);
});

test('a response over the read limit is a recorded gap', async () => {
  const r = await messages('fake-big-json');
  assert.equal((await r.text()).length > 17 * MB, true);
  const rec = await recordOf('fake-big-json');
  assert.deepEqual(rec.gaps, [{ part: 'response', reason: 'over the 16 MB read limit: usage and inspection cover the part read' }]);
  // Compressed: the limit holds for what it decodes to (a small body that expands without bound).
  const bomb = await messages('fake-gzip-bomb', { identity: true });
  assert.equal(bomb.status, 200);
  await bomb.arrayBuffer();
  assert.deepEqual((await recordOf('fake-gzip-bomb')).gaps, [{ part: 'response', reason: 'over the 16 MB read limit: usage and inspection cover the part read' }]);
  // The first 16 MB decoded are read, as for a body sent uncompressed: padding cannot hide a secret.
  const padded = await messages('fake-gzip-sse-padded', { stream: true, identity: true });
  await padded.arrayBuffer();
  const rec2 = await recordOf('fake-gzip-sse-padded');
  assert.deepEqual(responsePaths(rec2), ['response.content[0].text']);
  assert.equal(rec2.inputTokens, 321);
  assert.deepEqual(rec2.gaps, [{ part: 'response', reason: 'over the 16 MB read limit: usage and inspection cover the part read' }]);
});

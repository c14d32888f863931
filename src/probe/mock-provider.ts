// A real HTTP server that answers like the Anthropic and OpenAI APIs (JSON and SSE), records
// every request it receives byte for byte, and can fail on demand. The tests and benchmarks use
// it as the fake upstream; the probe uses it as its capture upstream.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { isWebSocketUpgrade } from '../gateway/routes.ts';

export type Failure = 'reset-before' | 'reset-mid' | 'hang' | 'hang-mid' | 'status-500' | 'status-429';

export interface CapturedRequest {
  method: string;
  /** Origin-form path and query; a proxy's absolute-form target is reduced to it (see proxyTarget). */
  url: string;
  /** Absolute-form target ('http://host:port/path') when the client spoke to this server as a proxy. */
  proxyTarget?: string;
  /** True when the request came through a CONNECT tunnel opened on this server. */
  tunneled?: boolean;
  headers: IncomingMessage['headers'];
  body: Buffer;
  time: number;
}

/** An answer that calls a tool instead of writing text (Anthropic tool_use, Chat Completions tool_calls, Responses function_call). */
export interface ToolCallReply {
  tool: string;
  input: Record<string, unknown>;
}

export interface MockOptions {
  /** Text of every answer; a function may look at the parsed request and may call a tool. */
  reply?: string | ((req: CapturedRequest, json: unknown) => string | ToolCallReply);
  /** Split streamed text into this many deltas (default: one per word). */
  chunkDelayMs?: number;
  /** Keep captured requests (default true; the benchmark turns it off). */
  capture?: boolean;
  /** Extra headers on every answer. */
  headers?: Record<string, string>;
}

const words = (s: string): string[] => s.match(/\S+\s*|\s+/g) ?? [''];

export class MockProvider {
  readonly server: Server;
  readonly requests: CapturedRequest[] = [];
  /** Failure for the next requests (consumed one per request); also settable per request by header x-mock-fail. */
  readonly failures: Failure[] = [];
  private readonly sockets = new Set<Socket>();

  constructor(private readonly opts: MockOptions = {}) {
    this.server = createServer((req, res) => this.onRequest(req, res));
    this.server.keepAliveTimeout = 30_000;
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.once('close', () => this.sockets.delete(s));
    });
    // As an HTTP(S)_PROXY (the probe's proxy persona): CONNECT opens a tunnel that is served by
    // this same server, which works for http:// targets (undici's ProxyAgent tunnels those too).
    // A TLS handshake inside the tunnel cannot be answered: https targets need the resolver hook.
    this.server.on('connect', (_req: IncomingMessage, socket: Socket, head: Buffer) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      this.tunnels.add(socket);
      if (head.length > 0) socket.unshift(head);
      this.server.emit('connection', socket);
    });
  }

  private readonly tunnels = new WeakSet<Socket>();

  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    await new Promise<void>((r) => this.server.listen(port, host, r));
    return this.url;
  }

  get url(): string {
    const a = this.server.address() as AddressInfo;
    return `http://${a.address}:${a.port}`;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = req.url ?? '';
      const cap: CapturedRequest = { method: req.method ?? '', url: raw, headers: req.headers, body: Buffer.concat(chunks), time: Date.now() };
      if (/^https?:\/\//i.test(raw)) {
        // Absolute-form (RFC 9112 §3.2.2): sent to a forward proxy; answer as the origin would.
        const u = new URL(raw);
        cap.url = u.pathname + u.search;
        cap.proxyTarget = raw;
      }
      if (req.socket && this.tunnels.has(req.socket as Socket)) cap.tunneled = true;
      if (this.opts.capture !== false) this.requests.push(cap);
      const failure = (req.headers['x-mock-fail'] as Failure | undefined) ?? this.failures.shift();
      this.answer(cap, res, failure).catch(() => res.destroy());
    });
  }

  private async answer(cap: CapturedRequest, res: ServerResponse, failure: Failure | undefined): Promise<void> {
    if (failure === 'reset-before') {
      res.socket?.destroy();
      return;
    }
    if (failure === 'hang') return; // never answers; the client's timeout decides
    if (failure === 'status-500' || failure === 'status-429') {
      const status = failure === 'status-500' ? 500 : 429;
      const anthropic = cap.url.startsWith('/v1/messages');
      const body = anthropic
        ? { type: 'error', error: { type: status === 429 ? 'rate_limit_error' : 'api_error', message: 'mock failure' } }
        : { error: { message: 'mock failure', type: status === 429 ? 'rate_limit_error' : 'server_error', code: null } };
      res.writeHead(status, { 'content-type': 'application/json', 'request-id': 'req_mock_err', ...(status === 429 ? { 'retry-after': '7' } : {}) });
      res.end(JSON.stringify(body));
      return;
    }
    const path = cap.url.split('?')[0] ?? '';
    let json: Record<string, unknown> = {};
    try {
      json = cap.body.length > 0 ? (JSON.parse(cap.body.toString('utf8')) as Record<string, unknown>) : {};
    } catch {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ type: 'error', error: { type: 'invalid_request_error', message: 'mock: bad json' } }));
      return;
    }
    const answer = typeof this.opts.reply === 'function' ? this.opts.reply(cap, json) : (this.opts.reply ?? 'Hello from the mock provider.');
    const call = typeof answer === 'string' ? null : answer;
    const text = typeof answer === 'string' ? answer : '';
    const model = typeof json['model'] === 'string' ? json['model'] : 'mock-model';
    const headers = { 'request-id': 'req_mock_1', 'x-request-id': 'req_mock_1', 'anthropic-ratelimit-requests-remaining': '99', 'x-ratelimit-remaining-requests': '99', ...this.opts.headers };
    if (cap.method === 'GET' && isWebSocketUpgrade(cap.headers)) {
      // As Airlock does: no WebSocket transport; clients that try it first (Codex) go on over HTTP.
      res.writeHead(426, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'mock: no WebSocket transport; use HTTP', type: 'invalid_request_error' } }));
      return;
    }
    if (cap.method === 'GET' && path.startsWith('/v1/models')) {
      res.writeHead(200, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(cap.headers['anthropic-version'] !== undefined
        ? { data: [{ type: 'model', id: 'claude-mock-1', display_name: 'Claude Mock', created_at: '2026-01-01T00:00:00Z' }], has_more: false, first_id: 'claude-mock-1', last_id: 'claude-mock-1' }
        : { object: 'list', data: [{ id: 'gpt-mock-1', object: 'model', created: 1767225600, owned_by: 'mock' }] }));
      return;
    }
    if (path === '/v1/messages/count_tokens') {
      res.writeHead(200, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify({ input_tokens: Math.ceil(cap.body.length / 4) }));
      return;
    }
    const inTok = Math.ceil(cap.body.length / 4);
    const parts = words(text);
    const outTok = parts.length;
    const stream = json['stream'] === true;
    const sse = (res2: ServerResponse): void => {
      res2.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', ...headers });
      res2.flushHeaders();
    };
    const events: string[] = [];
    if (path === '/v1/messages') {
      if (!stream) {
        res.writeHead(200, { 'content-type': 'application/json', ...headers });
        const content = call === null ? [{ type: 'text', text }] : [{ type: 'tool_use', id: 'toolu_mock_1', name: call.tool, input: call.input }];
        res.end(JSON.stringify({ id: 'msg_mock', type: 'message', role: 'assistant', model, content, stop_reason: call === null ? 'end_turn' : 'tool_use', stop_sequence: null, usage: { input_tokens: inTok, output_tokens: outTok } }));
        return;
      }
      const ev = (name: string, data: object): string => `event: ${name}\ndata: ${JSON.stringify({ type: name, ...data })}\n\n`;
      events.push(ev('message_start', { message: { id: 'msg_mock', type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: inTok, output_tokens: 1 } } }));
      events.push(ev('ping', {}));
      if (call === null) {
        events.push(ev('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }));
        for (const w of parts) events.push(ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text: w } }));
      } else {
        events.push(ev('content_block_start', { index: 0, content_block: { type: 'tool_use', id: 'toolu_mock_1', name: call.tool, input: {} } }));
        events.push(ev('content_block_delta', { index: 0, delta: { type: 'input_json_delta', partial_json: JSON.stringify(call.input) } }));
      }
      events.push(ev('content_block_stop', { index: 0 }));
      events.push(ev('message_delta', { delta: { stop_reason: call === null ? 'end_turn' : 'tool_use', stop_sequence: null }, usage: { output_tokens: outTok } }));
      events.push(ev('message_stop', {}));
    } else if (path === '/v1/chat/completions') {
      const base = { id: 'chatcmpl-mock', object: 'chat.completion', created: 1767225600, model };
      if (!stream) {
        res.writeHead(200, { 'content-type': 'application/json', ...headers });
        const message = call === null
          ? { role: 'assistant', content: text, refusal: null }
          : { role: 'assistant', content: null, refusal: null, tool_calls: [{ id: 'call_mock_1', type: 'function', function: { name: call.tool, arguments: JSON.stringify(call.input) } }] };
        res.end(JSON.stringify({ ...base, choices: [{ index: 0, message, finish_reason: call === null ? 'stop' : 'tool_calls', logprobs: null }], usage: { prompt_tokens: inTok, completion_tokens: outTok, total_tokens: inTok + outTok } }));
        return;
      }
      const chunk = (o: object): string => `data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', ...o })}\n\n`;
      events.push(chunk({ choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] }));
      if (call === null) for (const w of parts) events.push(chunk({ choices: [{ index: 0, delta: { content: w }, finish_reason: null }] }));
      else events.push(chunk({ choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: 'call_mock_1', type: 'function', function: { name: call.tool, arguments: JSON.stringify(call.input) } }] }, finish_reason: null }] }));
      events.push(chunk({ choices: [{ index: 0, delta: {}, finish_reason: call === null ? 'stop' : 'tool_calls' }] }));
      const so = json['stream_options'] as { include_usage?: boolean } | undefined;
      if (so?.include_usage === true) events.push(chunk({ choices: [], usage: { prompt_tokens: inTok, completion_tokens: outTok, total_tokens: inTok + outTok } }));
      events.push('data: [DONE]\n\n');
    } else if (path === '/v1/responses') {
      const item = call === null
        ? { id: 'msg_mock', type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text, annotations: [] }] }
        : { id: 'fc_mock', type: 'function_call', status: 'completed', call_id: 'call_mock_1', name: call.tool, arguments: JSON.stringify(call.input) };
      const response = (status: string, output: object[], usage: object | null): object => ({ id: 'resp_mock', object: 'response', created_at: 1767225600, status, model, output, usage, error: null, incomplete_details: null });
      const usage = { input_tokens: inTok, output_tokens: outTok, total_tokens: inTok + outTok };
      if (!stream) {
        res.writeHead(200, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(response('completed', [item], usage)));
        return;
      }
      let seq = 0;
      const ev = (type: string, data: object): string => `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: seq++, ...data })}\n\n`;
      events.push(ev('response.created', { response: response('in_progress', [], null) }));
      if (call === null) {
        events.push(ev('response.output_item.added', { output_index: 0, item: { ...item, status: 'in_progress', content: [] } }));
        events.push(ev('response.content_part.added', { item_id: 'msg_mock', output_index: 0, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } }));
        for (const w of parts) events.push(ev('response.output_text.delta', { item_id: 'msg_mock', output_index: 0, content_index: 0, delta: w }));
        events.push(ev('response.output_text.done', { item_id: 'msg_mock', output_index: 0, content_index: 0, text }));
        events.push(ev('response.content_part.done', { item_id: 'msg_mock', output_index: 0, content_index: 0, part: { type: 'output_text', text, annotations: [] } }));
      } else {
        const args = JSON.stringify(call.input);
        events.push(ev('response.output_item.added', { output_index: 0, item: { ...item, status: 'in_progress', arguments: '' } }));
        events.push(ev('response.function_call_arguments.delta', { item_id: 'fc_mock', output_index: 0, delta: args }));
        events.push(ev('response.function_call_arguments.done', { item_id: 'fc_mock', output_index: 0, arguments: args }));
      }
      events.push(ev('response.output_item.done', { output_index: 0, item }));
      events.push(ev('response.completed', { response: response('completed', [item], usage) }));
    } else {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `mock: no route ${path}`, type: 'invalid_request_error' } }));
      return;
    }
    sse(res);
    const delay = this.opts.chunkDelayMs ?? 0;
    const cut = failure === 'reset-mid' || failure === 'hang-mid' ? Math.max(1, Math.floor(events.length / 2)) : events.length;
    for (let i = 0; i < cut; i++) {
      res.write(events[i]);
      if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    }
    if (failure === 'reset-mid') {
      // Give the client the first half, then reset the connection.
      await new Promise((r) => setTimeout(r, 20));
      res.socket?.destroy();
      return;
    }
    if (failure === 'hang-mid') return;
    res.end();
  }
}

// Forwards one exchange upstream and relays the response to the client chunk by chunk, with an
// undici dispatch handler writing straight into the ServerResponse: no intermediate stream
// objects on the hot path, and backpressure by pausing the upstream socket. A tee reads token
// usage and assembles the output for inspection; nothing is buffered whole before relaying.
import type { ServerResponse } from 'node:http';
import { TextDecoder } from 'node:util';
import { performance } from 'node:perf_hooks';
import type { Dispatcher } from 'undici';
import { AirlockError } from '../core/errors.ts';
import { StreamAssembler, segmentBody, usageOf } from '../core/exchange/index.ts';
import { headerSegments } from '../core/exchange/headers.ts';
import type { Dialect, Segment, Usage } from '../core/types.ts';
import { errorEvent } from './errors.ts';
import { DROP_RESPONSE, type UpstreamTarget } from './upstream.ts';

/** Non-streamed bodies larger than this are relayed but not parsed for usage or inspection. */
const MAX_TEE_BYTES = 16 * 1024 * 1024;

export interface ProxyRequest {
  path: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body: Buffer | null;
}

export interface ProxyResult {
  status: number;
  /** ms from `t0` to the upstream's response headers. */
  ttfbMs: number;
  responseBytes: number;
  usage: Usage;
  output: Segment[];
  /** Set when the response ended abnormally after it had started. */
  error: AirlockError | null;
  clientAborted: boolean;
}

export function upstreamError(e: unknown): AirlockError {
  if (e instanceof AirlockError) return e;
  const code = (e as { code?: string } | null)?.code ?? '';
  switch (code) {
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new AirlockError('AIRLOCK_ERR_UPSTREAM_UNREACHABLE', `The upstream could not be reached (${code}).`, { cause: e });
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
    case 'ETIMEDOUT':
      return new AirlockError('AIRLOCK_ERR_UPSTREAM_TIMEOUT', `The upstream did not answer in time (${code}).`, { cause: e });
    case 'UND_ERR_SOCKET':
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_CLOSED':
      return new AirlockError('AIRLOCK_ERR_UPSTREAM_RESET', `The upstream closed the connection (${code}).`, { cause: e });
    default:
      return new AirlockError('AIRLOCK_ERR_UPSTREAM_RESET', `The upstream request failed (${code || (e as Error)?.name || 'error'}).`, { cause: e });
  }
}

class ClientGone extends Error {
  constructor() {
    super('client closed the connection');
  }
}

/**
 * Resolves when the exchange is over. Rejects (with an AirlockError) only when the upstream failed
 * before any response byte was sent to the client, so the caller can still answer with an error.
 */
export function proxy(
  t: UpstreamTarget,
  req: ProxyRequest,
  res: ServerResponse,
  o: { dialect: Dialect; exchangeId: string; wantOutput: boolean; t0: number },
): Promise<ProxyResult> {
  return new Promise((resolve, reject) => {
    const result: ProxyResult = { status: 0, ttfbMs: 0, responseBytes: 0, usage: { inputTokens: null, outputTokens: null }, output: [], error: null, clientAborted: false };
    let controller: Dispatcher.DispatchController | null = null;
    let assembler: StreamAssembler | null = null;
    let decoder: TextDecoder | null = null;
    let json = false;
    const tee: Buffer[] = [];
    let teeBytes = 0;
    let settled = false;
    // The response headers relayed to the client, inspected with the body (paths
    // response.headers["…"]); made into segments once the relay is over, not before the first byte.
    let relayed: Record<string, string | string[]> | null = null;
    const done = (): void => {
      if (settled) return;
      settled = true;
      if (relayed !== null) result.output = headerSegments(relayed, (name) => name !== 'x-airlock-exchange-id').concat(result.output);
      res.off('close', onClose);
      resolve(result);
    };
    const onClose = (): void => {
      if (!res.writableFinished && controller !== null && !controller.aborted) controller.abort(new ClientGone());
    };
    res.on('close', onClose);

    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(c) {
        controller = c;
        if (res.destroyed) c.abort(new ClientGone());
      },
      onResponseStart(_c, statusCode, headers) {
        if (statusCode < 200) return; // 1xx: informational, the final response follows
        result.status = statusCode;
        result.ttfbMs = performance.now() - o.t0;
        const out: Record<string, string | string[]> = {};
        for (const k in headers) {
          if (DROP_RESPONSE.has(k)) continue;
          const v = headers[k];
          if (v !== undefined) out[k] = v;
        }
        out['x-airlock-exchange-id'] = o.exchangeId;
        if (o.wantOutput) relayed = out;
        const ctype = String(headers['content-type'] ?? '');
        res.writeHead(statusCode, out);
        if (ctype.includes('text/event-stream')) {
          assembler = new StreamAssembler(o.dialect);
          decoder = new TextDecoder();
          // A streaming client should see the response start at once, but not by a write of its
          // own when the first events came in the same read (as they do from a fast upstream):
          // the headers then leave with them, in one write instead of two (~50-85 µs each here).
          setImmediate(() => {
            if (result.responseBytes === 0 && !res.destroyed && !res.writableEnded) res.flushHeaders();
          });
        } else json = ctype.includes('json');
      },
      onResponseData(c, chunk) {
        result.responseBytes += chunk.length;
        if (!res.write(chunk)) {
          c.pause();
          res.once('drain', () => c.resume());
        }
        if (assembler !== null) assembler.push(decoder!.decode(chunk, { stream: true }));
        else if (json && teeBytes + chunk.length <= MAX_TEE_BYTES) {
          tee.push(chunk);
          teeBytes += chunk.length;
        }
      },
      onResponseEnd() {
        res.end();
        if (assembler !== null) {
          assembler.end();
          result.usage = assembler.usage;
          if (o.wantOutput) result.output = assembler.segments();
        } else if (json && teeBytes > 0) {
          try {
            const body = JSON.parse(Buffer.concat(tee, teeBytes).toString('utf8')) as unknown;
            result.usage = usageOf(o.dialect, body);
            if (o.wantOutput && result.status < 300) result.output = segmentBody(o.dialect, body).segments;
          } catch {
            // Not JSON after all: relayed as is, nothing to read from it.
          }
        }
        done();
      },
      onResponseError(_c, err) {
        if (err instanceof ClientGone || res.destroyed) {
          result.clientAborted = true;
          done();
          return;
        }
        const e = upstreamError(err);
        if (!res.headersSent) {
          settled = true;
          res.off('close', onClose);
          reject(e);
          return;
        }
        result.error = e;
        // Mid-stream failure: an SSE client gets a proper error event, anything else a closed stream.
        if (assembler !== null) res.end(errorEvent(o.dialect, e));
        else res.destroy();
        done();
      },
    };
    t.pool.dispatch({ path: req.path, method: req.method, headers: req.headers, body: req.body }, handler);
  });
}

// Forwards one exchange upstream and relays the response to the client chunk by chunk, with an
// undici dispatch handler writing straight into the ServerResponse: no intermediate stream
// objects on the hot path, and backpressure by pausing the upstream socket. A tee reads token
// usage and assembles the output for inspection; nothing is buffered whole before relaying.
import type { ServerResponse } from 'node:http';
import { TextDecoder } from 'node:util';
import type { Transform } from 'node:stream';
import { constants as zlibConstants, createBrotliDecompress, createGunzip, createInflate, createInflateRaw } from 'node:zlib';
import { performance } from 'node:perf_hooks';
import type { Dispatcher } from 'undici';
import { AirlockError } from '../core/errors.ts';
import { StreamAssembler, segmentBody, usageOf } from '../core/exchange/index.ts';
import type { StreamError } from '../core/exchange/stream.ts';
import { headerSegments } from '../core/exchange/headers.ts';
import type { Dialect, Segment, Usage } from '../core/types.ts';
import { errorEvent } from './errors.ts';
import { DROP_RESPONSE, type UpstreamTarget } from './upstream.ts';

/**
 * Non-streamed bodies larger than this are relayed but not parsed for usage or inspection; a
 * streamed response's assembled output (and any one line or event of it) is bounded alike.
 */
const MAX_TEE_BYTES = 16 * 1024 * 1024;

/**
 * An SSE event split between reads is relayed only once it is complete (an SSE client can do
 * nothing with part of one), so that an upstream failure inside it ends the stream with a clean
 * error event instead of one glued onto half a JSON line, which the SDKs fail to parse. An event
 * larger than this is relayed as it comes instead (the gateway does not hold it whole).
 */
const MAX_HELD_BYTES = 1024 * 1024;
/** How long an SSE response's headers wait for its first event, to be written with it. */
export const HEADER_HOLD_MS = 10;

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
  /**
   * An error the upstream reported inside a streamed response it had answered with 200 (an SSE
   * `error` event, a chunk with `error`, `response.failed`): the provider's error type and a short
   * message, nothing else of the stream.
   */
  streamError: StreamError | null;
  /**
   * Part of the response was relayed but not read: a JSON body over MAX_TEE_BYTES (no usage, no
   * output), or streamed output, or one SSE line or event, over it (output and usage incomplete).
   */
  truncated: boolean;
  /**
   * Why the response, relayed as sent, was not read (usage, inspection) or only in part, as the
   * record's gap says it: a Content-Encoding the gateway does not decode, or a body that failed to
   * decode part way. The gateway asks for none (accept-encoding: identity); gzip, deflate (zlib or
   * raw) and br, also listed together, are decoded when a server sends them anyway.
   */
  unread: string | null;
}

const DECODE_PIECE = 1024;

/** The coding as the record may name it: the server's text, shown only when it is a plain token. */
const codingName = (c: string): string => (/^[a-z0-9.-]{1,24}$/.test(c) ? `'${c}'` : '(not a plain name)');

/** A decoder of one content coding, or null for one the gateway does not decode. */
function decoderOf(coding: string, head: Buffer): Transform | null {
  switch (coding) {
    case 'gzip':
    case 'x-gzip':
      return createGunzip({ finishFlush: zlibConstants.Z_SYNC_FLUSH });
    case 'deflate':
      // RFC 9110 means the zlib format, but servers send raw deflate too, and clients read both.
      return head.length >= 2 && (head[0]! & 0x0f) === 8 && ((head[0]! << 8) | head[1]!) % 31 === 0
        ? createInflate({ finishFlush: zlibConstants.Z_SYNC_FLUSH })
        : createInflateRaw({ finishFlush: zlibConstants.Z_SYNC_FLUSH });
    case 'br':
      return createBrotliDecompress({ finishFlush: zlibConstants.BROTLI_OPERATION_FLUSH });
    default:
      // zstd included: Node 20 has no bounded zstd decoder (node:zlib's comes with 22.15), and a
      // decoder that allocates the window a frame declares is a memory and CPU bomb.
      return null;
  }
}

/**
 * The decoded copy of a compressed response, streamed through the decoder and stopped at
 * MAX_TEE_BYTES (`over`: there was more), for the codings listed applied in reverse order. A body
 * that fails to decode yields what decoded before the failure, and `error` says so; null: a coding
 * the gateway does not decode. Runs after the relay: the client has its response.
 */
async function decodeBody(codings: readonly string[], raw: Buffer): Promise<{ text: Buffer; over: boolean; error: string | null } | { unknown: string }> {
  let text = raw;
  let over = false;
  for (let k = codings.length - 1; k >= 0; k--) {
    const d = decoderOf(codings[k]!, text);
    if (d === null) return { unknown: codings[k]! };
    const r = await new Promise<{ text: Buffer; over: boolean; error: string | null }>((resolve) => {
      const parts: Buffer[] = [];
      let n = 0;
      const settle = (error: string | null, cut: boolean): void => {
        d.removeAllListeners('data');
        resolve({ text: Buffer.concat(parts, n), over: cut, error });
      };
      d.on('data', (c: Buffer) => {
        const room = MAX_TEE_BYTES - n;
        parts.push(c.length > room ? c.subarray(0, room) : c);
        n += Math.min(c.length, room);
        if (c.length >= room) {
          settle(null, true);
          d.destroy();
        }
      });
      d.once('end', () => settle(null, false));
      d.once('error', (e: NodeJS.ErrnoException) => settle(`${e.code ?? 'error'}`, false));
      // In pieces: a decoder that fails drops the output of the piece it failed in, so the part
      // decoded before a corrupt stretch (what a client shows) is kept to within one piece.
      for (let i = 0; i < text.length; i += DECODE_PIECE) d.write(text.subarray(i, i + DECODE_PIECE));
      d.end();
    });
    if (r.error !== null) return { ...r, error: `content-encoding ${codingName(codings[k]!)} could not be decoded past ${r.text.length} bytes (${r.error.slice(0, 40)})` };
    text = r.text;
    over ||= r.over;
  }
  return { text, over, error: null };
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
    const result: ProxyResult = { status: 0, ttfbMs: 0, responseBytes: 0, usage: { inputTokens: null, outputTokens: null }, output: [], error: null, clientAborted: false, streamError: null, truncated: false, unread: null };
    let controller: Dispatcher.DispatchController | null = null;
    let assembler: StreamAssembler | null = null;
    let decoder: TextDecoder | null = null;
    let json = false;
    let sse = false;
    // The response's Content-Encoding ('' for none): a coded body is relayed as it comes and its
    // bytes kept (up to MAX_TEE_BYTES), decoded and read once it has ended.
    let coding = '';
    const tee: Buffer[] = [];
    let teeBytes = 0;
    let settled = false;
    let finishing = false;
    // SSE relay: the bytes after the last complete event (not yet relayed), the last bytes seen (an
    // event's end may straddle two reads), whether the client has part of an unfinished event, and
    // how many bytes it was sent.
    let held: Buffer[] = [];
    let heldBytes = 0;
    let last: Buffer = Buffer.alloc(0);
    let spilled = false;
    let sent = 0;
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
    // Every way the exchange ends reads what came: the client saw it, whether it ended well or not.
    const finish = (complete: boolean): void => {
      if (finishing) return;
      finishing = true;
      if (coding === '') return read(complete);
      // Compressed: decoded once the relay is over (the client has every byte), then read.
      const raw = Buffer.concat(tee, teeBytes);
      tee.length = 0;
      teeBytes = 0;
      const codings = coding.split(',').map((c) => c.trim()).filter((c) => c !== '' && c !== 'identity');
      void decodeBody(codings, raw).then((d) => {
        if ('unknown' in d) result.unread = `content-encoding ${codingName(d.unknown)} cannot be decoded: relayed, neither inspected nor read for usage`;
        else {
          result.truncated ||= d.over;
          if (d.error !== null) result.unread = `${d.error}: inspection covers the part decoded`;
          if (sse) {
            assembler = new StreamAssembler(o.dialect, MAX_TEE_BYTES);
            assembler.push(d.text.toString('utf8'));
          } else {
            tee.push(d.text);
            teeBytes = d.text.length;
          }
        }
        read(complete && !('unknown' in d) && d.error === null);
      });
    };
    const read = (complete: boolean): void => {
      if (assembler !== null) {
        assembler.end();
        result.usage = assembler.usage;
        result.streamError = assembler.upstreamError;
        result.truncated ||= assembler.truncated;
        if (o.wantOutput) result.output = assembler.segments();
      } else if (json && teeBytes > 0 && complete && !result.truncated) {
        try {
          const body = JSON.parse(Buffer.concat(tee, teeBytes).toString('utf8')) as unknown;
          result.usage = usageOf(o.dialect, body);
          if (o.wantOutput && result.status < 300) result.output = segmentBody(o.dialect, body).segments;
        } catch {
          // Not JSON after all: relayed as is, nothing to read from it.
        }
      }
      done();
    };
    const write = (chunk: Buffer, c: Dispatcher.DispatchController): void => {
      sent += chunk.length;
      if (!res.write(chunk)) {
        c.pause();
        res.once('drain', () => c.resume());
      }
    };
    // Relays the complete events of an SSE read and holds back the rest.
    const relayEvents = (c: Dispatcher.DispatchController, chunk: Buffer): void => {
      const end = lastEventEnd(last, chunk);
      last = chunk.length >= 3 ? chunk.subarray(-3) : Buffer.concat([last, chunk]).subarray(-3);
      if (end < 0) {
        if (spilled) write(chunk, c);
        else {
          held.push(chunk);
          heldBytes += chunk.length;
          if (heldBytes > MAX_HELD_BYTES) {
            write(Buffer.concat(held, heldBytes), c);
            held = [];
            heldBytes = 0;
            spilled = true;
          }
        }
        return;
      }
      const out = heldBytes === 0 ? (end === chunk.length ? chunk : chunk.subarray(0, end)) : Buffer.concat([...held, chunk.subarray(0, end)]);
      held = end === chunk.length ? [] : [chunk.subarray(end)];
      heldBytes = chunk.length - end;
      spilled = false;
      write(out, c);
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
        const enc = String(headers['content-encoding'] ?? '').trim().toLowerCase();
        if (enc !== '' && enc !== 'identity') {
          // Sent compressed against the gateway's request: relayed as is (events cannot be told
          // apart in coded bytes), read after the end.
          coding = enc;
          sse = ctype.includes('text/event-stream');
          json = !sse && ctype.includes('json');
          spilled = true;
        } else if (ctype.includes('text/event-stream')) {
          assembler = new StreamAssembler(o.dialect, MAX_TEE_BYTES);
          decoder = new TextDecoder();
          // The headers leave with the first events, in one write instead of two (a write is
          // ~50 µs of the gateway's time here, and the client's read as much): upstreams send
          // their first event (message_start, the role chunk) right after the headers, often in a
          // read of its own. An upstream slower than HEADER_HOLD_MS still has its headers relayed
          // then, so a client sees the response start before the model's first token.
          setTimeout(() => {
            if (sent === 0 && !res.destroyed && !res.writableEnded) res.flushHeaders();
          }, HEADER_HOLD_MS).unref();
        } else json = ctype.includes('json');
      },
      onResponseData(c, chunk) {
        result.responseBytes += chunk.length;
        if (coding !== '') {
          write(chunk, c);
          if ((sse || json) && !result.truncated) {
            if (teeBytes + chunk.length <= MAX_TEE_BYTES) {
              tee.push(chunk);
              teeBytes += chunk.length;
            } else result.truncated = true; // the part kept is decoded
          }
        } else if (assembler !== null) {
          relayEvents(c, chunk);
          assembler.push(decoder!.decode(chunk, { stream: true }));
        } else {
          write(chunk, c);
          if (json && !result.truncated) {
            if (teeBytes + chunk.length <= MAX_TEE_BYTES) {
              tee.push(chunk);
              teeBytes += chunk.length;
            } else {
              result.truncated = true;
              tee.length = 0; // never parsed: not held either
              teeBytes = 0;
            }
          }
        }
      },
      onResponseEnd() {
        if (heldBytes > 0) res.end(Buffer.concat(held, heldBytes)); // a last event without its blank line
        else res.end();
        finish(true);
      },
      onResponseError(_c, err) {
        if (err instanceof ClientGone || res.destroyed) {
          result.clientAborted = true;
          finish(false);
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
        // The unfinished event held back is dropped; one relayed in part is ended first, so that the
        // error is an event of its own.
        // A coded body cannot take a plain event: it is cut.
        if (assembler !== null && coding === '') res.end((spilled ? '\n\n' : '') + errorEvent(o.dialect, e));
        else res.destroy();
        finish(false);
      },
    };
    t.pool.dispatch({ path: req.path, method: req.method, headers: req.headers, body: req.body }, handler);
  });
}

/**
 * The offset in `chunk` just after the last blank line (the end of an SSE event), or -1; `before`
 * holds the last bytes before `chunk`, for an end split between two reads. Lines end in LF or CRLF
 * (what providers send; a lone CR is not looked for).
 */
function lastEventEnd(before: Buffer, chunk: Buffer): number {
  const lf = chunk.lastIndexOf('\n\n');
  // CRLF ends are looked for only after the last LF one (a stream uses one or the other; in one
  // that mixes them an event may be held a little longer, never cut).
  const crlf = lf >= 0 ? chunk.indexOf('\r\n\r\n', lf) : chunk.lastIndexOf('\r\n\r\n');
  if (lf >= 0 || crlf >= 0) return Math.max(lf >= 0 ? lf + 2 : -1, crlf >= 0 ? crlf + 4 : -1);
  if (before.length === 0) return -1;
  const joint = Buffer.concat([before, chunk.subarray(0, 3)]);
  const jlf = joint.lastIndexOf('\n\n');
  const jcrlf = joint.lastIndexOf('\r\n\r\n');
  const j = Math.max(jlf >= 0 ? jlf + 2 : -1, jcrlf >= 0 ? jcrlf + 4 : -1) - before.length;
  return j > 0 ? j : -1;
}

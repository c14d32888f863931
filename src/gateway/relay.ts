// Relays an upstream response to the client chunk by chunk, never buffering it whole, while a
// tee assembles what is needed afterwards: token usage and the output text for inspection.
import type { ServerResponse } from 'node:http';
import { once } from 'node:events';
import type { Dispatcher } from 'undici';
import { AirlockError } from '../core/errors.ts';
import { StreamAssembler, segmentBody, usageOf } from '../core/exchange/index.ts';
import type { Dialect, Segment, Usage } from '../core/types.ts';
import { errorEvent } from './errors.ts';
import { DROP_RESPONSE } from './upstream.ts';

/** Non-streamed bodies larger than this are relayed but not parsed for usage or inspection. */
const MAX_TEE_BYTES = 16 * 1024 * 1024;

export interface RelayResult {
  responseBytes: number;
  usage: Usage;
  /** Output segments (assembled from SSE when streamed); empty if not parseable. */
  output: Segment[];
  /** Set when the relay ended abnormally. */
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

export function responseHeaders(up: Dispatcher.ResponseData['headers'], exchangeId: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const k in up) {
    if (DROP_RESPONSE.has(k)) continue;
    const v = up[k];
    if (v !== undefined) out[k] = v;
  }
  out['x-airlock-exchange-id'] = exchangeId;
  return out;
}

export async function relay(
  dialect: Dialect,
  up: Dispatcher.ResponseData,
  res: ServerResponse,
  exchangeId: string,
  wantOutput: boolean,
): Promise<RelayResult> {
  const ctype = String(up.headers['content-type'] ?? '');
  const sse = ctype.includes('text/event-stream');
  const result: RelayResult = { responseBytes: 0, usage: { inputTokens: null, outputTokens: null }, output: [], error: null, clientAborted: false };
  res.writeHead(up.statusCode, responseHeaders(up.headers, exchangeId));
  // Flush headers now so that a streaming client sees the response start at once.
  res.flushHeaders();
  const assembler = sse ? new StreamAssembler(dialect) : null;
  const decoder = sse ? new TextDecoder() : null;
  const tee: Buffer[] = [];
  let teeBytes = 0;
  try {
    for await (const chunk of up.body as AsyncIterable<Buffer>) {
      result.responseBytes += chunk.length;
      if (res.destroyed) {
        result.clientAborted = true;
        break;
      }
      if (!res.write(chunk)) await Promise.race([once(res, 'drain'), once(res, 'close')]);
      if (assembler !== null) assembler.push(decoder!.decode(chunk, { stream: true }));
      else if (teeBytes + chunk.length <= MAX_TEE_BYTES) {
        tee.push(chunk);
        teeBytes += chunk.length;
      }
    }
  } catch (e) {
    if (res.destroyed) result.clientAborted = true;
    else {
      result.error = upstreamError(e);
      // Mid-stream failure: an SSE client gets a proper error event, anything else a closed stream.
      if (sse) res.end(errorEvent(dialect, result.error));
      else res.destroy();
    }
  }
  if (result.clientAborted) {
    up.body.destroy();
    return result;
  }
  if (!res.writableEnded && !res.destroyed) res.end();
  if (assembler !== null) {
    assembler.end();
    result.usage = assembler.usage;
    if (wantOutput) result.output = assembler.segments();
  } else if (result.error === null && ctype.includes('json') && teeBytes > 0) {
    try {
      const body = JSON.parse(Buffer.concat(tee, teeBytes).toString('utf8')) as unknown;
      result.usage = usageOf(dialect, body);
      if (wantOutput && up.statusCode < 300) result.output = segmentBody(dialect, body).segments;
    } catch {
      // Not JSON after all: relayed as is, nothing to read from it.
    }
  }
  return result;
}

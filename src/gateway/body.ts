// Reads a request body with a size limit; rejects before buffering past the limit.
import type { IncomingMessage } from 'node:http';
import { isAscii } from 'node:buffer';
import { AirlockError } from '../core/errors.ts';
import { FNV_OFFSET, mixSampled, SampledLru } from '../core/sampled-hash.ts';
import type { ElementCache } from '../core/exchange/elements.ts';
import { parseRequest, type ParsedRequest } from '../core/exchange/index.ts';
import type { Dialect } from '../core/types.ts';

/**
 * The request body, at most `limit` bytes, received within `timeoutMs` of the call (0: no bound;
 * by default the HTTP server's `requestTimeout`, which the gateway sets from
 * `limits.requestTimeoutMs`): a client that stalls mid-body gets AIRLOCK_ERR_REQUEST_TIMEOUT in its
 * own format, not a cut connection recorded as its own abort.
 */
export function readBody(
  req: IncomingMessage,
  limit: number,
  timeoutMs: number = Number((req.socket as unknown as { server?: { requestTimeout?: number } } | null)?.server?.requestTimeout ?? 0),
): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > limit) {
    return Promise.reject(new AirlockError('AIRLOCK_ERR_BODY_TOO_LARGE', `The request body (${declared} bytes) exceeds the limit of ${limit} bytes.`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    let timer: NodeJS.Timeout | null = null;
    const finish = (err: Error | null, buf?: Buffer): void => {
      if (done) return;
      done = true;
      if (timer !== null) clearTimeout(timer);
      req.off('data', onData);
      if (err !== null) reject(err);
      else resolve(buf!);
    };
    const onData = (c: Buffer): void => {
      size += c.length;
      if (size > limit) {
        // Stop reading; the socket is closed after the error response (connection: close).
        req.pause();
        finish(new AirlockError('AIRLOCK_ERR_BODY_TOO_LARGE', `The request body exceeds the limit of ${limit} bytes.`));
        return;
      }
      chunks.push(c);
    };
    req.on('data', onData);
    req.once('end', () => finish(null, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));
    req.once('error', (e) => finish(new AirlockError('AIRLOCK_ERR_CLIENT_ABORTED', 'The client closed the connection while sending the request.', { cause: e })));
    req.once('aborted', () => finish(new AirlockError('AIRLOCK_ERR_CLIENT_ABORTED', 'The client closed the connection while sending the request.')));
    if (timeoutMs > 0 && Number.isFinite(timeoutMs)) {
      // The rest of the body (if it ever comes) is read and dropped; the gateway closes the
      // connection after the 408 (server.ts).
      timer = setTimeout(() => finish(new AirlockError('AIRLOCK_ERR_REQUEST_TIMEOUT', `The request body was not received within ${timeoutMs} ms (${size} bytes arrived).`)), timeoutMs);
      timer.unref();
    }
  });
}

export interface DecodedBody {
  text: string;
  /** true when `text` has one character per byte of the body (ASCII, or the Latin-1 view). */
  byteView: boolean;
  /** Set when `text` is a Latin-1 view of UTF-8 bytes: repairs one string value. */
  fix?: (s: string) => string;
}

/**
 * Repaired strings of recent bodies, by a sampled hash of their Latin-1 view, confirmed by
 * comparing it. Agents resend their system prompt and earlier turns on every request, and the
 * strings that need repair are mostly those long prompts (the Claude Code fixture: 12 strings,
 * 53 KB, ~60 µs of UTF-8 decoding per request on Node 20). A string key would cost more than the
 * decode: V8 hashes every character of a fresh string. Bounded in code units (view + text).
 */
const REPAIRED = new SampledLru<{ view: string; text: string; size: number; movedAt: number }>(4 * 1024 * 1024);
/** Strings shorter than this are decoded every time (a lookup costs more than their decode). */
const REPAIR_MIN_UNITS = 512;

/** Units held by the repair cache (tests: it stays within its bound). */
export const repairCacheUnits = (): number => REPAIRED.units;

function repair(s: string): string {
  if (s.length < REPAIR_MIN_UNITS) return Buffer.from(s, 'latin1').toString('utf8');
  const fp = mixSampled(FNV_OFFSET, s) >>> 0;
  const hit = REPAIRED.find(fp, (e) => e.view === s);
  if (hit !== undefined) return hit.text;
  const text = Buffer.from(s, 'latin1').toString('utf8');
  if (s.length + text.length <= REPAIRED.maxUnits / 4) REPAIRED.add(fp, { view: s, text, size: s.length + text.length, movedAt: 0 });
  return text;
}

/**
 * Decodes a valid UTF-8 body for parsing. Node 20 decodes non-ASCII UTF-8 at ~0.4 GB/s and the
 * result is a two-byte string that JSON.parse reads ~2.5x slower; a Latin-1 view is a one-byte
 * string made at memory speed. JSON structure is ASCII and UTF-8 multi-byte sequences contain no
 * ASCII bytes, so parsing the Latin-1 view and repairing the few strings that hold bytes >= 0x80
 * gives the same values, unless the body also escapes U+0080..U+00FF as \u00XX (then the slow path).
 */
export function decodeBody(buf: Buffer): DecodedBody {
  const view = latin1View(buf);
  if (view === 'ascii') return { text: buf.toString('latin1'), byteView: true };
  if (view === 'utf8') return { text: buf.toString('utf8'), byteView: false };
  return { text: buf.toString('latin1'), byteView: true, fix: repair };
}

/**
 * How a valid UTF-8 body can be read as Latin-1 (one character per byte): as it is (ASCII), with
 * the strings that hold bytes >= 0x80 repaired (`repair`), or not at all (`utf8`: it also escapes
 * U+0080..U+00FF as \u00XX, which the repair would mistake for UTF-8 bytes).
 */
export function latin1View(buf: Buffer): 'ascii' | 'repair' | 'utf8' {
  if (isAscii(buf)) return 'ascii';
  for (let i = buf.indexOf('\\u00'); i >= 0; i = buf.indexOf('\\u00', i + 4)) {
    const c = buf[i + 4];
    // \u0080..\u00ff: hex digit 8-9, a-f or A-F.
    if (c !== undefined && ((c >= 0x38 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46))) return 'utf8';
  }
  return 'repair';
}

/**
 * A valid UTF-8 request body parsed: through the element cache (only parts not seen before are
 * parsed) when there is one and it can describe the body, else by JSON.parse of the decoded text,
 * which also words any error. `view` is the body read one character per byte, as a string or as
 * its bytes, for redaction in place (null: the body must be decoded for that).
 */
export function parseBody(dialect: Dialect, buf: Buffer, elements: ElementCache | null, opts: { segments?: boolean } = {}): { parsed: ParsedRequest; view: string | Buffer | null } {
  // The shape pass itself refuses a repaired view of a body that escapes U+0080..U+00FF.
  const parsed = elements === null ? null : elements.parse(dialect, buf, isAscii(buf) ? undefined : repair, opts);
  if (parsed !== null) return { parsed, view: buf };
  const d = decodeBody(buf);
  return { parsed: parseRequest(dialect, d.text, d.fix, opts), view: d.byteView ? d.text : null };
}

/** The body with each byte range replaced by its (ASCII) text; everything else byte for byte. */
export function patchBytes(body: Buffer, patches: readonly { start: number; end: number; text: string }[]): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (const p of patches) {
    parts.push(body.subarray(at, p.start), Buffer.from(p.text, 'latin1'));
    at = p.end;
  }
  parts.push(body.subarray(at));
  return Buffer.concat(parts);
}

// Request headers as segments: a header the gateway forwards reaches the provider as surely as the
// body does (a token in a custom header, a user name in a client's tracing header, a covert flag),
// so every forwarded value is inspected like a body string. Which headers are forwarded is the
// caller's to say (the gateway drops hop-by-hop fields and credentials it replaces).
import type { Segment } from '../types.ts';

export type HeaderMap = Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * One segment per forwarded header, in name order; path ['headers', name]. Each text is the value
 * as its sender wrote it (headerText): Node hands header bytes over one character per byte.
 */
export function headerSegments(headers: HeaderMap, forwarded: (name: string) => boolean): Segment[] {
  const out: Segment[] = [];
  for (const name of Object.keys(headers).sort()) {
    const raw = rawHeader(headers, name);
    if (raw === undefined || !forwarded(name)) continue;
    if (raw !== '') out.push({ role: 'header', path: ['headers', name], text: headerText(raw) });
  }
  return out;
}

/** A header's value as received (one character per byte; repeated fields joined by ', '). */
export function rawHeader(headers: HeaderMap, name: string): string | undefined {
  const v = headers[name];
  return v === undefined ? undefined : typeof v === 'string' ? v : v.join(', ');
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * A header value as its sender meant it. HTTP parsers (Node's included) read header bytes as
 * Latin-1, one character per byte, but clients send UTF-8: a zero-width space arrives as
 * `\u00e2\u0080\u008b`, a tag character or a Cyrillic look-alike likewise, and would pass the
 * detectors unseen. Bytes that are valid UTF-8 are read as UTF-8; anything else (ASCII, true
 * Latin-1) stays as it is.
 */
export function headerText(raw: string): string {
  const n = raw.length;
  let i = 0;
  while (i < n && raw.charCodeAt(i) < 0x80) i++;
  if (i === n) return raw;
  const bytes = new Uint8Array(n);
  for (let k = 0; k < n; k++) {
    const c = raw.charCodeAt(k);
    if (c > 0xff) return raw; // not a byte view (a caller's own string): as it is
    bytes[k] = c;
  }
  try {
    return UTF8.decode(bytes);
  } catch {
    return raw;
  }
}

/**
 * The inverse for a changed value (a redacted header): `text` back to one character per byte, in
 * the encoding `raw` arrived in, so every byte outside the changed spans is the client's own.
 */
export function headerWire(text: string, raw: string): string {
  if (headerText(raw) === raw) return text;
  let out = '';
  for (const b of new TextEncoder().encode(text)) out += String.fromCharCode(b);
  return out;
}

/** Header values longer than this are not kept (a lookup would hash the whole value). */
const MAX_KEPT = 1024;

/**
 * Header segments as the same objects every time a header comes back with the same value (a
 * client's user agent, API version, session id), each in a one-segment array of its own: passed to
 * the engine as parts, a repeated header's results are found by that array in the result cache
 * (detect/cache.ts), as a resent message's are. Bounded by entries: when full, it starts over.
 */
export class HeaderParts {
  private readonly kept = new Map<string, readonly Segment[]>();

  constructor(readonly maxEntries = 1024) {}

  /** The segments (kept objects where seen before) and each one's part, in the same order. */
  of(segments: readonly Segment[]): { segments: Segment[]; parts: (readonly Segment[])[] } {
    const out: Segment[] = [];
    const parts: (readonly Segment[])[] = [];
    for (const s of segments) {
      let part: readonly Segment[] | undefined;
      // Query segments are never kept: each carries where its text lies in this request's raw
      // query (query.ts), and a kept one would point into another request's (a redaction there
      // patched the wrong bytes and sent part of the secret on).
      if (s.text.length <= MAX_KEPT && s.path[0] !== 'query') {
        // Where (headers or query, the name's length, the name, a repetition) and the text: a
        // query name or value may hold anything once decoded, so the key is length-prefixed.
        const name = String(s.path[1]);
        const key = `${String(s.path[0])}\n${name.length}:${name}\n${s.path[2] ?? ''}${s.isKey === true ? 'k' : ''}\n${s.text}`;
        part = this.kept.get(key);
        if (part === undefined || part[0]!.role !== s.role) {
          if (this.kept.size >= this.maxEntries) this.kept.clear();
          part = [s];
          this.kept.set(key, part);
        }
      } else part = [s];
      out.push(part[0]!);
      parts.push(part);
    }
    return { segments: out, parts };
  }

  get size(): number {
    return this.kept.size;
  }
}

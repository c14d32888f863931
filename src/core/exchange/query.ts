// The query string of the request target: it reaches the provider as surely as the body and the
// headers (Claude Code adds `?beta=true`; a client could carry anything there), so each parameter's
// name and value is a segment, decoded as the provider will read it (percent-escapes as UTF-8, '+'
// as a space), and a redacted one is patched in the raw query at exactly its span's bytes.
import type { PathStep, Segment } from '../types.ts';

/** A decoded name or value and, per code unit, the raw query index where it starts. */
interface Decoded {
  text: string;
  /** rawAt[u]: index in the raw query of unit u's first byte; rawAt[text.length]: the end. */
  rawAt: Int32Array;
}

/** Where each query segment's text came from (for redaction); kept by segment object. */
const SOURCES = new WeakMap<Segment, Decoded>();

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const hex = (c: number): number => (c >= 48 && c <= 57 ? c - 48 : (c | 0x20) >= 97 && (c | 0x20) <= 102 ? (c | 0x20) - 87 : -1);

/**
 * Percent-decodes raw[from, to) as URLSearchParams does ('+' is a space, a malformed escape stays
 * as written), the bytes read as UTF-8 where they are valid UTF-8, else one character per byte.
 */
function decode(raw: string, from: number, to: number): Decoded {
  const bytes: number[] = [];
  const at: number[] = [];
  for (let i = from; i < to; ) {
    const c = raw.charCodeAt(i);
    if (c === 0x25 && i + 2 < to && hex(raw.charCodeAt(i + 1)) >= 0 && hex(raw.charCodeAt(i + 2)) >= 0) {
      bytes.push(hex(raw.charCodeAt(i + 1)) * 16 + hex(raw.charCodeAt(i + 2)));
      at.push(i);
      i += 3;
    } else {
      // Node hands the request target over one character per byte.
      bytes.push(c === 0x2b ? 0x20 : c & 0xff);
      at.push(i);
      i++;
    }
  }
  let text: string;
  try {
    text = UTF8.decode(Uint8Array.from(bytes));
  } catch {
    text = String.fromCharCode(...bytes);
    const rawAt = Int32Array.from([...at, to]);
    return { text, rawAt };
  }
  // Units to bytes: walk the UTF-8 sequences (valid, so their lengths are known from lead bytes).
  const rawAt = new Int32Array(text.length + 1);
  let u = 0;
  for (let b = 0; b < bytes.length; ) {
    const lead = bytes[b]!;
    const len = lead < 0x80 ? 1 : lead < 0xe0 ? 2 : lead < 0xf0 ? 3 : 4;
    rawAt[u++] = at[b]!;
    if (len === 4) rawAt[u++] = at[b]!; // a surrogate pair: both halves start at the character
    b += len;
  }
  rawAt[u] = to;
  return { text, rawAt };
}

/**
 * One segment per parameter name (isKey) and non-empty value, in order; path ['query', name], or
 * ['query', name, k] for the k-th repetition of a name (k ≥ 1). Role 'query'.
 */
export function querySegments(search: string): Segment[] {
  const out: Segment[] = [];
  if (search.length <= 1) return out;
  const seen = new Map<string, number>();
  let i = search.charCodeAt(0) === 0x3f ? 1 : 0;
  while (i < search.length) {
    let end = search.indexOf('&', i);
    if (end === -1) end = search.length;
    if (end > i) {
      const eq = search.indexOf('=', i);
      const nameEnd = eq === -1 || eq > end ? end : eq;
      const name = decode(search, i, nameEnd);
      const k = seen.get(name.text) ?? 0;
      seen.set(name.text, k + 1);
      const path: PathStep[] = k === 0 ? ['query', name.text] : ['query', name.text, k];
      if (name.text !== '') out.push(kept({ role: 'query', path, text: name.text, isKey: true }, name));
      if (nameEnd < end) {
        const value = decode(search, nameEnd + 1, end);
        if (value.text !== '') out.push(kept({ role: 'query', path, text: value.text }, value));
      }
    }
    i = end + 1;
  }
  return out;
}

function kept(s: Segment, d: Decoded): Segment {
  SOURCES.set(s, d);
  return s;
}

/**
 * The raw query range of units [start, end) of a segment made by querySegments (undefined for any
 * other segment, or a span past its text).
 */
export function queryRange(s: Segment, start: number, end: number): readonly [number, number] | undefined {
  const d = SOURCES.get(s);
  if (d === undefined || start < 0 || end > s.text.length || start > end) return undefined;
  return [d.rawAt[start]!, d.rawAt[end]!];
}

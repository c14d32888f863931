// Redaction patches the original body at exactly the finding spans with stable placeholders
// and changes no other byte. The same value maps to the same placeholder within an exchange.
import { canonicalEscapes, locateSegments, rawOffset } from './exchange/locate.ts';
import { segmentPath } from './exchange/path.ts';
import { headerWire, rawHeader, type HeaderMap } from './exchange/headers.ts';
import { queryRange } from './exchange/query.ts';
import { isAscii } from './unicode/ascii-runs.ts';
import type { Finding, Segment } from './types.ts';

export interface RedactResult {
  body: string;
  /** Placeholder per redacted finding (same order as the input findings; null if not redacted). */
  placeholders: (string | null)[];
  count: number;
}

interface Patch {
  start: number;
  end: number;
  text: string;
}

/** Where a finding was made: the segment it points into (undefined: not among these segments). */
export type SegmentOf = (f: Finding) => Segment | undefined;

/** The segments findings point into, by rendered path (only under the top-level fields named). */
export function segmentsByPath(segments: readonly Segment[], findings: readonly Finding[]): SegmentOf {
  // A body's tool schemas are hundreds of segments no finding usually points into.
  const tops = new Set(findings.map((f) => /^[^.[ ]*/.exec(f.segmentPath)![0]));
  const byPath = new Map<string, Segment>();
  for (const s of segments) {
    if (tops.has('') || tops.has(String(s.path[0]))) byPath.set(segmentPath(s), s);
  }
  return (f) => byPath.get(f.segmentPath);
}

export type PlaceholderNamer = (f: Finding, value: string) => string;

/**
 * `[REDACTED:rule#n]`: the same value gets the same placeholder, named after the first rule that
 * found it (two rules may find one value: an AWS secret key and a generic password assignment)
 * and numbered per rule. One namer per exchange: the body and the headers share it, so a value has
 * one placeholder wherever it is.
 */
export function placeholderNamer(): PlaceholderNamer {
  const names = new Map<string, string>();
  const perRule = new Map<string, number>();
  return (f, value) => {
    const key = value;
    let ph = names.get(key);
    if (ph === undefined) {
      const n = (perRule.get(f.rule) ?? 0) + 1;
      perRule.set(f.rule, n);
      ph = `[REDACTED:${f.rule}#${n}]`;
      names.set(key, ph);
    }
    return ph;
  };
}

/** Overlapping spans (two detectors on one value) merge into the earliest, widest patch. */
function merge(patches: Patch[]): Patch[] {
  patches.sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: Patch[] = [];
  for (const p of patches) {
    const last = merged[merged.length - 1];
    if (last !== undefined && p.start < last.end) last.end = Math.max(last.end, p.end);
    else merged.push({ ...p });
  }
  return merged;
}

/** `text` with sorted, non-overlapping patches applied. */
function splice(text: string, patches: readonly Patch[]): string {
  let out = '';
  let at = 0;
  for (const p of patches) {
    out += text.slice(at, p.start) + p.text;
    at = p.end;
  }
  return out + text.slice(at);
}

/**
 * `segments`: the body's segments, or where each finding was made (the engine's `segmentOf`,
 * which spares rendering the path of every segment to find them).
 */
export function redact(raw: string, segments: readonly Segment[] | SegmentOf, findings: readonly Finding[], name: PlaceholderNamer = placeholderNamer()): RedactResult {
  const placeholders: (string | null)[] = findings.map(() => null);
  if (findings.length === 0) return { body: raw, placeholders, count: 0 };
  const segOf = typeof segments === 'function' ? segments : segmentsByPath(segments, findings);
  const needed = findings.map(segOf).filter((s): s is Segment => s !== undefined);
  const at = locateSegments(raw, needed);
  const patches: Patch[] = [];
  findings.forEach((f, idx) => {
    const seg = segOf(f);
    const loc = seg === undefined ? undefined : at.get(seg);
    if (seg === undefined || loc === undefined) return;
    const ph = name(f, seg.text.slice(f.start, f.end));
    placeholders[idx] = ph;
    const literal = raw.slice(loc.start, loc.end);
    patches.push({ start: loc.start + rawOffset(literal, f.start), end: loc.start + rawOffset(literal, f.end), text: ph });
  });
  const merged = merge(patches);
  return { body: splice(raw, merged), placeholders, count: merged.length };
}

/** Byte ranges of a UTF-8 body to replace (ASCII placeholders), in body order, not overlapping. */
export interface BytePatch {
  start: number;
  end: number;
  text: string;
}

const utf8View = (s: string): string => {
  if (isAscii(s)) return s; // the same characters
  const bytes = new TextEncoder().encode(s);
  let out = '';
  for (let i = 0; i < bytes.length; i += 8192) out += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return out;
};

/** UTF-8 byte offset, inside a JSON.stringify literal, of a UTF-16 offset in its decoded text. */
function byteOffset(lit: string, decoded: number): number {
  let j = 1;
  let bytes = 1;
  let u = 0;
  while (u < decoded && j < lit.length - 1) {
    const c = lit.charCodeAt(j);
    if (c === 92) {
      const len = lit.charCodeAt(j + 1) === 117 ? 6 : 2;
      j += len;
      bytes += len;
      u++;
    } else if (c >= 0xd800 && c <= 0xdbff && j + 1 < lit.length - 1) {
      j += 2;
      bytes += 4;
      u += 2;
    } else {
      j++;
      bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
      u++;
    }
  }
  return bytes;
}

/**
 * Redaction planned on a Latin-1 view of the UTF-8 body (one character per byte), or on its bytes,
 * so that the gateway patches its bytes without decoding the body to UTF-16 and encoding it back.
 * Each segment's literal is found by its JSON.stringify form, which must occur exactly once in the
 * bytes of the field or element that holds the segment (`within`, from the element cache), or in
 * the whole body, and only where every escape there is one JSON.stringify writes (else the search
 * may find another string with the same value: locate.ts, canonicalEscapes); null when that does
 * not hold (the caller then uses redact()).
 */
export function planByteRedaction(view: string | Buffer, segments: readonly Segment[] | SegmentOf, findings: readonly Finding[], name: PlaceholderNamer = placeholderNamer(), within?: (seg: Segment) => readonly [number, number] | undefined): { patches: BytePatch[]; placeholders: (string | null)[] } | null {
  const find = typeof view === 'string'
    ? (needle: string, from: number, to?: number): number => {
      const i = view.indexOf(needle, from);
      return to !== undefined && i + needle.length > to ? -1 : i;
    }
    : (needle: string, from: number, to?: number): number => (to === undefined ? view : view.subarray(0, to)).indexOf(needle, from, 'latin1');
  // Ranges already checked for escapes, by start (a range is a field or an element: one end each).
  const checked = new Map<number, boolean>();
  const canonical = (from: number, to: number): boolean => {
    let ok = checked.get(from);
    if (ok === undefined) checked.set(from, (ok = canonicalEscapes(view, from, to)));
    return ok;
  };
  const placeholders: (string | null)[] = findings.map(() => null);
  if (findings.length === 0) return { patches: [], placeholders };
  const segOf = typeof segments === 'function' ? segments : segmentsByPath(segments, findings);
  const found = new Map<Segment, { at: number; lit: string }>();
  for (const f of findings) {
    const seg = segOf(f);
    if (seg === undefined) return null; // not located here: the string path decides
    if (found.has(seg)) continue;
    if (seg.isKey === true) return null;
    const lit = JSON.stringify(seg.text);
    const v = utf8View(lit);
    const range = within?.(seg);
    if (!canonical(range?.[0] ?? 0, range?.[1] ?? view.length)) return null;
    const at = find(v, range?.[0] ?? 0, range?.[1]);
    if (at < 0 || find(v, at + 1, range?.[1]) >= 0) return null;
    found.set(seg, { at, lit });
  }
  const patches: Patch[] = [];
  findings.forEach((f, idx) => {
    const seg = segOf(f);
    const loc = seg === undefined ? undefined : found.get(seg);
    if (seg === undefined || loc === undefined) return;
    const ph = name(f, seg.text.slice(f.start, f.end));
    placeholders[idx] = ph;
    patches.push({ start: loc.at + byteOffset(loc.lit, f.start), end: loc.at + byteOffset(loc.lit, f.end), text: ph });
  });
  return { patches: merge(patches), placeholders };
}

/**
 * Where each finding was made: as the engine says (`segmentOf`: by identity), or else by rendered
 * path among the segments given.
 */
function located(segments: readonly Segment[] | SegmentOf): SegmentOf {
  if (typeof segments === 'function') return segments;
  const byPath = new Map(segments.map((s) => [segmentPath(s), s]));
  return (f) => byPath.get(f.segmentPath);
}

/**
 * Header values with the findings' spans replaced by placeholders (only the headers that change).
 * `missing` counts findings whose header is not among `segments`: the caller fails closed.
 * `received`: the headers as they arrived; a value that came as UTF-8 bytes (segments hold it
 * decoded: headerText) goes back as UTF-8 bytes.
 */
export function redactHeaders(segments: readonly Segment[] | SegmentOf, findings: readonly Finding[], name: PlaceholderNamer = placeholderNamer(), received?: HeaderMap): { headers: Record<string, string>; missing: number } {
  const segOf = located(segments);
  const patches = new Map<Segment, Patch[]>();
  let missing = 0;
  for (const f of findings) {
    const s = segOf(f);
    if (s === undefined) { missing++; continue; }
    const list = patches.get(s) ?? [];
    list.push({ start: f.start, end: f.end, text: name(f, s.text.slice(f.start, f.end)) });
    patches.set(s, list);
  }
  const headers: Record<string, string> = {};
  for (const [s, list] of patches) {
    const field = String(s.path[1]);
    const text = splice(s.text, merge(list));
    const raw = received === undefined ? undefined : rawHeader(received, field);
    headers[field] = raw === undefined ? text : headerWire(text, raw);
  }
  return { headers, missing };
}

/**
 * The request target's query with the findings' spans replaced by their placeholders
 * (percent-encoded: the provider decodes them back), every other byte as it came. `segments`: the
 * query's (querySegments). `missing` counts findings not located there: the caller fails closed.
 */
export function redactQuery(search: string, segments: readonly Segment[] | SegmentOf, findings: readonly Finding[], name: PlaceholderNamer = placeholderNamer()): { search: string; missing: number } {
  const segOf = located(segments);
  const patches: Patch[] = [];
  let missing = 0;
  for (const f of findings) {
    const s = segOf(f);
    const r = s === undefined ? undefined : queryRange(s, f.start, f.end);
    if (s === undefined || r === undefined) {
      missing++;
      continue;
    }
    patches.push({ start: r[0], end: r[1], text: encodeURIComponent(name(f, s.text.slice(f.start, f.end))) });
  }
  return { search: splice(search, merge(patches)), missing };
}

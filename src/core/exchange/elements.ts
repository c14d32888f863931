// Request parsing that reuses what identical bytes gave before. A coding agent resends its whole
// conversation on every turn: the system prompt, every tool definition and every earlier message
// come back byte for byte. The native shape pass (native/json.cc) validates the body as JSON.parse
// would and gives the byte range and a hash of each top-level field and of each element of a
// top-level array (a message, a tool, a system block). An element whose bytes equal a cached one
// (compared in full, never trusted on the hash) takes that element's segments; only new elements
// are parsed and walked. The segments are the ones segmentBody makes (test/exchange/elements.test.ts),
// and the same string objects every turn, so the engine's result cache then compares texts by
// reference. Without the addon, or for a body this cannot describe, callers use parseRequest.
import type { Dialect, Segment } from '../types.ts';
import { SampledLru, type LruEntry } from '../sampled-hash.ts';
import type { ParsedRequest } from './index.ts';
import { opaqueKey, segmentPart } from './walk.ts';

interface ShapeAddon {
  /** `hashes` false: every hash 0 (validation and the ranges only). */
  shape(bytes: Uint8Array, seed: number, hashes?: boolean): Int32Array | null;
}

let addon: ShapeAddon | null = null;

/** Hands the loaded addon over (src/native/load.ts); anything without `shape` removes it. */
export function useShapeAddon(a: unknown): void {
  addon = a !== null && typeof a === 'object' && typeof (a as ShapeAddon).shape === 'function' ? (a as ShapeAddon) : null;
}

export const shapeAvailable = (): boolean => addon !== null;

/** Member record length in the shape's output, and the kinds it names (native/json.cc). */
const MEMBER = 7;
const KIND_STRING = 0;
const KIND_ARRAY = 3;
const KIND_TRUE = 4;

/** Values shorter than this are parsed every time: cheaper than a lookup and a copy. */
const MIN_BYTES = 64;

/** An array index as a key: JSON.parse's objects list those first, so the order would differ. */
const INDEX_KEY = /^(?:0|[1-9]\d{0,9})$/;

interface Parts {
  segments: Segment[];
  media: number;
  /** Each part's segments, in order (see ParsedRequest.parts). */
  parts: (readonly Segment[])[];
}

class Entry implements LruEntry {
  movedAt = 0;
  constructor(
    readonly dialect: Dialect,
    readonly field: string,
    /** The element's index in its field (null: the field's whole value). */
    readonly index: number | null,
    readonly bytes: Buffer,
    /** JSON.parse of the bytes (as a Latin-1 view): shared by every request that sends them. */
    readonly value: unknown,
    readonly segments: readonly Segment[],
    readonly media: number,
    readonly size: number,
  ) {}
}

/** A segment made for another index of the same field: the same text and role, its path moved. */
function moved(s: Segment, index: number): Segment {
  const path = s.path.slice();
  path[1] = index;
  const m: Segment = { role: s.role, path, text: s.text };
  if (s.isKey === true) m.isKey = true;
  if (s.structural === true) m.structural = true;
  return m;
}

export class ElementCache {
  private readonly lru: SampledLru<Entry>;
  private readonly seed = Math.floor(Math.random() * 0x7fffffff);
  hits = 0;
  misses = 0;

  /** @param maxBytes bound of cached bytes and texts (the bytes, plus two per text code unit) */
  constructor(readonly maxBytes = 64 * 1024 * 1024) {
    this.lru = new SampledLru(maxBytes);
  }

  /**
   * The request as parseRequest would give it, from its UTF-8 bytes; null when this path cannot
   * say (no addon, invalid JSON, a top-level key repeated or an array index): the caller then
   * parses the text, which also words any error. `fix` repairs strings read from a Latin-1 view of
   * bytes >= 0x80 (gateway/body.ts); the caller has checked that the bytes are valid UTF-8. With
   * `fix`, a body that escapes U+0080..U+00FF gives null (its view cannot be repaired).
   * `segments: false` skips segmentation.
   */
  parse(dialect: Dialect, buf: Buffer, fix: ((s: string) => string) | undefined, opts: { segments?: boolean } = {}): ParsedRequest | null {
    if (addon === null) return null;
    try {
      return this.read(dialect, buf, fix, opts.segments !== false);
    } catch {
      // Not reachable while the shape pass agrees with JSON.parse (test/core/elements.test.ts);
      // should it ever not, JSON.parse's own error quotes the body, so the caller words it instead.
      return null;
    }
  }

  private read(dialect: Dialect, buf: Buffer, fix: ((s: string) => string) | undefined, wantSegments: boolean): ParsedRequest | null {
    // Without segments nothing is looked up by hash (the model and `stream` are read, the body validated).
    const shape = addon!.shape(buf, this.seed, wantSegments);
    // Bit 0: an object; bit 1: an escape of U+0080..U+00FF, which a repaired Latin-1 view would
    // take for UTF-8 bytes (the caller then decodes the body instead); bits 2 and 3: a key repeated
    // in an object (or one this pass cannot compare), nesting too deep: parseRequest decides and
    // words the error (json-keys.ts).
    if (shape === null || (shape[0]! & 1) === 0 || (shape[0]! & 12) !== 0 || ((shape[0]! & 2) !== 0 && fix !== undefined)) return null;
    const m = shape[1]!;
    const keys: string[] = [];
    const seen = new Map<string, number>();
    for (let k = 0; k < m; k++) {
      const b = 2 + k * MEMBER;
      let key = buf.toString('latin1', shape[b]! + 1, shape[b + 1]! - 1);
      if (key.includes('\\')) key = JSON.parse(buf.toString('latin1', shape[b]!, shape[b + 1]!)) as string;
      if (seen.has(key) || INDEX_KEY.test(key)) return null;
      seen.set(key, k);
      keys.push(key);
    }
    let model: unknown = null;
    let stream = false;
    const st: Parts = { segments: [], media: 0, parts: [] };
    // The body as JSON.parse of the Latin-1 view would give it, from the parts' values (read-only:
    // cached values are shared between requests); without segments, parsed when asked for.
    const body: Record<string, unknown> = {};
    let el = 2 + m * MEMBER;
    // Where each array member's element records begin in `shape`.
    const elAt = new Int32Array(m);
    for (let k = 0; k < m; k++) {
      const b = 2 + k * MEMBER;
      const key = keys[k]!;
      const kind = shape[b + 4]!;
      const start = shape[b + 2]!;
      const end = shape[b + 3]!;
      elAt[k] = el;
      if (key === 'stream') stream = kind === KIND_TRUE;
      if (!wantSegments) {
        if (key === 'model' && kind === KIND_STRING) model = JSON.parse(buf.toString('latin1', start, end));
        if (kind === KIND_ARRAY) el += 3 * shape[b + 6]!;
      } else if (kind === KIND_ARRAY) {
        const n = shape[b + 6]!;
        const values = new Array<unknown>(n);
        for (let i = 0; i < n; i++, el += 3) values[i] = this.part(dialect, buf, key, i, shape[el]!, shape[el + 1]!, shape[el + 2]!, fix, st, true);
        body[key] = values;
      } else {
        body[key] = this.part(dialect, buf, key, null, start, end, shape[b + 5]!, fix, st, !(kind === KIND_STRING && opaqueKey(key)));
      }
    }
    if (wantSegments) model = body['model'];
    const name = typeof model !== 'string' ? null : fix !== undefined ? fix(model) : model;
    // By the key as the body spells it: a non-ASCII top-level key, repaired in segment paths, is
    // not found (redaction then searches the whole body).
    const byteRange = (seg: Segment): readonly [number, number] | undefined => {
      const k = seen.get(seg.path[0] as string);
      if (k === undefined) return undefined;
      const b = 2 + k * MEMBER;
      if (shape[b + 4] !== KIND_ARRAY) return [shape[b + 2]!, shape[b + 3]!];
      const i = seg.path[1];
      if (typeof i !== 'number' || i >= shape[b + 6]!) return undefined;
      const e = elAt[k]! + 3 * i;
      return [shape[e]!, shape[e + 1]!];
    };
    if (wantSegments) return { dialect, body, model: name, stream, segments: st.segments, media: st.media, parts: st.parts, byteRange };
    let lazy: Record<string, unknown> | undefined;
    return {
      dialect,
      get body(): Record<string, unknown> {
        return (lazy ??= JSON.parse(buf.toString('latin1')) as Record<string, unknown>);
      },
      model: name,
      stream,
      segments: [],
      media: 0,
    };
  }

  /**
   * One field (index null) or one element of it: appends its segments (when `segment`) and
   * media count to `st`, returns its value.
   */
  private part(dialect: Dialect, buf: Buffer, field: string, index: number | null, start: number, end: number, hash: number, fix: ((s: string) => string) | undefined, st: Parts, segment: boolean): unknown {
    const len = end - start;
    if (len < MIN_BYTES || !segment) {
      const value: unknown = JSON.parse(buf.toString('latin1', start, end));
      if (segment) {
        const w = segmentPart(dialect, value, index === null ? [field] : [field, index], fix);
        for (const s of w.segments) st.segments.push(s);
        st.parts.push(w.segments);
        st.media += w.media;
      }
      return value;
    }
    const hit = this.lru.find(hash, (e) => e.bytes.length === len && e.field === field && e.dialect === dialect && (e.index === null) === (index === null) && buf.compare(e.bytes, 0, len, start, end) === 0);
    if (hit !== undefined) {
      this.hits++;
      if (hit.index === index) {
        for (const s of hit.segments) st.segments.push(s);
        st.parts.push(hit.segments);
      } else {
        const part = hit.segments.map((s) => moved(s, index!));
        for (const s of part) st.segments.push(s);
        st.parts.push(part);
      }
      st.media += hit.media;
      return hit.value;
    }
    this.misses++;
    const value: unknown = JSON.parse(buf.toString('latin1', start, end));
    const w = segmentPart(dialect, value, index === null ? [field] : [field, index], fix);
    // The bytes, the value's structure (about as large), the texts, and the entry's own objects.
    let size = 2 * len + 256;
    for (const s of w.segments) {
      size += s.text.length * 2;
      st.segments.push(s);
    }
    st.parts.push(w.segments);
    st.media += w.media;
    if (size <= this.maxBytes / 4) this.lru.add(hash, new Entry(dialect, field, index, Buffer.from(buf.subarray(start, end)), value, w.segments, w.media, size));
    return value;
  }
}

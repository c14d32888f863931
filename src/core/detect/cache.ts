// A bounded LRU of detection results. Coding agents resend the whole conversation on every turn:
// the system prompt, every tool definition and every earlier message come back unchanged,
// request after request and user after user of the same tool version. Results are cached per
// group of segments (one message, one tool definition, the system prompt), so inspection cost
// follows new content instead of conversation length. A cache belongs to one options object.
import type { Segment } from '../types.ts';
import type { Hit } from './types.ts';

/** Cached results of one group: per detector id, the hits of each segment in order. */
export class GroupEntry {
  readonly hits = new Map<string, Hit[][]>();

  constructor(readonly texts: readonly string[], readonly roles: readonly string[], readonly bytes: number) {}

  matches(segs: readonly Segment[]): boolean {
    if (segs.length !== this.texts.length) return false;
    for (let i = 0; i < segs.length; i++) {
      const s = segs[i]!;
      if (s.text !== this.texts[i] || s.role !== this.roles[i]) return false;
    }
    return true;
  }
}

/**
 * FNV-1a over each text's length, role and a few sampled characters: a handful of operations per
 * segment and no string building (V8 would hash a long string key character by character, on
 * every request's fresh strings). Candidates are confirmed with GroupEntry.matches (===).
 */
function fingerprint(segs: readonly Segment[]): string {
  let h = 0x811c9dc5;
  const mix = (x: number): void => {
    h = Math.imul(h ^ x, 0x01000193);
  };
  for (const s of segs) {
    const t = s.text;
    const n = t.length;
    mix(n);
    mix(s.role.charCodeAt(0) + s.role.length);
    if (n === 0) continue;
    const step = Math.max(1, n >> 3);
    for (let i = 0; i < n; i += step) mix(t.charCodeAt(i));
    mix(t.charCodeAt(n - 1));
  }
  return `${segs.length}:${(h >>> 0).toString(36)}`;
}

export class HitCache {
  private readonly map = new Map<string, GroupEntry[]>();
  private bytes = 0;
  private entries = 0;
  hits = 0;
  misses = 0;

  /**
   * @param maxBytes  upper bound of cached text (UTF-16 code units x 2)
   * @param minLength groups with less text than this are scanned every time (cheaper than a lookup)
   */
  constructor(readonly maxBytes = 64 * 1024 * 1024, readonly minLength = 256) {}

  /** The entry of a group of segments, created if new; undefined for small groups. */
  group(segs: readonly Segment[]): GroupEntry | undefined {
    let length = 0;
    for (const s of segs) length += s.text.length;
    if (length < this.minLength) return undefined;
    const fp = fingerprint(segs);
    let list = this.map.get(fp);
    const found = list?.find((x) => x.matches(segs));
    if (list !== undefined && found !== undefined) {
      // Move to the most recently used end.
      this.map.delete(fp);
      this.map.set(fp, list);
      this.hits++;
      return found;
    }
    this.misses++;
    if (list === undefined) {
      list = [];
      this.map.set(fp, list);
    }
    const e = new GroupEntry(segs.map((s) => s.text), segs.map((s) => s.role), length * 2);
    list.push(e);
    this.bytes += e.bytes;
    this.entries++;
    for (const [k, v] of this.map) {
      if (this.bytes <= this.maxBytes) break;
      this.map.delete(k);
      for (const x of v) this.bytes -= x.bytes;
      this.entries -= v.length;
    }
    return e;
  }

  /** Number of cached groups. */
  get size(): number {
    return this.entries;
  }
}

/** Contiguous runs of segments under one message, one tool definition, or one top-level field. */
export function groupRanges(segments: readonly Segment[]): [number, number][] {
  const out: [number, number][] = [];
  // Compared step by step, not as a joined key: no string built per segment.
  let top: unknown;
  let index: number | undefined;
  for (let i = 0; i < segments.length; i++) {
    const p = segments[i]!.path;
    const t = p[0];
    const n = typeof p[1] === 'number' ? p[1] : undefined;
    if (i === 0 || t !== top || n !== index) {
      out.push([i, i + 1]);
      top = t;
      index = n;
    } else out[out.length - 1]![1] = i + 1;
  }
  return out;
}

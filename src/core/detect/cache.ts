// A bounded LRU of detection results. Coding agents resend the whole conversation on every turn:
// the system prompt, every tool definition and every earlier message come back unchanged,
// request after request and user after user of the same tool version. Results are cached per
// group of segments (one message, one tool definition, the system prompt), so inspection cost
// follows new content instead of conversation length. A cache belongs to one options object.
import type { Segment } from '../types.ts';
import type { Hit } from './types.ts';
import { FNV_OFFSET, fnvMix, mixSampled, SampledLru, type LruEntry } from '../sampled-hash.ts';

/** Cached results of one group: per detector id, the hits of each segment in order. */
export class GroupEntry implements LruEntry {
  readonly hits = new Map<string, Hit[][]>();
  /** Detectors whose results here hold at least one hit (most groups have none at all). */
  readonly found = new Set<string>();
  movedAt = 0;

  /** `size`: bytes of text (UTF-16 code units x 2); `fp`: the group's fingerprint (its bucket). */
  constructor(readonly texts: readonly string[], readonly roles: readonly string[], readonly size: number, readonly fp: number) {}

  /** Stores a detector's results for the group. */
  set(detector: string, hits: Hit[][]): void {
    this.hits.set(detector, hits);
    if (hits.some((h) => h.length > 0)) this.found.add(detector);
  }

  /** Whether every one of these detectors is known to find nothing in the group. */
  settledEmpty(detectors: readonly { id: string }[]): boolean {
    if (this.found.size > 0) return false;
    for (const d of detectors) if (!this.hits.has(d.id)) return false;
    return true;
  }

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
 * Each segment's role and sampled text (core/sampled-hash.ts): no string building (V8 would hash a
 * long string key character by character, on every request's fresh strings), and a number as the
 * map key. Candidates are confirmed with GroupEntry.matches (===).
 */
function fingerprint(segs: readonly Segment[]): number {
  let h = fnvMix(FNV_OFFSET, segs.length);
  for (const s of segs) h = mixSampled(fnvMix(h, s.role.charCodeAt(0) + s.role.length), s.text);
  return h >>> 0;
}

/** Bytes counted for an entry besides its text (its objects and maps), so tiny groups are bounded too. */
const ENTRY_OVERHEAD = 256;

export class HitCache {
  private readonly lru: SampledLru<GroupEntry>;
  /**
   * The entry of a group given as an array its owner never modifies (`group(segs, true)`): the
   * gateway's element cache hands out the same array for a part it found again, so a resent
   * message or tool definition is found without sampling its texts (still found in the LRU, so
   * that its bound and recency hold).
   */
  private readonly byArray = new WeakMap<readonly Segment[], GroupEntry>();
  hits = 0;
  misses = 0;

  /**
   * @param maxBytes  upper bound of cached text (UTF-16 code units x 2, plus 256 per entry)
   * @param minLength groups with less text than this are scanned every time (cheaper than a lookup),
   *                  unless given as fixed parts
   */
  constructor(readonly maxBytes = 64 * 1024 * 1024, readonly minLength = 256) {
    this.lru = new SampledLru(maxBytes);
  }

  /**
   * The entry of a group of segments, created if new; undefined for small groups. `fixed`: the
   * caller never modifies this array (the element cache's parts), so the array itself identifies
   * the group next time, without comparing its segments; a fixed part of any size gets an entry.
   */
  group(segs: readonly Segment[], fixed = false): GroupEntry | undefined {
    if (fixed) {
      const e = this.byArray.get(segs);
      if (e !== undefined && this.lru.find(e.fp, (x) => x === e) !== undefined) {
        this.hits++;
        return e;
      }
    }
    let length = 0;
    for (const s of segs) length += s.text.length;
    if (segs.length === 0 || length < (fixed ? 0 : this.minLength)) return undefined;
    const fp = fingerprint(segs);
    let e = this.lru.find(fp, (x) => x.matches(segs));
    if (e !== undefined) this.hits++;
    else {
      this.misses++;
      e = new GroupEntry(segs.map((s) => s.text), segs.map((s) => s.role), length * 2 + ENTRY_OVERHEAD, fp);
      this.lru.add(fp, e);
    }
    if (fixed) this.byArray.set(segs, e);
    return e;
  }

  /** Number of cached groups. */
  get size(): number {
    return this.lru.count;
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

// A hash of a text's length and a few sampled characters (FNV-1a steps): a handful of operations
// however long the text, no string building. For lookups of texts seen before (prompts resent
// every turn) whose candidates are then confirmed with ===: collisions cost one comparison, never
// a wrong answer. Not a content hash: texts that differ between samples hash alike.

/** One FNV-1a step. */
export const fnvMix = (h: number, x: number): number => Math.imul(h ^ x, 0x01000193);

/** Mixes `text` into `h`: its length, ~8 evenly spaced characters and the last. */
export function mixSampled(h: number, text: string): number {
  const n = text.length;
  h = fnvMix(h, n);
  if (n === 0) return h;
  const step = Math.max(1, n >> 3);
  for (let i = 0; i < n; i += step) h = fnvMix(h, text.charCodeAt(i));
  return fnvMix(h, text.charCodeAt(n - 1));
}

export const FNV_OFFSET = 0x811c9dc5;

/** An entry of a SampledLru: its size in the cache's unit, and where the cache last moved it. */
export interface LruEntry {
  readonly size: number;
  movedAt: number;
}

/**
 * Entries of texts seen before, bucketed by sampled hash and confirmed by the caller's match,
 * least recently used first, bounded by the sum of their sizes. A hit moves its bucket to the
 * recent end only when it last moved over half a cache of lookups ago: hot entries (every
 * request's system prompt) stay far from eviction without a delete and an insert each time.
 */
export class SampledLru<E extends LruEntry> {
  private readonly map = new Map<number, E[]>();
  private tick = 0;
  /** Sum of the entries' sizes, and their number. */
  units = 0;
  count = 0;

  constructor(readonly maxUnits: number) {}

  find(hash: number, match: (e: E) => boolean): E | undefined {
    this.tick++;
    const list = this.map.get(hash);
    const found = list?.find(match);
    if (found !== undefined && this.tick - found.movedAt > this.count >> 1) {
      found.movedAt = this.tick;
      this.map.delete(hash);
      this.map.set(hash, list!);
    }
    return found;
  }

  /** Adds an entry (after `find` missed it), then evicts the least recently used past the bound. */
  add(hash: number, e: E): void {
    e.movedAt = this.tick;
    const list = this.map.get(hash);
    if (list === undefined) this.map.set(hash, [e]);
    else list.push(e);
    this.units += e.size;
    this.count++;
    for (const [k, v] of this.map) {
      if (this.units <= this.maxUnits) break;
      this.map.delete(k);
      for (const x of v) this.units -= x.size;
      this.count -= v.length;
    }
  }
}

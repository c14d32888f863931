// A bounded LRU of detection results keyed by segment text. Coding agents resend the whole
// conversation on every turn: the system prompt, tool definitions and every earlier message come
// back unchanged, request after request and user after user of the same tool version. Scanning
// only what is new makes inspection cost follow new content instead of conversation length.
// Results depend on the detector options, so a cache belongs to one options object.
import type { Segment } from '../types.ts';
import type { Hit } from './types.ts';

/** Cached results of one text: hits per role (roles change confidence), per detector id. */
export class CacheEntry {
  private readonly byRole = new Map<string, Map<string, Hit[]>>();

  constructor(readonly text: string) {}

  get(role: string, detector: string): Hit[] | undefined {
    return this.byRole.get(role)?.get(detector);
  }

  set(role: string, detector: string, hits: Hit[]): void {
    let m = this.byRole.get(role);
    if (m === undefined) {
      m = new Map();
      this.byRole.set(role, m);
    }
    m.set(detector, hits);
  }
}

/**
 * A short stand-in for a long text: its length and three 32-character samples. V8 hashes a string
 * used as a Map key character by character (about 1 ns each) and every request brings fresh
 * strings, so keying by the text itself would cost a full pass per lookup; equality is then
 * confirmed with ===, a native comparison.
 */
const fingerprint = (t: string): string => {
  const mid = t.length >> 1;
  return `${t.length}\u0000${t.slice(0, 32)}\u0000${t.slice(mid, mid + 32)}\u0000${t.slice(-32)}`;
};

export class HitCache {
  private readonly map = new Map<string, CacheEntry[]>();
  private bytes = 0;
  private entries = 0;
  hits = 0;
  misses = 0;

  /**
   * @param maxBytes  upper bound of cached text (UTF-16 code units x 2)
   * @param minLength texts shorter than this are scanned every time (cheaper than a lookup)
   */
  constructor(readonly maxBytes = 64 * 1024 * 1024, readonly minLength = 512) {}

  /** The entry of a segment's text, created if new; undefined for short texts. One lookup per segment. */
  entry(seg: Segment): CacheEntry | undefined {
    const text = seg.text;
    if (text.length < this.minLength) return undefined;
    const fp = fingerprint(text);
    let list = this.map.get(fp);
    let e = list?.find((x) => x.text === text);
    if (list !== undefined && e !== undefined) {
      // Move to the most recently used end.
      this.map.delete(fp);
      this.map.set(fp, list);
      this.hits++;
      return e;
    }
    this.misses++;
    if (list === undefined) {
      list = [];
      this.map.set(fp, list);
    }
    e = new CacheEntry(text);
    list.push(e);
    this.bytes += text.length * 2;
    this.entries++;
    this.evict();
    return e;
  }

  private evict(): void {
    for (const [k, v] of this.map) {
      if (this.bytes <= this.maxBytes) break;
      this.map.delete(k);
      for (const x of v) this.bytes -= x.text.length * 2;
      this.entries -= v.length;
    }
  }

  /** Number of cached texts. */
  get size(): number {
    return this.entries;
  }
}

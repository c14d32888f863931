// A bounded LRU of detection results keyed by segment text. Coding agents resend the whole
// conversation on every turn: the system prompt, tool definitions and every earlier message come
// back unchanged, request after request and user after user of the same tool version. Scanning
// only what is new makes inspection cost follow new content instead of conversation length.
// Results depend on the detector options, so a cache belongs to one options object.
import type { Segment } from '../types.ts';
import type { Hit } from './types.ts';

interface Entry {
  /** Hits per role + detector id (roles change confidence). */
  byKey: Map<string, Hit[]>;
  bytes: number;
}

export class HitCache {
  private readonly map = new Map<string, Entry>();
  private bytes = 0;
  hits = 0;
  misses = 0;

  /**
   * @param maxBytes  upper bound of cached text (UTF-16 code units x 2)
   * @param minLength texts shorter than this are scanned every time (cheaper than a lookup)
   */
  constructor(readonly maxBytes = 64 * 1024 * 1024, readonly minLength = 512) {}

  get(seg: Segment, detector: string): Hit[] | undefined {
    if (seg.text.length < this.minLength) return undefined;
    const e = this.map.get(seg.text);
    const r = e?.byKey.get(`${seg.role}:${detector}`);
    if (r === undefined || e === undefined) {
      this.misses++;
      return undefined;
    }
    // Move to the most recently used end.
    this.map.delete(seg.text);
    this.map.set(seg.text, e);
    this.hits++;
    return r;
  }

  set(seg: Segment, detector: string, hits: Hit[]): void {
    if (seg.text.length < this.minLength) return;
    let e = this.map.get(seg.text);
    if (e === undefined) {
      e = { byKey: new Map(), bytes: seg.text.length * 2 };
      this.map.set(seg.text, e);
      this.bytes += e.bytes;
    }
    e.byKey.set(`${seg.role}:${detector}`, hits);
    for (const [k, v] of this.map) {
      if (this.bytes <= this.maxBytes) break;
      this.map.delete(k);
      this.bytes -= v.bytes;
    }
  }

  get size(): number {
    return this.map.size;
  }
}

// A bounded LRU of detection results keyed by segment text. Coding agents resend the whole
// conversation on every turn: the system prompt, tool definitions and every earlier message come
// back unchanged, request after request and user after user of the same tool version. Scanning
// only what is new makes inspection cost follow new content instead of conversation length.
// Results depend on the detector options, so a cache belongs to one options object.
import type { Segment } from '../types.ts';
import type { Hit } from './types.ts';

interface Entry {
  text: string;
  /** Hits per role + detector id (roles change confidence). */
  byKey: Map<string, Hit[]>;
  bytes: number;
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
  private readonly map = new Map<string, Entry[]>();
  private bytes = 0;
  private entries = 0;
  hits = 0;
  misses = 0;

  /**
   * @param maxBytes  upper bound of cached text (UTF-16 code units x 2)
   * @param minLength texts shorter than this are scanned every time (cheaper than a lookup)
   */
  constructor(readonly maxBytes = 64 * 1024 * 1024, readonly minLength = 512) {}

  get(seg: Segment, detector: string): Hit[] | undefined {
    if (seg.text.length < this.minLength) return undefined;
    const fp = fingerprint(seg.text);
    const list = this.map.get(fp);
    const e = list?.find((x) => x.text === seg.text);
    const r = e?.byKey.get(`${seg.role}:${detector}`);
    if (r === undefined || list === undefined) {
      this.misses++;
      return undefined;
    }
    // Move to the most recently used end.
    this.map.delete(fp);
    this.map.set(fp, list);
    this.hits++;
    return r;
  }

  set(seg: Segment, detector: string, hits: Hit[]): void {
    if (seg.text.length < this.minLength) return;
    const fp = fingerprint(seg.text);
    let list = this.map.get(fp);
    if (list === undefined) {
      list = [];
      this.map.set(fp, list);
    }
    let e = list.find((x) => x.text === seg.text);
    if (e === undefined) {
      e = { text: seg.text, byKey: new Map(), bytes: seg.text.length * 2 };
      list.push(e);
      this.bytes += e.bytes;
      this.entries++;
    }
    e.byKey.set(`${seg.role}:${detector}`, hits);
    for (const [k, v] of this.map) {
      if (this.bytes <= this.maxBytes) break;
      this.map.delete(k);
      for (const x of v) this.bytes -= x.bytes;
      this.entries -= v.length;
    }
  }

  /** Number of cached texts. */
  get size(): number {
    return this.entries;
  }
}

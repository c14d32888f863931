// Keyword prefilter: one Aho–Corasick pass over the text finds every occurrence of every rule
// keyword, case-insensitively, so the cost of the pass does not depend on the number of rules.
// Only rules whose keywords occur run their regex, and only at (or around) the hits.
//
// Performance notes (measured with bench/engine.ts and the former bench/secrets.ts):
// - The automaton is a full DFA (built over a compressed alphabet, then expanded to 128 columns):
//   one table read and one compare per character; 2.4x faster than a class-lookup loop and
//   4x faster than one combined irregexp alternation of all keywords (measured, 20 MB).
// - Keywords are ASCII; upper-case ASCII is folded on the fly instead of lower-casing the text
//   (which would allocate a copy of every segment).

export interface KeywordHit {
  /** Index of the keyword in the list given to the constructor. */
  keyword: number;
  /** Span of the keyword in the text. */
  start: number;
  end: number;
}

export class KeywordMatcher {
  private readonly classOf = new Uint8Array(128);
  /** Monomorphic on purpose: a Uint16Array|Int32Array union made the loop ~30% slower. */
  private readonly delta: Uint16Array;
  /** States >= firstOut are those where some keyword ends. */
  private readonly firstOut: number;
  /** The root state. */
  private readonly start: number;
  /** For each state, offset into `outList` (or -1) listing the keywords ending there. */
  private readonly outStart: Int32Array;
  private readonly outList: Int32Array;
  private readonly lengths: Int32Array;
  private readonly maxLength: number;

  constructor(keywords: readonly string[]) {
    this.lengths = Int32Array.from(keywords, (k) => k.length);
    this.maxLength = Math.max(1, ...keywords.map((k) => k.length));
    let nc = 1;
    for (const k of keywords) {
      for (let i = 0; i < k.length; i++) {
        const c = k.charCodeAt(i);
        if (c >= 128) throw new Error(`keyword is not ASCII: ${JSON.stringify(k)}`);
        if (this.classOf[c] === 0) this.classOf[c] = nc++;
      }
    }
    // Fold upper case to the class of the lower-case letter.
    for (let c = 65; c <= 90; c++) this.classOf[c] = this.classOf[c + 32] ?? 0;

    // Build the trie.
    const goto: number[][] = [new Array<number>(nc).fill(-1)];
    const outs: number[][] = [[]];
    keywords.forEach((k, idx) => {
      if (k.length === 0) return;
      let s = 0;
      for (let i = 0; i < k.length; i++) {
        const cls = this.classOf[k.charCodeAt(i)] ?? 0;
        const row = goto[s]!;
        if (row[cls] === -1) {
          row[cls] = goto.length;
          goto.push(new Array<number>(nc).fill(-1));
          outs.push([]);
        }
        s = row[cls]!;
      }
      outs[s]!.push(idx);
    });

    // Breadth-first: failure links, then the full transition table.
    const n = goto.length;
    const fail = new Int32Array(n);
    const delta = new Int32Array(n * nc);
    const queue: number[] = [];
    for (let c = 0; c < nc; c++) {
      const t = goto[0]![c]!;
      if (t > 0 && c !== 0) {
        fail[t] = 0;
        delta[c] = t;
        queue.push(t);
      } else delta[c] = 0;
    }
    for (let qi = 0; qi < queue.length; qi++) {
      const s = queue[qi]!;
      for (const k of outs[fail[s]!]!) outs[s]!.push(k);
      for (let c = 0; c < nc; c++) {
        const t = goto[s]![c]!;
        if (t > 0 && c !== 0) {
          fail[t] = delta[fail[s]! * nc + c]!;
          delta[s * nc + c] = t;
          queue.push(t);
        } else delta[s * nc + c] = c === 0 ? 0 : delta[fail[s]! * nc + c]!;
      }
    }
    // Expand to a 128-column table indexed by (code unit & 127), with upper case folded in, so the
    // hot loop needs no class lookup. Non-ASCII units alias ASCII ones: that can only add
    // spurious keyword hits, which the rule regexes then reject.
    if (n >= 65536) throw new Error(`too many keyword states (${n}); split the rule set`);
    // Renumber the states so that those where a keyword ends come last: the hot loop then tells
    // them apart with one compare against a constant instead of a second table read per character.
    const id = new Int32Array(n);
    let next = 0;
    for (let s = 0; s < n; s++) if (outs[s]!.length === 0) id[s] = next++;
    this.firstOut = next;
    for (let s = 0; s < n; s++) if (outs[s]!.length > 0) id[s] = next++;
    const full = new Uint16Array(n * 128);
    for (let s = 0; s < n; s++) {
      for (let c = 0; c < 128; c++) {
        const cls = this.classOf[c]!;
        full[id[s]! * 128 + c] = cls === 0 ? id[0]! : id[delta[s * nc + cls]!]!;
      }
    }
    this.delta = full;
    this.start = id[0]!;
    this.outStart = new Int32Array(n).fill(-1);
    const flat: number[] = [];
    for (let s = 0; s < n; s++) {
      const o = outs[s]!;
      if (o.length === 0) continue;
      this.outStart[id[s]!] = flat.length;
      flat.push(o.length, ...o);
    }
    this.outList = Int32Array.from(flat);
  }

  /** Calls `onHit(keywordIndex, start, end)` for every occurrence, in order of end position. */
  scan(text: string, onHit: (keyword: number, start: number, end: number) => void): void {
    const n = this.collect(text);
    const { hitKeyword, hitEnd, lengths } = this;
    for (let j = 0; j < n; j++) {
      const k = hitKeyword[j]!;
      onHit(k, hitEnd[j]! - lengths[k]!, hitEnd[j]!);
    }
  }

  /**
   * Every occurrence, in order of end position, into `hitKeyword`/`hitEnd` (valid until the next
   * call); returns their number. The scanner's form: no callback and no allocation per text, which
   * matters for the hundreds of short segments of one request.
   *
   * A long text is cut in two halves walked in the same loop: the automaton is latency-bound (each
   * step waits for the previous state), and two independent chains let the CPU overlap them
   * (~1.4x, measured on 20 MB). The second walk starts `maxLength - 1` units before the middle so
   * that it sees every keyword ending in its half, and records only those.
   */
  collect(text: string): number {
    const n = text.length;
    if (n < 1024) return this.collectOne(text);
    const { delta, firstOut } = this;
    const mid = n >> 1;
    const from = Math.max(0, mid - this.maxLength + 1);
    let count = 0;
    let countB = 0;
    let s = this.start;
    let t = this.start;
    let j = from;
    for (let i = 0; i < mid; i++, j++) {
      s = delta[(s << 7) | (text.charCodeAt(i) & 127)]!;
      t = delta[(t << 7) | (text.charCodeAt(j) & 127)]!;
      if (s >= firstOut) count = this.record(0, count, s, i + 1);
      if (t >= firstOut && j >= mid) countB = this.record(1, countB, t, j + 1);
    }
    for (; j < n; j++) {
      t = delta[(t << 7) | (text.charCodeAt(j) & 127)]!;
      if (t >= firstOut && j >= mid) countB = this.record(1, countB, t, j + 1);
    }
    if (countB > 0) {
      if (count + countB > this.hitEnd.length) this.grow(0, count + countB);
      this.hitKeyword.set(this.bKeyword.subarray(0, countB), count);
      this.hitEnd.set(this.bEnd.subarray(0, countB), count);
    }
    return count + countB;
  }

  private collectOne(text: string): number {
    const { delta, firstOut } = this;
    let count = 0;
    let s = this.start;
    const n = text.length;
    for (let i = 0; i < n; i++) {
      s = delta[(s << 7) | (text.charCodeAt(i) & 127)]!;
      if (s >= firstOut) count = this.record(0, count, s, i + 1);
    }
    return count;
  }

  /** Appends the keywords ending in state `s` at `end` to buffer 0 (hit*) or 1 (b*). */
  private record(buf: 0 | 1, count: number, s: number, end: number): number {
    const o = this.outStart[s]!;
    const m = this.outList[o]!;
    if (count + m > (buf === 0 ? this.hitEnd : this.bEnd).length) this.grow(buf, count + m);
    const kw = buf === 0 ? this.hitKeyword : this.bKeyword;
    const ends = buf === 0 ? this.hitEnd : this.bEnd;
    for (let j = 1; j <= m; j++) {
      kw[count] = this.outList[o + j]!;
      ends[count++] = end;
    }
    return count;
  }

  /** Keyword index and end offset of each hit of the last `collect` (start = end - keywordLength). */
  hitKeyword: Int32Array = new Int32Array(256);
  hitEnd: Int32Array = new Int32Array(256);
  /** Hits of the second half of a long text, appended to hit* at the end of `collect`. */
  private bKeyword: Int32Array = new Int32Array(256);
  private bEnd: Int32Array = new Int32Array(256);

  keywordLength(k: number): number {
    return this.lengths[k]!;
  }

  private grow(buf: 0 | 1, min: number): void {
    const kwOld = buf === 0 ? this.hitKeyword : this.bKeyword;
    const endOld = buf === 0 ? this.hitEnd : this.bEnd;
    let size = endOld.length * 2;
    while (size < min) size *= 2;
    const kw = new Int32Array(size);
    const end = new Int32Array(size);
    kw.set(kwOld);
    end.set(endOld);
    if (buf === 0) {
      this.hitKeyword = kw;
      this.hitEnd = end;
    } else {
      this.bKeyword = kw;
      this.bEnd = end;
    }
  }

  /** All hits as an array (tests and tools; the scanner uses the callback form). */
  find(text: string): KeywordHit[] {
    const out: KeywordHit[] = [];
    this.scan(text, (keyword, start, end) => out.push({ keyword, start, end }));
    return out;
  }
}

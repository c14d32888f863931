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
   * A long text is cut in four quarters walked in the same loop: the automaton is latency-bound
   * (each step waits for the previous state's table read), and independent chains let the CPU
   * overlap them. Two chains gave ~1.4x over one; four gave another ~1.1-1.15x on the pass alone
   * (bench corpora, one- and two-byte), both measured. Each walk after the first starts
   * `maxLength - 1` units before its quarter so that it sees every keyword ending in it, and
   * records only those.
   */
  collect(text: string): number {
    const n = text.length;
    if (n < 1024) return this.collectOne(text);
    const { delta, firstOut } = this;
    const back = this.maxLength - 1;
    // Quarter q covers [m_q, m_(q+1)); its walk starts at f_q = m_q - back.
    const m1 = n >> 2;
    const m2 = n >> 1;
    const m3 = m2 + m1;
    let i0 = 0;
    let i1 = Math.max(0, m1 - back);
    let i2 = Math.max(0, m2 - back);
    let i3 = Math.max(0, m3 - back);
    let s0 = this.start;
    let s1 = this.start;
    let s2 = this.start;
    let s3 = this.start;
    let c0 = 0;
    let c1 = 0;
    let c2 = 0;
    let c3 = 0;
    // All four walks while the shortest lasts, then the rest of each on its own.
    const steps = Math.min(m1 - i0, m2 - i1, m3 - i2, n - i3);
    for (let k = 0; k < steps; k++, i0++, i1++, i2++, i3++) {
      s0 = delta[(s0 << 7) | (text.charCodeAt(i0) & 127)]!;
      s1 = delta[(s1 << 7) | (text.charCodeAt(i1) & 127)]!;
      s2 = delta[(s2 << 7) | (text.charCodeAt(i2) & 127)]!;
      s3 = delta[(s3 << 7) | (text.charCodeAt(i3) & 127)]!;
      if (s0 >= firstOut) c0 = this.record(0, c0, s0, i0 + 1);
      if (s1 >= firstOut && i1 >= m1) c1 = this.record(1, c1, s1, i1 + 1);
      if (s2 >= firstOut && i2 >= m2) c2 = this.record(2, c2, s2, i2 + 1);
      if (s3 >= firstOut && i3 >= m3) c3 = this.record(3, c3, s3, i3 + 1);
    }
    for (; i0 < m1; i0++) {
      s0 = delta[(s0 << 7) | (text.charCodeAt(i0) & 127)]!;
      if (s0 >= firstOut) c0 = this.record(0, c0, s0, i0 + 1);
    }
    for (; i1 < m2; i1++) {
      s1 = delta[(s1 << 7) | (text.charCodeAt(i1) & 127)]!;
      if (s1 >= firstOut && i1 >= m1) c1 = this.record(1, c1, s1, i1 + 1);
    }
    for (; i2 < m3; i2++) {
      s2 = delta[(s2 << 7) | (text.charCodeAt(i2) & 127)]!;
      if (s2 >= firstOut && i2 >= m2) c2 = this.record(2, c2, s2, i2 + 1);
    }
    for (; i3 < n; i3++) {
      s3 = delta[(s3 << 7) | (text.charCodeAt(i3) & 127)]!;
      if (s3 >= firstOut && i3 >= m3) c3 = this.record(3, c3, s3, i3 + 1);
    }
    // Quarters 1–3 were recorded apart; append them in order.
    const total = c0 + c1 + c2 + c3;
    if (total > c0) {
      if (total > this.hitEnd.length) this.grow(0, total);
      this.append(1, c1, c0);
      this.append(2, c2, c0 + c1);
      this.append(3, c3, c0 + c1 + c2);
    }
    return total;
  }

  /** Copies the first `count` hits of quarter q's buffer to hit* at `at`. */
  private append(q: number, count: number, at: number): void {
    if (count === 0) return;
    this.hitKeyword.set(this.qKeyword[q - 1]!.subarray(0, count), at);
    this.hitEnd.set(this.qEnd[q - 1]!.subarray(0, count), at);
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

  /** Appends the keywords ending in state `s` at `end` to buffer q: hit* (0) or quarter q's own. */
  private record(q: number, count: number, s: number, end: number): number {
    const o = this.outStart[s]!;
    const m = this.outList[o]!;
    if (count + m > (q === 0 ? this.hitEnd : this.qEnd[q - 1]!).length) this.grow(q, count + m);
    const kw = q === 0 ? this.hitKeyword : this.qKeyword[q - 1]!;
    const ends = q === 0 ? this.hitEnd : this.qEnd[q - 1]!;
    for (let j = 1; j <= m; j++) {
      kw[count] = this.outList[o + j]!;
      ends[count++] = end;
    }
    return count;
  }

  /** Keyword index and end offset of each hit of the last `collect` (start = end - keywordLength). */
  hitKeyword: Int32Array = new Int32Array(256);
  hitEnd: Int32Array = new Int32Array(256);
  /** Hits of quarters 1–3 of a long text, appended to hit* at the end of `collect`. */
  private readonly qKeyword: Int32Array[] = [new Int32Array(256), new Int32Array(256), new Int32Array(256)];
  private readonly qEnd: Int32Array[] = [new Int32Array(256), new Int32Array(256), new Int32Array(256)];

  keywordLength(k: number): number {
    return this.lengths[k]!;
  }

  private grow(q: number, min: number): void {
    const kwOld = q === 0 ? this.hitKeyword : this.qKeyword[q - 1]!;
    const endOld = q === 0 ? this.hitEnd : this.qEnd[q - 1]!;
    let size = endOld.length * 2;
    while (size < min) size *= 2;
    const kw = new Int32Array(size);
    const end = new Int32Array(size);
    kw.set(kwOld);
    end.set(endOld);
    if (q === 0) {
      this.hitKeyword = kw;
      this.hitEnd = end;
    } else {
      this.qKeyword[q - 1] = kw;
      this.qEnd[q - 1] = end;
    }
  }

  /** All hits as an array (tests and tools; the scanner uses the callback form). */
  find(text: string): KeywordHit[] {
    const out: KeywordHit[] = [];
    this.scan(text, (keyword, start, end) => out.push({ keyword, start, end }));
    return out;
  }
}

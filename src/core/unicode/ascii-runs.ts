// Where a text leaves ASCII: the runs of non-ASCII code units, found once per text and shared by
// the detectors that only care about non-ASCII characters (hidden-chars, confusables).
//
// Performance notes (measured on this project's bench, bench/engine.ts):
// - One single-range class (`[^\x00-\x7F]+`) is the fastest way irregexp has to find them: on
//   two-byte strings a class of ~25 ranges (the hidden-character candidates) scanned 5-15x slower
//   than this, and a JS charCodeAt loop 2-4x slower. Claude Code prompts are two-byte strings that
//   hold ~1 non-ASCII character per 1,000, so the scan is almost all of the cost.
// - `test` + `lastIndex` instead of `exec`: no match array per run; the run start is found by
//   walking back over the (short) run.
// - Pure ASCII is recognised first with TextEncoder.encodeInto, a SIMD copy in V8: ~14 GB/s on
//   one-byte strings against ~1.8 GB/s for the regex search (measured, 20 MB).
// - The engine keeps the runs in its per-segment memo, so the second detector's call is free.

const RUN = /[^\x00-\x7F]+/g;
/** Non-global twin for the first look: measured ~1.5x faster than the global one on pure ASCII. */
const FIRST = /[^\x00-\x7F]/;

const encoder = new TextEncoder();
let scratch = new Uint8Array(4096);

// Between these lengths the copy beats the regex: it has a fixed cost (~0.3 µs), and a huge text
// would pin a huge scratch buffer.
const COPY_MIN = 1024;
const COPY_MAX = 1 << 22;

/** True when every code unit is ASCII (then, and only then, UTF-8 needs one byte per unit). */
export function isAscii(text: string): boolean {
  const n = text.length;
  if (n <= COPY_MIN || n > COPY_MAX) return !FIRST.test(text);
  if (scratch.length < n) scratch = new Uint8Array(Math.max(n, scratch.length * 2));
  const r = encoder.encodeInto(text, scratch.subarray(0, n));
  return r.read === n && r.written === n;
}

function compute(text: string): Int32Array | null {
  // A long text with a non-ASCII unit in its first 256 (a two-byte prompt usually has one) goes
  // straight to the runs, without the copy.
  if ((text.length <= COPY_MIN || !FIRST.test(text.slice(0, 256))) && isAscii(text)) return null;
  const first = text.search(FIRST);
  if (first === -1) return null;
  RUN.lastIndex = first;
  RUN.test(text);
  let out = new Int32Array(16);
  let n = 0;
  do {
    const end = RUN.lastIndex;
    let start = end - 1;
    while (start > 0 && text.charCodeAt(start - 1) > 0x7f) start--;
    if (n + 2 > out.length) {
      const grown = new Int32Array(out.length * 4);
      grown.set(out);
      out = grown;
    }
    out[n++] = start;
    out[n++] = end;
  } while (RUN.test(text));
  return out.subarray(0, n);
}

/**
 * Runs of non-ASCII UTF-16 code units, as [start0, end0, start1, end1, …] (ascending, maximal, so
 * runs never touch), or null for pure ASCII. Callers must not modify the array.
 */
export function nonAsciiRuns(text: string, memo?: { nonAscii?: Int32Array | null }): Int32Array | null {
  if (memo === undefined) return compute(text);
  if (memo.nonAscii === undefined) memo.nonAscii = compute(text);
  return memo.nonAscii;
}

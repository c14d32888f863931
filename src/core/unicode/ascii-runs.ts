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
//   one-byte strings against ~1.8 GB/s for the regex search (measured, 20 MB). The copy goes in
//   chunks of growing size, so a text that leaves ASCII early (a two-byte prompt) stops after
//   a few kB instead of encoding the whole of it for nothing; the search then starts at the chunk
//   that failed, everything before it being ASCII.
// - The engine keeps the runs in its per-segment memo, so the second detector's call is free.
// - With the native addon (native/runs.cc, handed in by core/detect/native.ts), texts of 512
//   units or more go there instead: copied out as UTF-16 and skipped eight units at a time. On a
//   15 kB two-byte prompt 3-5 µs against 11-18 µs for the copy check alone and ~17 µs for the
//   regex; on pure ASCII one-byte text about as fast as the copy check (4 µs against 3). Same runs
//   (test/unicode/ascii-runs.test.ts).

const RUN = /[^\x00-\x7F]+/g;
/** Non-global twin for the first look: measured ~1.5x faster than the global one on pure ASCII. */
const FIRST = /[^\x00-\x7F]/;

/** The addon's scan (null: none, or turned off); see useNativeRuns. */
let nativeRuns: ((text: string) => Int32Array | null) | null = null;

/** Hands over the addon's `runs` (core/detect/native.ts); null removes it. */
export function useNativeRuns(fn: ((text: string) => Int32Array | null) | null): void {
  nativeRuns = fn;
}

/** Texts shorter than this keep the JavaScript scan: the call has a fixed cost. */
const NATIVE_MIN = 512;

const encoder = new TextEncoder();
let scratch = new Uint8Array(4096);

// Between these lengths the copy beats the regex: it has a fixed cost (~0.3 µs), and a huge text
// would pin a huge scratch buffer.
const COPY_MIN = 1024;
const COPY_MAX = 1 << 22;

/**
 * Length of the longest prefix known to be ASCII, in whole chunks (16 Ki units, then 4x larger each):
 * text.length when all of it is. A chunk is ASCII exactly when its UTF-8 form has one byte per
 * unit; a non-ASCII unit (lone surrogates included) needs two or more, so it overflows the
 * buffer or shows in `written`. Callers keep to COPY_MIN < length <= COPY_MAX.
 */
function asciiPrefix(text: string): number {
  const n = text.length;
  if (scratch.length < n) scratch = new Uint8Array(Math.max(n, scratch.length * 2));
  for (let at = 0, size = 16 * COPY_MIN; at < n; at += size, size *= 4) {
    const len = Math.min(size, n - at);
    const r = encoder.encodeInto(len === n ? text : text.slice(at, at + len), scratch.subarray(0, len));
    if (r.read !== len || r.written !== len) return at;
  }
  return n;
}

/** True when every code unit is ASCII (then, and only then, UTF-8 needs one byte per unit). */
export function isAscii(text: string): boolean {
  const n = text.length;
  if (n <= COPY_MIN || n > COPY_MAX) return !FIRST.test(text);
  return asciiPrefix(text) === n;
}

function compute(text: string): Int32Array | null {
  const n = text.length;
  if (nativeRuns !== null && n >= NATIVE_MIN) return nativeRuns(text);
  let from: number;
  // A long text with a non-ASCII unit in its first 256 (a two-byte prompt usually has one) goes
  // straight to the runs, without the copy.
  if (n > COPY_MIN && n <= COPY_MAX && !FIRST.test(text.slice(0, 256))) {
    from = asciiPrefix(text);
    if (from === n) return null;
  } else {
    from = text.search(FIRST);
    if (from === -1) return null;
  }
  RUN.lastIndex = from;
  if (!RUN.test(text)) return null;
  let out = new Int32Array(16);
  let k = 0;
  do {
    const end = RUN.lastIndex;
    let start = end - 1;
    while (start > 0 && text.charCodeAt(start - 1) > 0x7f) start--;
    if (k + 2 > out.length) {
      const grown = new Int32Array(out.length * 4);
      grown.set(out);
      out = grown;
    }
    out[k++] = start;
    out[k++] = end;
  } while (RUN.test(text));
  return out.subarray(0, k);
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

// Shannon entropy in bits per character. Used to tell random credentials from words and
// identifiers in generic `key = value` assignments, where the format says nothing.

// ASCII counts without allocation (this runs on every generic candidate): per code unit, and the
// units in order of first appearance, so the sum runs in the order a Map would iterate (the same
// floating-point result).
const asciiCounts = new Int32Array(128);
const asciiOrder = new Int32Array(128);

export function shannon(s: string): number {
  const n = s.length;
  if (n === 0) return 0;
  let distinct = 0;
  let ascii = true;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128) {
      ascii = false;
      break;
    }
    if (asciiCounts[c]!++ === 0) asciiOrder[distinct++] = c;
  }
  let h = 0;
  if (ascii) {
    for (let k = 0; k < distinct; k++) {
      const p = asciiCounts[asciiOrder[k]!]! / n;
      h -= p * Math.log2(p);
    }
  }
  for (let k = 0; k < distinct; k++) asciiCounts[asciiOrder[k]!] = 0;
  if (ascii) return h;
  const counts = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  for (const k of counts.values()) {
    const p = k / n;
    h -= p * Math.log2(p);
  }
  return h;
}

/**
 * A length-aware threshold: a random 16-character string cannot exceed 4 bits/char, so a flat 3.5
 * would reject short random values and accept long low-entropy ones. Capped at `cap`.
 */
export function entropyFloor(length: number, cap = 3.5): number {
  if (length <= 1) return 0;
  return Math.min(cap, Math.log2(length) - 1.2);
}

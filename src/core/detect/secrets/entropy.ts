// Shannon entropy in bits per character. Used to tell random credentials from words and
// identifiers in generic `key = value` assignments, where the format says nothing.

export function shannon(s: string): number {
  const n = s.length;
  if (n === 0) return 0;
  // Strings here are short (< 1 kB); a Map is simpler than a code-unit histogram and fast enough.
  const counts = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  let h = 0;
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

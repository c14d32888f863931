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

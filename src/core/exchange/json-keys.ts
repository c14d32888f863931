// Two properties of a request body that JSON.parse accepts and Airlock refuses.
// - A key repeated in one object. JSON.parse keeps the last value, and that is what Airlock
//   inspects and redacts; the bytes it forwards still hold the first, which a provider whose parser
//   keeps the first value would read: a secret there would go out unseen. Found without a second
//   parser: the keys written in the text, counted, against the keys of the parsed value.
// - Nesting deeper than MAX_DEPTH: no API body needs it, and the walks that segment a body recurse
//   once per level (a body nested 25,000 deep overflowed the stack and went uninspected).
// The native shape pass (native/json.cc) reports both on the bytes; this is the same check for a
// parsed text, used where that pass did not run or could not decide.
import { AirlockError } from '../errors.ts';

export const MAX_DEPTH = 512;

/** The number of object keys written in a valid JSON text: strings that a colon follows. */
export function keysWritten(text: string): number {
  let n = 0;
  const len = text.length;
  for (let i = text.indexOf('"'); i >= 0; ) {
    // The closing quote: the next one not escaped (an even run of backslashes before it).
    let j = text.indexOf('"', i + 1);
    for (;;) {
      let b = j - 1;
      while (text.charCodeAt(b) === 92) b--;
      if ((j - 1 - b) % 2 === 0) break;
      j = text.indexOf('"', j + 1);
    }
    let k = j + 1;
    for (let c = text.charCodeAt(k); k < len && (c === 32 || c === 9 || c === 10 || c === 13); c = text.charCodeAt(++k));
    if (text.charCodeAt(k) === 58) n++;
    i = text.indexOf('"', k);
  }
  return n;
}

/** The keys of every object in a parsed JSON value, and its depth of nesting (iterative). */
export function shapeOf(value: unknown): { keys: number; depth: number } {
  let keys = 0;
  let depth = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (d + 1 > depth) depth = d + 1;
    if (Array.isArray(v)) {
      for (const x of v) if (x !== null && typeof x === 'object') stack.push([x, d + 1]);
    } else {
      for (const k in v) {
        keys++;
        const x = (v as Record<string, unknown>)[k];
        if (x !== null && typeof x === 'object') stack.push([x, d + 1]);
      }
    }
  }
  return { keys, depth };
}

/** Throws the caller's 400 when the parsed `value` of `text` repeats a key or nests too deep. */
export function checkKeysAndDepth(text: string, value: unknown, what = 'The request body'): void {
  const s = shapeOf(value);
  if (s.depth > MAX_DEPTH) throw new AirlockError('AIRLOCK_ERR_BAD_REQUEST', `${what} nests arrays and objects deeper than ${MAX_DEPTH} levels.`);
  if (keysWritten(text) !== s.keys) {
    throw new AirlockError('AIRLOCK_ERR_BAD_JSON', `${what} has an object with the same key twice: Airlock cannot tell which value the provider would read, so it refuses it.`);
  }
}

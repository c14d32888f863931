// Finds where each string literal of a JSON text sits, so that redaction can patch exactly
// those bytes. Only run when a body must be changed: detection works on the parsed value.
import type { PathStep, Segment } from '../types.ts';
import { pathKey } from './path.ts';

export interface Literal {
  start: number; // offset of the opening quote
  end: number; // offset after the closing quote
}

/** Map from pathKey to the raw literal, for every string (value or key) in a valid JSON text. */
export function locateLiterals(raw: string): Map<string, Literal> {
  const out = new Map<string, Literal>();
  const path: PathStep[] = [];
  // Stack of containers: for arrays the next index, for objects -1.
  const stack: number[] = [];
  let i = 0;
  let pendingKey: string | null = null;
  const n = raw.length;
  const readString = (): number => {
    let j = i + 1;
    for (;;) {
      const c = raw.charCodeAt(j);
      if (c === 34) return j + 1;
      if (c === 92) j += 2;
      else j++;
      if (j >= n) throw new Error('unterminated string');
    }
  };
  const enterValue = (): void => {
    // Before a value inside an array, push its index.
    const top = stack.length > 0 ? stack[stack.length - 1]! : -2;
    if (top >= 0) {
      path.push(top);
      stack[stack.length - 1] = top + 1;
    } else if (top === -1 && pendingKey !== null) {
      path.push(pendingKey);
      pendingKey = null;
    }
  };
  const leaveValue = (): void => {
    if (stack.length > 0) path.pop();
  };
  let expectKey = false;
  while (i < n) {
    const c = raw.charCodeAt(i);
    if (c === 32 || c === 10 || c === 13 || c === 9 || c === 44 || c === 58) {
      if (c === 44 && stack.length > 0 && stack[stack.length - 1] === -1) expectKey = true;
      i++;
      continue;
    }
    if (c === 34) {
      const end = readString();
      if (expectKey) {
        const key = JSON.parse(raw.slice(i, end)) as string;
        out.set(pathKey([...path, key], true), { start: i, end });
        pendingKey = key;
        expectKey = false;
      } else {
        enterValue();
        out.set(pathKey(path), { start: i, end });
        leaveValue();
      }
      i = end;
      continue;
    }
    if (c === 123 || c === 91) {
      enterValue();
      stack.push(c === 123 ? -1 : 0);
      expectKey = c === 123;
      i++;
      continue;
    }
    if (c === 125 || c === 93) {
      stack.pop();
      leaveValue();
      expectKey = false;
      i++;
      continue;
    }
    // number, true, false, null
    enterValue();
    while (i < n) {
      const d = raw.charCodeAt(i);
      if (d === 44 || d === 125 || d === 93 || d === 32 || d === 10 || d === 13 || d === 9) break;
      i++;
    }
    leaveValue();
  }
  return out;
}

/**
 * Where the literal of each segment sits in `raw` (segments not found are missing from the map).
 * Segments are not changed: the gateway reuses them across requests (elements.ts).
 * Fast path, where every escape in the body is one JSON.stringify writes (canonicalEscapes; what
 * the JavaScript SDKs send): a value's JSON.stringify form found exactly once in the body is that
 * segment's literal. Anything else (keys, other escaping, a text that occurs twice) falls back to
 * one full scan of the body.
 */
export function locateSegments(raw: string, segments: readonly Segment[]): Map<Segment, Literal> {
  const out = new Map<Segment, Literal>();
  const rest: Segment[] = [];
  const fast = canonicalEscapes(raw);
  for (const s of segments) {
    if (fast && s.isKey !== true) {
      const lit = JSON.stringify(s.text);
      const at = raw.indexOf(lit);
      if (at >= 0 && raw.indexOf(lit, at + 1) < 0) {
        out.set(s, { start: at, end: at + lit.length });
        continue;
      }
    }
    rest.push(s);
  }
  if (rest.length === 0) return out;
  const map = locateLiterals(raw);
  for (const s of rest) {
    const lit = map.get(pathKey(s.path, s.isKey === true));
    if (lit !== undefined) out.set(s, lit);
  }
  return out;
}

/**
 * Maps an offset in the decoded string to an offset in the raw literal text (quotes included).
 * Escapes (\n, \uXXXX, surrogate pairs written as two escapes) take several raw characters.
 */
export function rawOffset(literal: string, decodedOffset: number): number {
  if (!literal.includes('\\')) return decodedOffset + 1;
  let d = 0;
  let j = 1;
  while (d < decodedOffset && j < literal.length - 1) {
    j += literal.charCodeAt(j) === 92 ? (literal.charCodeAt(j + 1) === 117 ? 6 : 2) : 1;
    d++;
  }
  return j;
}

/** Hex digits JSON.stringify writes after `\u00` (lower case), by byte; -1 for any other byte. */
const HEX = (c: number): number => (c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : -1);

/**
 * Whether every escape in [from, to) of a JSON text is one JSON.stringify writes: \" \\ \b \f \n
 * \r \t, and \u00xx (lower-case hex) for the other control characters. Then every string there
 * is written as JSON.stringify writes its value, and a value's literal can be found by searching
 * for that form. Where a string is escaped some other way (\u0070 for `p`, \/, a surrogate pair
 * as two escapes), its value's stringify form is not in the text, and a search may find another
 * string with the same value, or a key, in its place (redaction would then patch the wrong one and
 * forward the secret). Read on a string or on UTF-8 bytes: escapes are ASCII either way.
 */
export function canonicalEscapes(raw: string | Uint8Array, from = 0, to = raw.length): boolean {
  const str = typeof raw === 'string';
  const at = str ? (i: number): number => raw.charCodeAt(i) : (i: number): number => raw[i] ?? -1;
  for (let p = str ? raw.indexOf('\\', from) : raw.indexOf(92, from); p >= 0 && p < to; ) {
    const e = at(p + 1);
    let next = p + 2;
    // " \ b f n r t
    if (e !== 34 && e !== 92 && e !== 98 && e !== 102 && e !== 110 && e !== 114 && e !== 116) {
      if (e !== 117 || at(p + 2) !== 48 || at(p + 3) !== 48) return false;
      const hi = HEX(at(p + 4));
      const lo = HEX(at(p + 5));
      const v = hi * 16 + lo;
      // Control characters only, and not the five with a short escape.
      if (hi < 0 || hi > 1 || lo < 0 || v === 8 || v === 9 || v === 10 || v === 12 || v === 13) return false;
      next = p + 6;
    }
    p = str ? raw.indexOf('\\', next) : raw.indexOf(92, next);
  }
  return true;
}

// UTS #39 §4 skeleton: NFD → replace each code point by its confusables.txt prototype → NFD.
// Two strings are confusable when their skeletons are equal. The table (~6.5k entries) is decoded
// on first use so that importing core costs nothing for callers that never need it.
import { ASCII_LOOKALIKE_NAMES, CONFUSABLES_PACKED } from './confusables-data.ts';

let table: Map<number, string> | null = null;
let asciiNames: Map<number, string> | null = null;
let asciiSkeletons: Map<number, string> | null = null;

function load(): Map<number, string> {
  if (table) return table;
  const t = new Map<number, string>();
  for (const pair of CONFUSABLES_PACKED.split(';')) {
    const colon = pair.indexOf(':');
    const target = pair
      .slice(colon + 1)
      .split(' ')
      .map((h) => parseInt(h, 16));
    t.set(parseInt(pair.slice(0, colon), 16), String.fromCodePoint(...target));
  }
  table = t;
  return t;
}

function loadAsciiNames(): Map<number, string> {
  if (asciiNames) return asciiNames;
  const m = new Map<number, string>();
  const sk = new Map<number, string>();
  for (const item of ASCII_LOOKALIKE_NAMES.split(';')) {
    const eq = item.indexOf('=');
    const cp = parseInt(item.slice(0, eq), 16);
    m.set(cp, item.slice(eq + 1));
    sk.set(cp, skeleton(String.fromCodePoint(cp)));
  }
  asciiSkeletons = sk;
  asciiNames = m;
  return m;
}

/** The confusables.txt prototype of one code point, or undefined when it maps to itself. */
export function prototypeOf(cp: number): string | undefined {
  return load().get(cp);
}

/** UTS #39 skeleton(X). Never throws; lone surrogates pass through unchanged. */
export function skeleton(s: string): string {
  const t = load();
  let out = '';
  for (const ch of s.normalize('NFD')) {
    const mapped = t.get(ch.codePointAt(0) ?? 0);
    out += mapped ?? ch;
  }
  return out.normalize('NFD');
}

/**
 * True when a and b are visually confusable but not the same string: equal skeletons, different
 * code units. The covert-channel work uses it to tell a look-alike substitution from an edit.
 */
export function isConfusableVariant(a: string, b: string): boolean {
  return a !== b && skeleton(a) === skeleton(b);
}

/**
 * For a non-ASCII code point whose skeleton is plain ASCII: that skeleton (e.g. U+0430 → 'a').
 * Undefined for ASCII and for everything else. Every such code point is a confusables.txt source
 * (checked by the data test), so the name table doubles as the membership set.
 */
export function asciiLookalike(cp: number): string | undefined {
  if (cp < 0x80) return undefined;
  loadAsciiNames();
  return asciiSkeletons?.get(cp);
}

/** Unicode character name of an ASCII look-alike (from the data file's comments), or ''. */
export function lookalikeName(cp: number): string {
  return loadAsciiNames().get(cp) ?? '';
}

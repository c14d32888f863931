// Invisible and look-through characters: which code points the hidden-chars detector looks at,
// what kind each is, and its Unicode name for reviewer-facing details.

export type HiddenKind =
  | 'tag' // U+E0000–E007F: invisible ASCII twins, used to smuggle text
  | 'bidi' // embeddings, overrides, isolates (Trojan Source)
  | 'bidi-mark' // LRM, RLM, ALM: legitimate inside right-to-left text
  | 'zero-width' // ZWSP, word joiner, BOM not at start, Mongolian vowel separator
  | 'joiner' // ZWNJ, ZWJ: legitimate in emoji sequences and joining scripts
  | 'variation-selector'
  | 'hangul-filler'
  | 'filler' // other characters that render as nothing
  | 'space' // spaces other than U+0020
  | 'private-use';

const NAMES: Record<number, string> = {
  0x00a0: 'NO-BREAK SPACE', 0x00ad: 'SOFT HYPHEN', 0x034f: 'COMBINING GRAPHEME JOINER',
  0x061c: 'ARABIC LETTER MARK', 0x115f: 'HANGUL CHOSEONG FILLER', 0x1160: 'HANGUL JUNGSEONG FILLER',
  0x1680: 'OGHAM SPACE MARK', 0x17b4: 'KHMER VOWEL INHERENT AQ', 0x17b5: 'KHMER VOWEL INHERENT AA',
  0x180b: 'MONGOLIAN FREE VARIATION SELECTOR ONE', 0x180c: 'MONGOLIAN FREE VARIATION SELECTOR TWO',
  0x180d: 'MONGOLIAN FREE VARIATION SELECTOR THREE', 0x180e: 'MONGOLIAN VOWEL SEPARATOR',
  0x180f: 'MONGOLIAN FREE VARIATION SELECTOR FOUR',
  0x2000: 'EN QUAD', 0x2001: 'EM QUAD', 0x2002: 'EN SPACE', 0x2003: 'EM SPACE', 0x2004: 'THREE-PER-EM SPACE',
  0x2005: 'FOUR-PER-EM SPACE', 0x2006: 'SIX-PER-EM SPACE', 0x2007: 'FIGURE SPACE', 0x2008: 'PUNCTUATION SPACE',
  0x2009: 'THIN SPACE', 0x200a: 'HAIR SPACE', 0x200b: 'ZERO WIDTH SPACE', 0x200c: 'ZERO WIDTH NON-JOINER',
  0x200d: 'ZERO WIDTH JOINER', 0x200e: 'LEFT-TO-RIGHT MARK', 0x200f: 'RIGHT-TO-LEFT MARK',
  0x202a: 'LEFT-TO-RIGHT EMBEDDING', 0x202b: 'RIGHT-TO-LEFT EMBEDDING', 0x202c: 'POP DIRECTIONAL FORMATTING',
  0x202d: 'LEFT-TO-RIGHT OVERRIDE', 0x202e: 'RIGHT-TO-LEFT OVERRIDE', 0x202f: 'NARROW NO-BREAK SPACE',
  0x205f: 'MEDIUM MATHEMATICAL SPACE', 0x2060: 'WORD JOINER', 0x2061: 'FUNCTION APPLICATION',
  0x2062: 'INVISIBLE TIMES', 0x2063: 'INVISIBLE SEPARATOR', 0x2064: 'INVISIBLE PLUS',
  0x2066: 'LEFT-TO-RIGHT ISOLATE', 0x2067: 'RIGHT-TO-LEFT ISOLATE', 0x2068: 'FIRST STRONG ISOLATE',
  0x2069: 'POP DIRECTIONAL ISOLATE', 0x206a: 'INHIBIT SYMMETRIC SWAPPING', 0x206b: 'ACTIVATE SYMMETRIC SWAPPING',
  0x206c: 'INHIBIT ARABIC FORM SHAPING', 0x206d: 'ACTIVATE ARABIC FORM SHAPING', 0x206e: 'NATIONAL DIGIT SHAPES',
  0x206f: 'NOMINAL DIGIT SHAPES', 0x2800: 'BRAILLE PATTERN BLANK', 0x3000: 'IDEOGRAPHIC SPACE',
  0x3164: 'HANGUL FILLER', 0xfeff: 'ZERO WIDTH NO-BREAK SPACE', 0xffa0: 'HALFWIDTH HANGUL FILLER',
  0xfff9: 'INTERLINEAR ANNOTATION ANCHOR', 0xfffa: 'INTERLINEAR ANNOTATION SEPARATOR',
  0xfffb: 'INTERLINEAR ANNOTATION TERMINATOR', 0x1bca0: 'SHORTHAND FORMAT LETTER OVERLAP',
  0x1bca1: 'SHORTHAND FORMAT CONTINUING OVERLAP', 0x1bca2: 'SHORTHAND FORMAT DOWN STEP',
  0x1bca3: 'SHORTHAND FORMAT UP STEP', 0xe0001: 'LANGUAGE TAG', 0xe0020: 'TAG SPACE', 0xe007f: 'CANCEL TAG',
};

const MUSICAL = ['BEGIN BEAM', 'END BEAM', 'BEGIN TIE', 'END TIE', 'BEGIN SLUR', 'END SLUR', 'BEGIN PHRASE', 'END PHRASE'];

/** Unicode name of a code point this module knows, computed for the regular ranges; '' otherwise. */
export function invisibleName(cp: number): string {
  const fixed = NAMES[cp];
  if (fixed !== undefined) return fixed;
  if (cp >= 0xfe00 && cp <= 0xfe0f) return `VARIATION SELECTOR-${cp - 0xfe00 + 1}`;
  if (cp >= 0xe0100 && cp <= 0xe01ef) return `VARIATION SELECTOR-${cp - 0xe0100 + 17}`;
  if (cp >= 0xe0021 && cp <= 0xe007e) return `TAG ${JSON.stringify(String.fromCharCode(cp - 0xe0000))}`;
  if (cp >= 0x1d173 && cp <= 0x1d17a) return `MUSICAL SYMBOL ${MUSICAL[cp - 0x1d173] ?? ''}`;
  if (cp >= 0xe000 && cp <= 0xf8ff) return 'PRIVATE USE';
  if (cp >= 0xf0000 && cp <= 0x10fffd) return cp >= 0x100000 ? 'SUPPLEMENTARY PRIVATE USE AREA-B' : 'SUPPLEMENTARY PRIVATE USE AREA-A';
  return '';
}

/**
 * Every code point of interest, as one pattern. A text without any of these (the common case once
 * the detector's non-ASCII pre-check passes, e.g. Chinese or Russian prose) costs one regex scan.
 * NBSP (U+00A0) is deliberately absent: see the hidden-chars detector.
 */
export const HIDDEN_CANDIDATES =
  /[\u00AD\u034F\u061C\u115F\u1160\u1680\u17B4\u17B5\u180B-\u180F\u2000-\u200F\u202A-\u202F\u205F-\u206F\u2800\u3000\u3164\uE000-\uF8FF\uFE00-\uFE0F\uFEFF\uFFA0\uFFF9-\uFFFB\u{1BCA0}-\u{1BCA3}\u{1D173}-\u{1D17A}\u{E0000}-\u{E007F}\u{E0100}-\u{E01EF}\u{F0000}-\u{FFFFD}\u{100000}-\u{10FFFD}]+/gu;

export function hiddenKind(cp: number): HiddenKind | null {
  if (cp >= 0xe0000 && cp <= 0xe007f) return 'tag';
  if ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069)) return 'bidi';
  if (cp === 0x200e || cp === 0x200f || cp === 0x061c) return 'bidi-mark';
  if (cp === 0x200b || cp === 0x2060 || cp === 0xfeff || cp === 0x180e) return 'zero-width';
  if (cp === 0x200c || cp === 0x200d) return 'joiner';
  if ((cp >= 0xfe00 && cp <= 0xfe0f) || (cp >= 0xe0100 && cp <= 0xe01ef)) return 'variation-selector';
  if ((cp >= 0x180b && cp <= 0x180d) || cp === 0x180f) return 'variation-selector';
  if (cp === 0x115f || cp === 0x1160 || cp === 0x3164 || cp === 0xffa0) return 'hangul-filler';
  if ((cp >= 0x2000 && cp <= 0x200a) || cp === 0x202f || cp === 0x205f || cp === 0x3000 || cp === 0x1680) return 'space';
  if ((cp >= 0xe000 && cp <= 0xf8ff) || (cp >= 0xf0000 && cp <= 0x10fffd && (cp & 0xfffe) !== 0xfffe)) return 'private-use';
  if (
    cp === 0x00ad || cp === 0x034f || cp === 0x17b4 || cp === 0x17b5 || cp === 0x2800 ||
    (cp >= 0x2061 && cp <= 0x2065) || (cp >= 0x206a && cp <= 0x206f) || (cp >= 0xfff9 && cp <= 0xfffb) ||
    (cp >= 0x1bca0 && cp <= 0x1bca3) || (cp >= 0x1d173 && cp <= 0x1d17a)
  ) return 'filler';
  return null;
}

/** Byte value carried by a variation selector in "emoji smuggling" (VS1–16 → 0–15, VS17–256 → 16–255). */
export function variationSelectorByte(cp: number): number | null {
  if (cp >= 0xfe00 && cp <= 0xfe0f) return cp - 0xfe00;
  if (cp >= 0xe0100 && cp <= 0xe01ef) return cp - 0xe0100 + 16;
  return null;
}

/** The ASCII character a tag character mirrors (U+E0020–E007E), or null. */
export function tagAscii(cp: number): string | null {
  return cp >= 0xe0020 && cp <= 0xe007e ? String.fromCharCode(cp - 0xe0000) : null;
}

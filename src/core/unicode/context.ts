// Character-context predicates shared by the Unicode detectors: which neighbours make an invisible
// character legitimate (emoji sequences, joining scripts, CJK text). All single-code-point tests;
// the regexes use Unicode property escapes, so they follow the runtime's Unicode version.

const EMOJI = /\p{Emoji}/u;
const PICTO = /\p{Extended_Pictographic}/u;
const EMOJI_MODIFIER = /\p{Emoji_Modifier}/u;

/**
 * Scripts whose orthography uses ZWJ/ZWNJ to control joining or conjunct formation (Persian and
 * Urdu in Arabic script, Syriac, N'Ko, Mongolian, Indic and South-East Asian abugidas).
 * Script_Extensions so that shared marks (e.g. Devanagari danda, Arabic tatweel) count too.
 */
const JOINER_SCRIPT =
  /[\p{scx=Arabic}\p{scx=Syriac}\p{scx=Nko}\p{scx=Mongolian}\p{scx=Devanagari}\p{scx=Bengali}\p{scx=Gurmukhi}\p{scx=Gujarati}\p{scx=Oriya}\p{scx=Tamil}\p{scx=Telugu}\p{scx=Kannada}\p{scx=Malayalam}\p{scx=Sinhala}\p{scx=Khmer}\p{scx=Myanmar}\p{scx=Tibetan}\p{scx=Mandaic}\p{scx=Psalter_Pahlavi}\p{scx=Manichaean}]/u;

/** Scripts written without spaces between words, where ZWSP marks word/line-break opportunities. */
const SPACELESS_SCRIPT =
  /[\p{scx=Thai}\p{scx=Lao}\p{scx=Khmer}\p{scx=Myanmar}\p{scx=Tibetan}\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}\p{scx=Javanese}\p{scx=Balinese}\p{scx=Tai_Tham}\p{scx=New_Tai_Lue}]/u;

const CJK = /[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}\p{scx=Hangul}\p{scx=Bopomofo}\u3001-\u303F\uFF01-\uFF60]/u;

const RTL =
  /[\p{Script=Hebrew}\p{Script=Arabic}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}\p{Script=Samaritan}\p{Script=Mandaic}\p{Script=Adlam}\p{Script=Hanifi_Rohingya}\p{Script=Yezidi}]/u;

/** Variation sequences FE00–FE0D are standardized for Han compatibility ideographs, math symbols, Myanmar, Phags-pa and Egyptian. */
const TEXT_VS_BASE = /[\p{scx=Han}\p{Sm}\p{scx=Myanmar}\p{scx=Phags_Pa}\p{scx=Egyptian_Hieroglyphs}]/u;

const HAN = /\p{scx=Han}/u;
const MARK = /\p{M}/u;
const MONGOLIAN = /\p{scx=Mongolian}/u;

const one = (re: RegExp, cp: number): boolean => cp >= 0 && re.test(String.fromCodePoint(cp));

/** A code point that may carry an emoji presentation selector (includes 0-9, # and * for keycaps). */
export const isEmojiBase = (cp: number): boolean => one(EMOJI, cp);

/** May stand before a ZWJ in an emoji ZWJ sequence: a pictograph, a skin-tone modifier or VS16. */
export const isZwjLeft = (cp: number): boolean =>
  cp === 0xfe0f || one(PICTO, cp) || one(EMOJI_MODIFIER, cp);

/** May stand after a ZWJ in an emoji ZWJ sequence. */
export const isZwjRight = (cp: number): boolean => one(PICTO, cp);

export const isJoinerScript = (cp: number): boolean => one(JOINER_SCRIPT, cp);
/** A combining mark (e.g. a virama) of a joining script: ZWJ/ZWNJ after it selects a glyph form. */
export const isJoinerScriptMark = (cp: number): boolean => one(MARK, cp) && one(JOINER_SCRIPT, cp);
export const isSpacelessScript = (cp: number): boolean => one(SPACELESS_SCRIPT, cp);
export const isTextVariationBase = (cp: number): boolean => one(TEXT_VS_BASE, cp);
export const isHan = (cp: number): boolean => one(HAN, cp);
export const isMongolian = (cp: number): boolean => one(MONGOLIAN, cp);

/** Conjoining Hangul jamo (choseong/jungseong/jongseong and their extensions). */
export const isConjoiningJamo = (cp: number): boolean =>
  (cp >= 0x1100 && cp <= 0x11ff) || (cp >= 0xa960 && cp <= 0xa97f) || (cp >= 0xd7b0 && cp <= 0xd7ff);

export const hasCjk = (text: string): boolean => CJK.test(text);
export const hasRtl = (text: string): boolean => RTL.test(text);

/** Code point that ends just before UTF-16 offset i, or -1 at the start. */
export function cpBefore(text: string, i: number): number {
  if (i <= 0) return -1;
  const lo = text.charCodeAt(i - 1);
  if (lo >= 0xdc00 && lo <= 0xdfff && i >= 2) {
    const hi = text.charCodeAt(i - 2);
    if (hi >= 0xd800 && hi <= 0xdbff) return (hi - 0xd800) * 0x400 + (lo - 0xdc00) + 0x10000;
  }
  return lo;
}

/** Code point that starts at UTF-16 offset i, or -1 at the end. */
export function cpAt(text: string, i: number): number {
  return i < text.length ? (text.codePointAt(i) ?? -1) : -1;
}

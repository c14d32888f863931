// Where a typographic look-alike counts as code for the confusables detector: inside a Markdown
// code span or fence, in a code-like token, or on a code-like line. Each test is specified by a
// regex (kept here as the reference) and evaluated by hand, because irregexp runs these at every
// position of long two-byte texts; test/detect/confusables-code.test.ts checks that the hand-written
// form agrees with its regex.

/** ECMAScript `\s` (WhiteSpace and LineTerminator), without a regex or a one-character string. */
export function isJsSpace(c: number): boolean {
  if (c < 0x80) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

export const isAsciiAlnum = (c: number): boolean =>
  (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
/** Non-Unicode `\w`. */
const isWordUnit = (c: number): boolean => isAsciiAlnum(c) || c === 0x5f;
const isIdentStart = (c: number): boolean => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;
const isAsciiLetter = (c: number): boolean => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
const isDash = (c: number): boolean => (c >= 0x2010 && c <= 0x2015) || c === 0x2212;

/**
 * Code-ish token: assignment, statement end, braces, `_`, a call or index, a closing bracket
 * chained on (`f(x).y`, `a],b`, `))`; but `).` and `),` ending the token are a parenthesis closing
 * in prose: `Use voice (“Runs tests”).`), or a CLI flag whose
 * hyphen became a dash (`–la`, `—force`: the classic paste-from-a-word-processor bug). The
 * specification; isCodeLikeToken must agree with it exactly.
 */
export const CODE_LIKE = /[=;{}$`\\|<>_]|[A-Za-z0-9_][([]|[)\]](?:[;)]|[.,](?!$))|^[\u2010-\u2015\u2212]{1,2}[A-Za-z]/;

/** CODE_LIKE.test(text.slice(start, end)), without the slice. */
export function isCodeLikeToken(text: string, start: number, end: number): boolean {
  // ^[\u2010-\u2015\u2212]{1,2}[A-Za-z]
  if (start < end && isDash(text.charCodeAt(start))) {
    const b = start + 1 < end ? text.charCodeAt(start + 1) : -1;
    if (isAsciiLetter(b)) return true;
    if (isDash(b) && start + 2 < end && isAsciiLetter(text.charCodeAt(start + 2))) return true;
  }
  let prev = -1;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    switch (c) {
      case 0x3d: case 0x3b: case 0x7b: case 0x7d: case 0x24: case 0x60: case 0x5c: case 0x7c: case 0x3c: case 0x3e: case 0x5f:
        return true; // [=;{}$`\\|<>_]
      case 0x28: case 0x5b:
        if (isWordUnit(prev)) return true; // [A-Za-z0-9_][([]
        break;
      case 0x29: // (';' is taken above)
        if (prev === 0x29 || prev === 0x5d) return true; // [)\]][;)]
        break;
      case 0x2e: case 0x2c:
        if ((prev === 0x29 || prev === 0x5d) && i + 1 < end) return true; // [)\]][.,](?!$)
        break;
    }
    prev = c;
  }
  return false;
}

/** `[A-Za-z_]\w*` can end at `end` (exclusive): the `\w` run before it holds a letter or `_`. */
function identEndsAt(text: string, from: number, end: number): boolean {
  for (let k = end - 1; k >= from; k--) {
    const c = text.charCodeAt(k);
    if (!isWordUnit(c)) return false;
    if (isIdentStart(c)) return true;
  }
  return false;
}

/** `[A-Za-z_]\w*\s*` can end at `end`: whitespace back from `end`, then identEndsAt. */
function identSpaceEndsAt(text: string, from: number, end: number): boolean {
  let k = end;
  while (k > from && isJsSpace(text.charCodeAt(k - 1))) k--;
  return identEndsAt(text, from, k);
}

/** `\s*\S` matches at `at` within [at, to). */
function nonSpaceFrom(text: string, at: number, to: number): boolean {
  for (let k = at; k < to; k++) if (!isJsSpace(text.charCodeAt(k))) return true;
  return false;
}

/**
 * A line that reads as code: statement end, keyword start, assignment, arrow or call, i.e.
 *   /[{};]\s*$|^\s*(?:let|const|…|#include)\b|[A-Za-z_]\w*\s*(?:[-+*\/]?=|==|=>|->)\s*\S|[A-Za-z_]\w*\((?!\s)/
 * As one regex it dominated the detector's profile on long prose lines (irregexp tries all four
 * branches, and `\w*` backtracking, at every position), so isCodeLine evaluates the same
 * alternatives from the only places they can match: the line end, the line start, each `=`/`->`
 * and each `(`. The regex above is the specification; isCodeLine must agree with it exactly.
 */
const CODE_LINE_START = /^\s*(?:let|const|var|def|fn|func|return|import|from|export|if|elif|for|while|class|function|print|echo|#include)\b/;

export function isCodeLine(line: string): boolean {
  const text = line;
  const from = 0;
  const to = line.length;
  // [{};]\s*$
  let k = to;
  while (k > from && isJsSpace(text.charCodeAt(k - 1))) k--;
  if (k > from) {
    const c = text.charCodeAt(k - 1);
    if (c === 0x7b || c === 0x7d || c === 0x3b) return true;
  }
  // [A-Za-z_]\w*\s*(?:[-+*/]?=|==|=>|->)\s*\S ('==' and '=>' are covered by '=' then \S)
  for (let j = text.indexOf('=', from); j !== -1 && j < to; j = text.indexOf('=', j + 1)) {
    if (!nonSpaceFrom(text, j + 1, to)) break; // the same holds for every later '='
    if (identSpaceEndsAt(text, from, j)) return true;
    const p = j > from ? text.charCodeAt(j - 1) : 0;
    if ((p === 0x2d || p === 0x2b || p === 0x2a || p === 0x2f) && identSpaceEndsAt(text, from, j - 1)) return true;
  }
  for (let j = text.indexOf('->', from); j !== -1 && j + 1 < to; j = text.indexOf('->', j + 1)) {
    if (nonSpaceFrom(text, j + 2, to) && identSpaceEndsAt(text, from, j)) return true;
  }
  // [A-Za-z_]\w*\((?!\s)
  for (let j = text.indexOf('(', from); j !== -1 && j < to; j = text.indexOf('(', j + 1)) {
    if ((j + 1 >= to || !isJsSpace(text.charCodeAt(j + 1))) && identEndsAt(text, from, j)) return true;
  }
  // ^\s*(?:let|…)\b, only when the first non-space is a letter or '#'
  k = from;
  while (k < to && isJsSpace(text.charCodeAt(k))) k++;
  const c = k < to ? text.charCodeAt(k) : 0;
  return (c === 0x23 || (c >= 0x61 && c <= 0x7a)) && CODE_LINE_START.test(line);
}

/** Markdown code fences and spans, as matched by this regex (the specification of codeSpans). */
export const CODE_SPANS = /```[\s\S]*?(?:```|$)|`[^`\n]+`/g;

/**
 * The matches of CODE_SPANS as [start, end) pairs, found from the backticks with indexOf: the
 * regex, run over a whole two-byte text to place a few quotes, cost as much as the rest of the
 * detector. A fence runs to the next "```" (or the end of the text); a span needs one or more
 * characters, none a backtick or newline, before its closing backtick. Where neither matches the
 * regex would retry at the next position, and the next place a match can start is the next backtick.
 */
export function codeSpans(text: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let nl = -1; // the first newline at or after the current span's content, once looked up
  let p = text.indexOf('`');
  while (p !== -1) {
    if (text.startsWith('```', p)) {
      const close = text.indexOf('```', p + 3);
      const end = close === -1 ? text.length : close + 3;
      out.push([p, end]);
      p = text.indexOf('`', end);
      continue;
    }
    const b = text.indexOf('`', p + 1);
    if (b === -1) break; // no closing backtick, and no later match can start
    if (b > p + 1) {
      if (nl !== -1 && nl <= p) nl = -1;
      if (nl === -1) nl = text.indexOf('\n', p + 1);
      if (nl === -1) nl = text.length;
      if (nl > b) {
        out.push([p, b + 1]);
        p = text.indexOf('`', b + 1);
        continue;
      }
    }
    p = b;
  }
  return out;
}

/**
 * The code spans of one text, found on the first question, asked with positions that mostly
 * ascend: a cursor walks forward over the spans, and a position behind it starts a binary search.
 */
export class CodeSpans {
  private spans: Array<[number, number]> | null = null;
  private at = 0; // index of the first span that may hold the last position asked about
  constructor(private readonly text: string) {}

  has(pos: number): boolean {
    const spans = (this.spans ??= codeSpans(this.text));
    let k = this.at;
    if (k > 0 && pos < spans[k - 1]![1]) k = firstEndingAfter(spans, pos);
    while (k < spans.length && spans[k]![1] <= pos) k++;
    this.at = k;
    return k < spans.length && spans[k]![0] <= pos;
  }

  /** The span holding pos ([start, end)), or undefined. */
  spanAt(pos: number): readonly [number, number] | undefined {
    return this.has(pos) ? this.spans![this.at] : undefined;
  }
}

/** Index of the first span whose end is beyond pos (spans sorted and disjoint). */
function firstEndingAfter(spans: ReadonlyArray<[number, number]>, pos: number): number {
  let lo = 0;
  let hi = spans.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (spans[mid]![1] <= pos) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

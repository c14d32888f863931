// Values written over more than one line. A rule matches within one line, so a secret split in
// three ways used to be reported up to the break only, and its rest went out unredacted:
// - a `\` line continuation inside the value (`export TOKEN=abc…\⏎def…`, `"abc…\⏎def…"` in a
//   string literal): the shell and the string literals of C-like languages and Python join the
//   parts, so the finding is extended over the break to the value's real end;
// - string concatenation (`"abc…" +⏎ "def…"`, Python's `"abc…" \⏎ "def…"` and implicit
//   `("abc…"⏎ "def…")`, PHP `.`, Lua `..`, VB `& _`): each further literal is reported as a
//   finding of the same rule (the quotes and the operator between them stay code);
// - a hard wrap (a terminal or an editor breaking a long line, no mark at all): only after a
//   value of free length (`SecretRule.wraps`: generic assignments, Authorization headers, JWTs)
//   that runs to the end of a line at least MIN_WRAP_WIDTH long, and only a next line that is
//   nothing but a piece of a token (no `=` but padding, so `PORT=8080` is not one).
// A rest must look like a piece of a random value (restLike): a digit, or both cases and some
// length; never a placeholder or an identifier. Runs only on the hits of a scan, never over a text.
import type { Hit } from '../types.ts';
import { isPlaceholder } from './placeholder.ts';
import { isIdentifier } from './rules/generic.ts';

/** What the continuation needs to know of a hit besides its span (the scanner's candidates). */
export interface WrapHit extends Hit {
  /** The rule's value has no fixed length (SecretRule.wraps). */
  wraps: boolean;
}

/** A value is not followed over more lines than this. */
const MAX_PARTS = 8;
/** A line shorter than this was not broken by a terminal or an editor. */
const MIN_WRAP_WIDTH = 40;

const isQuote = (c: number): boolean => c === 0x22 || c === 0x27 || c === 0x60;

/** [A-Za-z0-9_+/=.~!@#$%^*?:-]: what a part after a break may hold (no quote, space, brace or bracket). */
function isRestUnit(c: number): boolean {
  if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39)) return true;
  switch (c) {
    case 0x5f: case 0x2b: case 0x2f: case 0x3d: case 0x2e: case 0x7e: case 0x21: case 0x40:
    case 0x23: case 0x24: case 0x25: case 0x5e: case 0x2a: case 0x3f: case 0x3a: case 0x2d:
      return true;
    default:
      return false;
  }
}

/** What ends an unquoted value (VALUE_END in build.ts): space, quote, `;,)}]<>&|`, a `\`. */
const isValueEndUnit = (c: number): boolean =>
  c === 0x20 || (c >= 0x09 && c <= 0x0d) || isQuote(c) || c === 0x3b || c === 0x2c || c === 0x29 || c === 0x7d || c === 0x5d ||
  c === 0x3c || c === 0x3e || c === 0x26 || c === 0x7c || c === 0x5c;

/** A hard-wrapped line: token characters, `=` only as padding at its end. */
const WRAPPED_LINE = /^[A-Za-z0-9+/_-]+=*$/;

/**
 * Between two quoted parts of one value, after the first's closing quote: an operator (`+`, `.`,
 * `..`, `&`, VB's `& _`) on either side of an optional line break (or `\`-newline), Python's `\`-newline, or a bare
 * line break (implicit concatenation). Spaces alone (`cmd "a" "b"`: two arguments) are not one.
 */
const JOIN = /[ \t]*(?:(?:\+|\.\.?|&)[ \t]*(?:_[ \t]*)?(?:\\?\r?\n[ \t]*)?|\\\r?\n[ \t]*|\r?\n[ \t]*(?:(?:\+|\.\.?|&)[ \t]*)?)/y;

/** Looks like a piece of a random value, not a word, a name or a placeholder. */
function restLike(v: string): boolean {
  if (isPlaceholder(v) || isIdentifier(v)) return false;
  let digit = false;
  let lower = false;
  let upper = false;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) digit = true;
    else if (c >= 0x61 && c <= 0x7a) lower = true;
    else if (c >= 0x41 && c <= 0x5a) upper = true;
  }
  return digit || (v.length >= 6 && lower && upper);
}

/** The position after a line break at i (`\n` or `\r\n`), or -1. */
function afterBreak(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c === 0x0a) return i + 1;
  return c === 0x0d && text.charCodeAt(i + 1) === 0x0a ? i + 2 : -1;
}

/** End of a value continued past `\`-newline (quote: its opening quote, 0 unquoted); `end` when it is not. */
function escapedEnd(text: string, end: number, quote: number, limit: number): number {
  for (let parts = 1; parts < MAX_PARTS; parts++) {
    // The backslash is the value's last unit (a password may hold one) or the next.
    const bs = text.charCodeAt(end - 1) === 0x5c ? end - 1 : text.charCodeAt(end) === 0x5c ? end : -1;
    const p = bs < 0 ? -1 : afterBreak(text, bs + 1);
    if (p < 0) break;
    let r = p;
    while (r < text.length && isRestUnit(text.charCodeAt(r))) r++;
    // The part runs to the value's end: its closing quote, or (unquoted) a space, punctuation, the
    // end of the text; or to another `\`-newline.
    const c = text.charCodeAt(r);
    const ends = c === 0x5c || (quote !== 0 ? c === quote : r === text.length || isValueEndUnit(c));
    if (r === p || !ends || r > limit || !restLike(text.slice(p, r))) break;
    end = r;
  }
  return end;
}

/** End of a free-length value whose rest a hard wrap put on the next lines; `end` when none. */
function hardWrappedEnd(text: string, start: number, end: number, limit: number): number {
  let from = afterBreak(text, end);
  if (from < 0) return end;
  const width = end - (text.lastIndexOf('\n', start - 1) + 1);
  if (width < MIN_WRAP_WIDTH) return end;
  for (let parts = 1; parts < MAX_PARTS; parts++) {
    const nl = text.indexOf('\n', from);
    const lineEnd = nl < 0 ? text.length : text.charCodeAt(nl - 1) === 0x0d ? nl - 1 : nl;
    const line = text.slice(from, lineEnd);
    // A wrapped line is never longer than the first; only a full one can be followed by more.
    if (line.length === 0 || line.length > width || lineEnd > limit || !WRAPPED_LINE.test(line) || !restLike(line)) break;
    end = lineEnd;
    if (line.length < width || nl < 0) break;
    from = nl + 1;
  }
  return end;
}

/** The further literals concatenated to a quoted value ending at `end` (its closing quote there). */
function concatenated<H extends WrapHit>(text: string, h: H, quote: number, limit: number, allow: ((v: string) => boolean) | null, out: H[]): void {
  let at = h.end + 1;
  for (let parts = 1; parts < MAX_PARTS; parts++) {
    JOIN.lastIndex = at;
    const m = JOIN.exec(text);
    if (m === null) break;
    const p = at + m[0].length + 1;
    if (text.charCodeAt(p - 1) !== quote) break;
    // No `:` (a URL), and not a flag or a path first: in a shell, `"…" \⏎ "…"` is two words.
    const first = text.charCodeAt(p);
    if (first === 0x2d || first === 0x2f || first === 0x2e) break;
    let r = p;
    while (r < text.length && isRestUnit(text.charCodeAt(r)) && text.charCodeAt(r) !== 0x3a) r++;
    if (r === p || text.charCodeAt(r) !== quote || r > limit) break;
    const v = text.slice(p, r);
    if (!restLike(v) || (allow !== null && allow(v))) break;
    out.push({ ...h, start: p, end: r });
    at = r + 1;
  }
}

/**
 * Follows each hit (sorted, not overlapping) over the breaks above: extends its end, or adds the
 * further parts as hits of the same rule. Never into the next hit. Returns the hits, sorted.
 */
export function followWrapped<H extends WrapHit>(text: string, hits: H[], allow: ((v: string) => boolean) | null): H[] {
  let extra: H[] | null = null;
  for (let i = 0; i < hits.length; i++) {
    const h = hits[i]!;
    const limit = i + 1 < hits.length ? hits[i + 1]!.start : text.length;
    const open = text.charCodeAt(h.start - 1);
    const quote = isQuote(open) ? open : 0;
    if (quote !== 0 && text.charCodeAt(h.end) === quote) {
      concatenated(text, h, quote, limit, allow, (extra ??= []));
      continue;
    }
    const end = escapedEnd(text, h.end, quote, limit);
    h.end = end > h.end ? end : h.wraps && quote === 0 ? hardWrappedEnd(text, h.start, h.end, limit) : h.end;
  }
  if (extra === null || extra.length === 0) return hits;
  return [...hits, ...extra].sort((a, b) => a.start - b.start);
}

// confusables: characters that look like ASCII but are not, inside otherwise-ASCII text (UTS #39
// skeletons over Unicode's confusables.txt). Catches homograph tricks ("pаypal" with Cyrillic а),
// fullwidth or mathematical look-alike words, and typographic quotes/dashes smuggled into code.
//
// The unit is a token: a maximal run of non-whitespace. A non-ASCII character is a candidate when
// its skeleton is plain ASCII. Rules:
// - homoglyph: a candidate letter/digit in a token whose other letters are Latin (ASCII or accented),
//   i.e. a mixed-script word. Tokens holding any other non-Latin letter (Russian, Greek, CJK words)
//   are real text and skipped whole.
// - homoglyph-word: a token of ≥3 look-alike letters and no Latin letter ("ｐａｙｐａｌ", "рорсорн"),
//   reported only when the text has no genuine non-Latin letters anywhere (i.e. the context is ASCII).
// - lookalike-punctuation: a typographic candidate (’ “ – − ： …) only inside code: a Markdown code
//   span/fence, a code-like token (=, ;, braces, `_`, call parentheses …) or a code-like line
//   (statement end, keyword start, assignment, call). Curly quotes and dashes in prose are
//   typography, not an attack. Non-typographic look-alike punctuation (Greek question mark for ';')
//   is reported whenever it is attached to an ASCII word.
// Latin-1 Supplement and Latin Extended-A letters (æ œ þ ı ĳ ſ …) are never reported: they are the
// ordinary orthography of European languages and Turkish, even though their skeletons are ASCII.
import type { Severity } from '../../types.ts';
import type { DetectContext, Detector, Hit } from '../types.ts';
import { asciiLabel, label } from '../../unicode/names.ts';
import { asciiLookalike } from '../../unicode/skeleton.ts';
import { nonAsciiRuns } from '../../unicode/ascii-runs.ts';

const WS = /\s/;
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
const LATIN = /\p{scx=Latin}/u;
const PUNCT_LIKE = /[\p{P}\p{S}\p{Lm}]/u;
const LATIN_OR_COMMON = /[\p{scx=Latin}\p{scx=Common}]/u;
/**
 * Typography that prose uses every day: dashes, curly quotes, primes, ellipsis, ×, modifier
 * apostrophes, CJK and fullwidth punctuation. Reported only inside code. Other look-alike
 * punctuation (Greek question mark for ';', Armenian full stop for ':', ratio for ':') is not
 * typography and is reported whenever it sits in an ASCII token.
 */
const TYPOGRAPHIC = /[\u00B4\u00B7\u00B8\u00D7\u02B9-\u02DD\u2010-\u2015\u2018-\u201F\u2022-\u2027\u2032-\u2037\u2039\u203A\u2044\u2212\u2215\u3001-\u303F\uFE30-\uFE6F\uFF01-\uFF0F\uFF1A-\uFF20\uFF3B-\uFF40\uFF5B-\uFF65]/;
// Code-ish token: assignment, statement end, braces, `_`, a call or index, or a CLI flag whose
// hyphen became a dash (`–la`, `—force`: the classic paste-from-a-word-processor bug).
const CODE_LIKE = /[=;{}$`\\|<>_]|[A-Za-z0-9_][([]|[)\]][.;,)]|^[\u2010-\u2015\u2212]{1,2}[A-Za-z]/;
/**
 * A line that reads as code: statement end, keyword start, assignment, arrow or call, i.e.
 *   /[{};]\s*$|^\s*(?:let|const|…|#include)\b|[A-Za-z_]\w*\s*(?:[-+*\/]?=|==|=>|->)\s*\S|[A-Za-z_]\w*\((?!\s)/
 * As one regex it dominated the detector's profile on long prose lines (irregexp tries all four
 * branches, and `\w*` backtracking, at every position), so isCodeLine evaluates the same
 * alternatives from the only places they can match: the line end, the line start, each `=`/`->`
 * and each `(`. The regex above is the specification; isCodeLine must agree with it exactly.
 */
const CODE_LINE_START = /^\s*(?:let|const|var|def|fn|func|return|import|from|export|if|elif|for|while|class|function|print|echo|#include)\b/;

/** ECMAScript `\s` (WhiteSpace and LineTerminator). */
function isJsSpace(c: number): boolean {
  if (c < 0x80) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}
/** Non-Unicode `\w`. */
const isWordUnit = (c: number): boolean => isAsciiAlnum(c) || c === 0x5f;
const isIdentStart = (c: number): boolean => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;

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

function isCodeLine(line: string): boolean {
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
const CODE_SPANS = /```[\s\S]*?(?:```|$)|`[^`\n]+`/g;
const MAX_LISTED = 4;
const STANDALONE_DASH = /^[\u2012-\u2015]+$/;

interface Candidate { cp: number; start: number; end: number; ascii: string; punct: 'typographic' | 'other' | null; foreignScript: boolean }
interface Found { rule: string; severity: Severity; confidence: number; items: Candidate[] }

const isAsciiAlnum = (c: number): boolean =>
  (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
const isSpace = (text: string, i: number): boolean => {
  const c = text.charCodeAt(i);
  return c === 0x20 || (c >= 0x09 && c <= 0x0d) || (c > 0x7f && WS.test(text[i] as string));
};
/** Latin-1 Supplement and Latin Extended-A: orthographic letters of European languages and Turkish. */
const isOrthographicLatin = (cp: number): boolean => cp >= 0xc0 && cp <= 0x17f;

/**
 * ASCII look-alike of a code point: its UTS #39 skeleton when that is ASCII, else the ASCII twin of
 * a fullwidth form (U+FF01–FF5E; confusables.txt lists only the fullwidth letters that chain
 * through Cyrillic, but all of them read as ASCII), else '--' for an em dash, which is what word
 * processors and chat clients turn "--" into (`rm —rf`). These two additions are the detector's,
 * not UTS #39's: skeleton() stays pure data.
 */
function lookalike(cp: number): string | undefined {
  const a = asciiLookalike(cp);
  if (a !== undefined) return a;
  if (cp >= 0xff01 && cp <= 0xff5e) return String.fromCharCode(cp - 0xfee0);
  return cp === 0x2014 ? '--' : undefined;
}

function codeSpans(text: string): Array<[number, number]> {
  if (!text.includes('`')) return [];
  return [...text.matchAll(CODE_SPANS)].map((m) => [m.index, m.index + m[0].length] as [number, number]);
}

/** pos inside one of the spans (sorted and disjoint: matches of one global regex), by binary search. */
function inSpans(spans: ReadonlyArray<[number, number]>, pos: number): boolean {
  let lo = 0;
  let hi = spans.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const [s, e] = spans[mid]!;
    if (pos < s) hi = mid - 1;
    else if (pos >= e) lo = mid + 1;
    else return true;
  }
  return false;
}

interface TokenScan { foreign: boolean; latinLetters: boolean; letters: number; candidates: Candidate[] }

/** What scanToken needs to know about a non-ASCII code point; a pure function of the code point. */
interface CpFacts { ascii: string | undefined; punct: 'typographic' | 'other' | null; foreignScript: boolean; letterOrDigit: boolean; latin: boolean }

/**
 * Memo of cpFacts: a handful of /u property regexes per character was most of the per-token cost,
 * and a text repeats the same few non-ASCII characters (dashes, quotes, arrows) over and over.
 * Bounded: every code point is one entry at most, and only code points seen in texts are stored.
 */
const FACTS = new Map<number, CpFacts>();

function cpFacts(cp: number): CpFacts {
  let f = FACTS.get(cp);
  if (f !== undefined) return f;
  const ch = String.fromCodePoint(cp);
  const ascii = isOrthographicLatin(cp) ? undefined : lookalike(cp);
  f = ascii !== undefined
    ? { ascii, punct: PUNCT_LIKE.test(ch) ? (TYPOGRAPHIC.test(ch) ? 'typographic' : 'other') : null, foreignScript: !LATIN_OR_COMMON.test(ch), letterOrDigit: false, latin: false }
    : { ascii, punct: null, foreignScript: false, letterOrDigit: LETTER_OR_DIGIT.test(ch), latin: LATIN.test(ch) };
  FACTS.set(cp, f);
  return f;
}

function scanToken(text: string, start: number, end: number): TokenScan {
  const scan: TokenScan = { foreign: false, latinLetters: false, letters: 0, candidates: [] };
  for (let i = start; i < end; ) {
    const cp = text.codePointAt(i) ?? 0;
    const next = i + (cp > 0xffff ? 2 : 1);
    if (cp < 0x80) {
      if (isAsciiAlnum(cp)) scan.latinLetters = true;
    } else {
      const f = cpFacts(cp);
      if (f.ascii !== undefined) {
        if (!f.punct) scan.letters++;
        scan.candidates.push({ cp, start: i, end: next, ascii: f.ascii, punct: f.punct, foreignScript: f.foreignScript });
      } else if (f.letterOrDigit) {
        if (!f.latin) {
          scan.foreign = true; // a genuine non-Latin letter: this token is real text
          return scan;
        }
        scan.latinLetters = true;
      }
    }
    i = next;
  }
  return scan;
}

function detail(items: readonly Candidate[]): string {
  const parts = items.slice(0, MAX_LISTED).map((c) => `${label(c.cp)} looks like ${asciiLabel(c.ascii)}`);
  if (items.length > MAX_LISTED) parts.push(`… (${items.length} characters)`);
  return parts.join('; ');
}

/** Group adjacent candidates into one finding each. */
function pushRuns(out: Found[], items: Candidate[], rule: string, severity: Severity, confidence: number): void {
  for (const c of items) {
    const last = out[out.length - 1];
    const tail = last?.items[last.items.length - 1];
    if (last && tail && last.rule === rule && last.severity === severity && tail.end === c.start) last.items.push(c);
    else out.push({ rule, severity, confidence, items: [c] });
  }
}

function findConfusables(text: string, runs: Int32Array): Hit[] {
  const found: Found[] = [];
  const wholeTokens: Candidate[][] = [];
  let foreignText = false;
  let spans: Array<[number, number]> | null = null;
  const lines = new Map<number, boolean>();
  const inCode = (pos: number): boolean => {
    if (inSpans((spans ??= codeSpans(text)), pos)) return true;
    const ls = text.lastIndexOf('\n', pos - 1) + 1;
    let known = lines.get(ls);
    if (known === undefined) {
      const le = text.indexOf('\n', pos);
      known = isCodeLine(text.slice(ls, le === -1 ? text.length : le));
      lines.set(ls, known);
    }
    return known;
  };

  // Every non-ASCII code unit in order (what a /[^\x00-\x7F]/g exec loop visits), from the runs
  // shared with hidden-chars; `skip` plays the role of the regex's lastIndex.
  let skip = 0;
  for (let r = 0; r < runs.length; r += 2) {
    const runEnd = runs[r + 1]!;
    for (let at = Math.max(runs[r]!, skip); at < runEnd; at = Math.max(at + 1, skip)) {
      if (isSpace(text, at)) continue;
      let start = at;
      while (start > 0 && !isSpace(text, start - 1)) start--;
      let end = at + 1;
      while (end < text.length && !isSpace(text, end)) end++;
      skip = end;
      // A dash standing alone between spaces is typography even in code spans and code-like
      // lines ("`- [Title](file.md) — hook`" in a real Claude Code prompt); a dash attached to a
      // word (`–la`, `—force`) is the paste bug and is still checked below.
      if (STANDALONE_DASH.test(text.slice(start, end))) continue;
      const scan = scanToken(text, start, end);
      if (scan.foreign) {
        foreignText = true;
        continue;
      }
      if (scan.candidates.length === 0) continue;
      const codeLike = CODE_LIKE.test(text.slice(start, end));
      const punct = scan.candidates.filter(
        (c) => c.punct !== null && (codeLike || inCode(c.start) || (c.punct === 'other' && scan.latinLetters)),
      );
      const letters = scan.candidates.filter((c) => c.punct === null);
      pushRuns(found, punct, 'lookalike-punctuation', 'medium', 0.8);
      if (letters.length === 0) continue;
      if (!scan.latinLetters) {
        if (scan.letters >= 3) wholeTokens.push(letters);
        continue;
      }
      // Another script's letter in a Latin word is the classic homograph; a compatibility form
      // (fullwidth, ligature, mathematical, IPA) of Latin is odd but less often an attack.
      pushRuns(found, letters.filter((c) => c.foreignScript), 'homoglyph', 'high', 0.9);
      pushRuns(found, letters.filter((c) => !c.foreignScript), 'homoglyph', 'medium', 0.8);
    }
  }
  if (!foreignText) for (const t of wholeTokens) pushRuns(found, t, 'homoglyph-word', 'medium', 0.7);

  return found
    .map((f): Hit => {
      const first = f.items[0] as Candidate;
      const last = f.items[f.items.length - 1] as Candidate;
      return { rule: f.rule, start: first.start, end: last.end, severity: f.severity, confidence: f.confidence, detail: detail(f.items), tags: ['obfuscation'] };
    })
    .sort((a, b) => a.start - b.start);
}

export const confusables: Detector = {
  id: 'confusables',
  description: 'Look-alike (UTS #39 confusable) characters hidden in otherwise-ASCII words and code',
  severity: 'high',
  rules: [
    { id: 'homoglyph', description: 'a look-alike letter (UTS #39 skeleton is ASCII) inside an ASCII word' },
    { id: 'homoglyph-word', description: 'a whole word of look-alike letters in ASCII text' },
    { id: 'lookalike-punctuation', description: 'look-alike punctuation in code, or non-typographic look-alikes next to ASCII' },
  ],
  detect(text: string, ctx: DetectContext): Hit[] {
    const runs = nonAsciiRuns(text, ctx.memo); // shared with hidden-chars: one scan per text
    if (runs === null) return []; // plain ASCII: nothing can look like ASCII without being it
    try {
      return findConfusables(text, runs);
    } catch {
      return [];
    }
  },
};

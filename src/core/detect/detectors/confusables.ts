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
//   typography, not an attack, and so are they inside the code's string literals, comments and
//   markup text (confusables/code-lexer.ts), and an ellipsis eliding arguments (`foo(…)`): only a
//   character standing for a code token changes how the code reads. Non-typographic look-alike
//   punctuation (Greek question mark for ';') is reported whenever it is attached to an ASCII word.
// A one-letter Cyrillic case ending on a Latin word in Cyrillic prose (`JSON-а`) is grammar.
// Latin-1 Supplement and Latin Extended-A letters (æ œ þ ı ĳ ſ …) are never reported: they are the
// ordinary orthography of European languages and Turkish, even though their skeletons are ASCII.
import type { Severity } from '../../types.ts';
import type { DetectContext, Detector, Hit } from '../types.ts';
import { asciiLabel, label } from '../../unicode/names.ts';
import { asciiLookalike } from '../../unicode/skeleton.ts';
import { nonAsciiRuns } from '../../unicode/ascii-runs.ts';
import { CodeSpans, isAsciiAlnum, isCodeLikeToken, isCodeLine, isJsSpace } from '../confusables/code-context.ts';
import { CodeLexer, isElision, isTemplateLiteral } from '../confusables/code-lexer.ts';
import { mayHoldUrlPunct, urlLookalikes, urlPunctLookalike } from '../confusables/url-context.ts';

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
const MAX_LISTED = 4;

interface Candidate { cp: number; start: number; end: number; ascii: string; punct: 'typographic' | 'other' | null; foreignScript: boolean }
interface Found { rule: string; severity: Severity; confidence: number; items: Candidate[] }

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

/**
 * What the scan does with a BMP code unit, from cpFacts (so a pure function of the unit), looked up
 * in a table filled on first sight: a text repeats the same few non-ASCII characters, and the
 * per-unit work must stay at a few nanoseconds for texts full of typography.
 * - PASS: never the reason for a finding: whitespace, or a unit with no ASCII look-alike that is not
 *   a non-Latin letter or digit (→ ✓ • © é ü). What it tells about its token (a Latin letter) only
 *   matters when the token holds a non-PASS unit too, and the token is scanned from that one.
 * - TYPO: typographic punctuation with an ASCII look-alike (’ “ ” – — …): reported only in code.
 * - SLOW: anything else (look-alike letters, other look-alike punctuation, non-Latin letters and
 *   digits, surrogates): the full token scan.
 */
const UNSEEN = 0;
const PASS = 1;
const TYPO = 2;
const SLOW = 3;
/** Otherwise PASS, but reads as URL punctuation (U+3002, U+FE52 …): its token is checked for a URL. */
const URLP = 4;
const UNIT_CLASS = new Uint8Array(0x10000);

function classify(c: number): number {
  if (c >= 0xd800 && c <= 0xdfff) return SLOW; // half of a code point: scanToken decodes it
  if (isJsSpace(c)) return PASS;
  const f = cpFacts(c);
  if (f.ascii !== undefined) return f.punct === 'typographic' ? TYPO : SLOW;
  if (f.letterOrDigit && !f.latin) return SLOW;
  return urlPunctLookalike(c) !== undefined ? URLP : PASS;
}

function unitClass(c: number): number {
  const k = UNIT_CLASS[c]!;
  return k !== UNSEEN ? k : (UNIT_CLASS[c] = classify(c));
}

/** The token holds no SLOW unit: then its only candidates are typographic punctuation. */
function typographicOnly(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x80 && unitClass(c) === SLOW) return false;
  }
  return true;
}

/** /^[\u2012-\u2015]+$/ on a (non-empty) token: a dash standing alone. */
function isStandaloneDash(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x2012 || c > 0x2015) return false;
  }
  return true;
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

/**
 * The "<character> looks like <ASCII>" part of a detail, by code point (its look-alike is a
 * function of it): a typography-heavy text reports the same few characters thousands of times.
 * Bounded by the code points that have an ASCII look-alike.
 */
const PAIR_LABELS = new Map<number, string>();

/**
 * Names of URL punctuation look-alikes that the shipped name tables (confusables.txt comments) do
 * not carry: fullwidth and small forms, and the IDNA full stops.
 */
const URL_PUNCT_NAMES: Record<number, string> = {
  0x3002: 'IDEOGRAPHIC FULL STOP',
  0xfe52: 'SMALL FULL STOP',
  0xfe55: 'SMALL COLON',
  0xfe6b: 'SMALL COMMERCIAL AT',
  0xff0e: 'FULLWIDTH FULL STOP',
  0xff0f: 'FULLWIDTH SOLIDUS',
  0xff20: 'FULLWIDTH COMMERCIAL AT',
  0xff61: 'HALFWIDTH IDEOGRAPHIC FULL STOP',
};

function cpLabel(cp: number): string {
  const l = label(cp);
  const name = l.includes(' ') ? undefined : URL_PUNCT_NAMES[cp];
  return name ? `${l} ${name}` : l;
}

function pairLabel(c: Candidate): string {
  let s = PAIR_LABELS.get(c.cp);
  if (s === undefined) PAIR_LABELS.set(c.cp, (s = `${cpLabel(c.cp)} looks like ${asciiLabel(c.ascii)}`));
  return s;
}

function detail(items: readonly Candidate[]): string {
  if (items.length === 1) return pairLabel(items[0]!);
  const parts = items.slice(0, MAX_LISTED).map(pairLabel);
  if (items.length > MAX_LISTED) parts.push(`… (${items.length} characters)`);
  return parts.join('; ');
}

/** Add one candidate, grouping adjacent candidates of the same rule into one finding. */
function pushOne(out: Found[], c: Candidate, rule: string, severity: Severity, confidence: number): void {
  const last = out[out.length - 1];
  const tail = last?.items[last.items.length - 1];
  if (last && tail && last.rule === rule && last.severity === severity && tail.end === c.start) last.items.push(c);
  else out.push({ rule, severity, confidence, items: [c] });
}

function pushRuns(out: Found[], items: Candidate[], rule: string, severity: Severity, confidence: number): void {
  for (const c of items) pushOne(out, c, rule, severity, confidence);
}

const isCyrillic = (cp: number): boolean => cp >= 0x400 && cp <= 0x4ff;
/** What may close a Latin word before the hyphen of a case ending: `JSON-а`, `"config"-а`, `` `main`-у ``. */
const isWordClose = (c: number): boolean => isAsciiAlnum(c) || c === 0x22 || c === 0x27 || c === 0x60 || c === 0xbb || c === 0x201d || c === 0x2019;
/** Look this far either side of a token for Russian (or other Cyrillic) prose. */
const PROSE_REACH = 80;

/**
 * Russian (Ukrainian, …) prose declines Latin words with a hyphenated ending, and the one-letter
 * ones are look-alikes: `JSON-а`, `main-у`, `"config"-а`. A token that is a Latin word, a hyphen
 * and one Cyrillic letter (then only punctuation), near genuine Cyrillic words, is grammar.
 */
function isCaseEnding(text: string, start: number, end: number, candidates: readonly Candidate[], letters: readonly Candidate[]): boolean {
  if (letters.length !== 1 || candidates.length !== 1) return false;
  const c = letters[0]!;
  if (!isCyrillic(c.cp) || c.start < start + 2 || text.charCodeAt(c.start - 1) !== 0x2d || !isWordClose(text.charCodeAt(c.start - 2))) return false;
  for (let i = c.end; i < end; i++) if (LETTER_OR_DIGIT.test(text[i]!)) return false;
  const from = Math.max(0, start - PROSE_REACH);
  const to = Math.min(text.length, end + PROSE_REACH);
  for (let i = from; i < to; i++) {
    const u = text.charCodeAt(i);
    if (isCyrillic(u) && (i < start || i >= end) && cpFacts(u).ascii === undefined && cpFacts(u).letterOrDigit) return true;
  }
  return false;
}

function findConfusables(text: string, runs: Int32Array): Hit[] {
  const found: Found[] = [];
  const wholeTokens: Candidate[][] = [];
  let foreignText = false;
  let spans: CodeSpans | null = null;
  // The line of the last position asked about, and whether it is code: positions come in
  // ascending order, so one line is asked about many times in a row and its ends are looked for
  // once. (Finding the next line forward from the last one with indexOf, hopping over the lines in
  // between, was measured slower than one lastIndexOf: code has many short lines.)
  let lineStart = 0;
  let lineEnd = -1;
  let lineIsCode = false;
  let lineKnown = false; // lineIsCode is computed for the current line
  const toLine = (pos: number): void => {
    if (pos >= lineStart && pos < lineEnd) return;
    lineStart = text.lastIndexOf('\n', pos - 1) + 1;
    const le = text.indexOf('\n', pos);
    lineEnd = le === -1 ? text.length : le;
    lineKnown = false;
  };
  const inCode = (pos: number): boolean => {
    if ((spans ??= new CodeSpans(text)).has(pos)) return true;
    toLine(pos);
    if (!lineKnown) {
      lineIsCode = isCodeLine(text.slice(lineStart, lineEnd));
      lineKnown = true;
    }
    return lineIsCode;
  };
  // A typographic candidate in code is reported only where it stands for a code token: not inside
  // a string literal, comment or markup text of its line (or code span), and not an elision.
  let lexer: CodeLexer | null = null;
  const live = (pos: number): boolean => {
    if (isElision(text, pos)) return false;
    toLine(pos);
    const sp = (spans ??= new CodeSpans(text)).spanAt(pos);
    let region = lineStart;
    if (sp !== undefined) {
      if (text.startsWith('```', sp[0])) region = Math.max(sp[0] + 3, lineStart);
      else if (!isTemplateLiteral(text, sp[0], sp[1])) region = sp[0] + 1;
    }
    return !(lexer ??= new CodeLexer(text)).inert(region, pos);
  };

  // Every non-ASCII code unit in order (what a /[^\x00-\x7F]/g exec loop visits), from the runs
  // shared with hidden-chars; `skip` plays the role of the regex's lastIndex.
  let skip = 0;
  for (let r = 0; r < runs.length; r += 2) {
    const runEnd = runs[r + 1]!;
    for (let at = Math.max(runs[r]!, skip); at < runEnd; at = Math.max(at + 1, skip)) {
      // A PASS unit is passed over without looking for its token: a token that matters holds a
      // TYPO or SLOW unit too, and is found from it (the same token, in the same order).
      if (unitClass(text.charCodeAt(at)) === PASS) continue;
      let start = at;
      while (start > 0 && !isJsSpace(text.charCodeAt(start - 1))) start--;
      let end = at + 1;
      while (end < text.length && !isJsSpace(text.charCodeAt(end))) end++;
      skip = end;
      // Look-alike `/ . : @` inside a URL, a host name or an e-mail address change where it goes:
      // reported in any context (prose, shell, Markdown links), and not again as punctuation below.
      let urlAt: Set<number> | null = null;
      if (mayHoldUrlPunct(text, start, end)) {
        const url = urlLookalikes(text, start, end);
        if (url.length > 0) {
          urlAt = new Set(url.map((u) => u.start));
          for (const u of url) pushOne(found, { ...u, punct: 'other', foreignScript: false }, 'lookalike-url', 'high', 0.9);
        }
      }
      // A dash standing alone between spaces is typography even in code spans and code-like
      // lines ("`- [Title](file.md) — hook`" in a real Claude Code prompt); a dash attached to a
      // word (`–la`, `—force`) is the paste bug and is still checked below.
      if (isStandaloneDash(text, start, end)) continue;
      if (typographicOnly(text, start, end)) {
        // What the full scan below concludes for such a token, without its allocations: each
        // typographic candidate is reported when the token or its place is code.
        let codeLike = -1;
        for (let i = start; i < end; i++) {
          const c = text.charCodeAt(i);
          if (c < 0x80 || UNIT_CLASS[c] !== TYPO || urlAt?.has(i)) continue;
          if (codeLike === -1) codeLike = isCodeLikeToken(text, start, end) ? 1 : 0;
          if ((codeLike === 1 || inCode(i)) && live(i)) {
            const f = cpFacts(c);
            const cand: Candidate = { cp: c, start: i, end: i + 1, ascii: f.ascii!, punct: 'typographic', foreignScript: f.foreignScript };
            pushOne(found, cand, 'lookalike-punctuation', 'medium', 0.8);
          }
        }
        continue;
      }
      const scan = scanToken(text, start, end);
      if (scan.foreign) {
        foreignText = true;
        continue;
      }
      if (scan.candidates.length === 0) continue;
      const codeLike = isCodeLikeToken(text, start, end);
      const punct = scan.candidates.filter((c) =>
        urlAt?.has(c.start) ? false
        : c.punct === 'other'
          ? codeLike || scan.latinLetters || inCode(c.start)
          : c.punct === 'typographic' && (codeLike || inCode(c.start)) && live(c.start),
      );
      const letters = scan.candidates.filter((c) => c.punct === null);
      pushRuns(found, punct, 'lookalike-punctuation', 'medium', 0.8);
      if (letters.length === 0) continue;
      if (!scan.latinLetters) {
        if (scan.letters >= 3) wholeTokens.push(letters);
        continue;
      }
      if (isCaseEnding(text, start, end, scan.candidates, letters)) continue;
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
      const d = f.rule === 'lookalike-url' ? `${detail(f.items)} in a URL: the link does not go where it reads` : detail(f.items);
      return { rule: f.rule, start: first.start, end: last.end, severity: f.severity, confidence: f.confidence, detail: d, tags: ['obfuscation'] };
    })
    .sort((a, b) => a.start - b.start);
}

export const confusables: Detector = {
  id: 'confusables',
  description: 'Look-alike (UTS #39 confusable) characters hidden in otherwise-ASCII words and code',
  severity: 'high',
  rules: [
    { id: 'homoglyph', description: 'a look-alike letter (UTS #39 skeleton is ASCII) inside an ASCII word (not a one-letter Cyrillic case ending in Cyrillic prose)' },
    { id: 'homoglyph-word', description: 'a whole word of look-alike letters in ASCII text' },
    { id: 'lookalike-url', description: "a look-alike of '/', '.', ':' or '@' inside a URL, host name or e-mail address (scheme://…, user@host:path, www.…; a bare host or address in a Latin-script token, ending in a top-level domain), in any context: the link goes elsewhere; IDNA full stops (U+3002, U+FF61) only inside the host" },
    { id: 'lookalike-punctuation', description: 'look-alike punctuation standing for a code token (not in a string, comment or markup text), or non-typographic look-alikes next to ASCII' },
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

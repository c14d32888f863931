// The scanner: keyword prefilter, then each candidate rule's regex only where its keywords occur,
// then the judgement of each candidate (placeholder, entropy, allowlists, validator), then
// overlap resolution. Compiled once per rule set; `scan` is pure and does not throw on any input.
import type { Hit, SegmentMemo } from '../types.ts';
import { shannon } from './entropy.ts';
import { isPlaceholder } from './placeholder.ts';
import { KeywordMatcher } from './prefilter.ts';
import { compileTriggers, HS_CASELESS, nativeAvailable, triggersPerText, type TriggerDb } from '../native.ts';
import type { SecretAllowlist, SecretRule } from './types.ts';
import { followWrapped } from './wrapped.ts';

interface Compiled {
  rule: SecretRule;
  re: RegExp;
  group: number;
  anchor: boolean;
  before: number;
  after: number;
  rank: number;
  /** Exact group offsets need the 'd' flag (slower); built-in rules end with their group. */
  indices: boolean;
  assignCheck: boolean;
  /**
   * A leading lazy, bounded run of one class taken off the regex (`[\w.-]{0,50}?`, how gitleaks'
   * generated rules begin): run as written, a backtracking engine tries every length of it at
   * every position of the window (12× slower for the whole engine with gitleaks' default rules).
   * It can match nothing, so the rest matches at the same place with the same groups; the match's
   * start is found again by walking back over the class, for `match` allowlists.
   */
  lead: { cls: RegExp; max: number } | null;
  /**
   * A window rule every match of which (after its lead) begins with one of its own keywords: it is
   * tried where they start only (sticky), each start in its own window, not at every position of
   * windows merged from all hits. Same matches as that scan wherever a match fits its start's
   * window (what the native pass drops then changes nothing).
   */
  atHits: RegExp | null;
  /**
   * With atHits, a rule in gitleaks' generated shape (a literal head, then its assignment tail):
   * the head's words. A keyword start where none of them is followed by such a tail is not tried
   * (a regular expression costs ~0.3 µs to start; generic-api-key's keywords are common words).
   */
  tail: number[][] | null;
  /** The u or v flag: the regex steps over surrogate pairs whole. */
  pairs: boolean;
}

const isPairAt = (s: string, i: number): boolean => {
  const hi = s.charCodeAt(i);
  const lo = s.charCodeAt(i + 1);
  return hi >= 0xd800 && hi <= 0xdbff && lo >= 0xdc00 && lo <= 0xdfff;
};

interface Candidate extends Hit {
  rank: number;
  /** SecretRule.wraps (for followWrapped). */
  wraps: boolean;
  /** The rule's place in the scanner's list: the last tie-break, so the result never depends on the order candidates were found in. */
  order: number;
}

/** Gitleaks-style rules may start well before their keyword; give them room. */
const DEFAULT_WINDOW = 512;

/** Non-ASCII keywords cannot go in the automaton; a rule with none runs over the whole text. */
const runsEverywhere = (r: SecretRule): boolean =>
  r.keywords.filter((k) => k.length > 0).length === 0 || r.keywords.some((k) => /[^\x00-\x7f]/.test(k));

/** `[…]{0,n}?` or `\w{0,n}?` (and the other class escapes) at the very start of a pattern. */
const LEAD = /^(\[(?:\\.|[^\]\\])*\]|\\[wWdDsS])\{0,(\d+)\}\?/;

/** Whether the pattern has a `|` outside every group and class (the lead would then bind to one branch only). */
function topLevelAlternation(src: string): boolean {
  let depth = 0;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === '\\') i++;
    else if (c === '[') {
      for (i++; i < src.length && src[i] !== ']'; i++) if (src[i] === '\\') i++;
    } else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) return true;
  }
  return false;
}

/** The lead of a window rule's pattern, and the pattern without it; null when it has none or it cannot be taken off. */
function takeLead(source: string, flags: string): { rest: string; lead: Compiled['lead'] } | null {
  const m = LEAD.exec(source);
  if (m === null) return null;
  const rest = source.slice(m[0].length);
  if (rest === '' || /^[*+?{]/.test(rest) || topLevelAlternation(rest)) return null;
  return { rest, lead: { cls: new RegExp(m[1]!, flags.replace(/[gyd]/g, '')), max: Number(m[2]) } };
}

/**
 * Words one of which every match of the pattern begins with, lower-cased: the literal start of the
 * pattern, through groups and alternatives (`\\b` skipped, letters and digits, escaped
 * punctuation, two-case classes like `[aA]`, `?` on a piece): `(?:access|[aA][uU][tT][hH]|passw(?:or)?d)…`
 * → access, auth, passwd, password; `\\b((?:hvs\\.[\\w-]{90}|s\\.…))` → hvs., s. Null when a match
 * could begin otherwise (or with nothing).
 */
export function leadingWords(src: string): string[] | null {
  const r = literalStart(src);
  return r !== null && r.words.length > 0 && r.words.every((w) => w.length > 0) ? [...new Set(r.words)] : null;
}

/** leadingWords' parse: the literal starts, and whether the whole pattern is one (nothing follows them). */
function literalStart(src: string): { words: string[]; whole: boolean } | null {
  if (topLevelAlternation(src)) return null; // another branch may begin anywhere
  let i = 0;
  // A sequence up to `)`, `|` or the end: the literal starts it can have, and whether all of it was literal.
  const seq = (): { words: string[]; whole: boolean } | null => {
    let acc = [''];
    for (;;) {
      const c = src[i];
      if (c === undefined || c === ')' || c === '|') return { words: acc, whole: true };
      let piece: string[] | null = null;
      let whole = true;
      if (c === '(') {
        const g = /^\((?:\?:)?/.exec(src.slice(i))![0];
        if (src[i + 1] === '?' && g.length < 3) return { words: acc, whole: false }; // a look-around, a named group…
        i += g.length;
        piece = [];
        for (;;) {
          const alt = seq();
          if (alt === null) return null;
          piece.push(...alt.words);
          whole &&= alt.whole;
          if (!alt.whole) {
            // The rest of this alternative does not matter: skip to the end of the group.
            for (let depth = 0; i < src.length; i++) {
              const d = src[i];
              if (d === '\\') {
                i++;
              } else if (d === '[') {
                for (i++; i < src.length && src[i] !== ']'; i++) if (src[i] === '\\') i++;
              } else if (d === '(') {
                depth++;
              } else if ((d === ')' || d === '|') && depth === 0) {
                break;
              } else if (d === ')') {
                depth--;
              }
            }
          }
          if (src[i] === '|') {
            i++;
            continue;
          }
          if (src[i] !== ')') return null;
          i++;
          break;
        }
      } else if (c === '[') {
        const m = /^\[([A-Za-z0-9])([A-Za-z0-9])\]/.exec(src.slice(i));
        if (m === null || m[1]!.toLowerCase() !== m[2]!.toLowerCase()) return { words: acc, whole: false };
        piece = [m[1]!.toLowerCase()];
        i += 4;
      } else if (c === '\\') {
        const n = src[i + 1];
        if (n === 'b' && acc.length === 1 && acc[0] === '') {
          i += 2; // a word boundary at the start takes no characters
          continue;
        }
        if (n === undefined || /[A-Za-z0-9]/.test(n)) return { words: acc, whole: false };
        piece = [n];
        i += 2;
      } else if (/[A-Za-z0-9_-]/.test(c)) {
        piece = [c.toLowerCase()];
        i++;
      } else return { words: acc, whole: false };
      if (src[i] === '?' && src[i + 1] !== '?') {
        piece = [...piece, ''];
        i++;
      }
      if (/[*+?{]/.test(src[i] ?? '')) return { words: acc, whole: false };
      acc = acc.flatMap((a) => piece!.map((p) => a + p));
      if (acc.length > 256) return null;
      if (!whole) return { words: acc, whole: false };
    }
  };
  const r = seq();
  // A `)` with no `(` ends seq() early: not the whole pattern.
  return r === null ? null : { words: r.words, whole: r.whole && i >= src.length };
}

/**
 * The assignment that follows the service name in gitleaks' generated rules (and in the rules
 * organisations write after them): `name`, up to 20 of `[ \t\w.-]`, up to 3 of `[\s'"]`, an operator.
 */
const GITLEAKS_TAIL = String.raw`(?:[ \t\w.-]{0,20})[\s'"]{0,3}(?:=|>|:{1,3}=|\|\||:|=>|\?=|,)`;

/**
 * The words of a pattern that is a literal head followed by GITLEAKS_TAIL (then anything), with
 * their characters as codes; null otherwise. Every match then begins with one of the words and the
 * tail right after it: checked by hand (tailAfterWord) before the regular expression is run.
 */
function tailWords(src: string): number[][] | null {
  const at = src.indexOf(GITLEAKS_TAIL);
  // A quantifier after the tail (`…|,)?`) makes its operator optional: no longer a necessary condition.
  if (at <= 0 || /^[?*+{]/.test(src.slice(at + GITLEAKS_TAIL.length))) return null;
  const head = literalStart(src.slice(0, at));
  if (head === null || !head.whole || head.words.length === 0 || head.words.some((w) => w.length === 0)) return null;
  return [...new Set(head.words)].map((w) => [...w].map((ch) => ch.charCodeAt(0)));
}

/** Sorts flattened (start, end) pairs by start, then end; hits come by end, so they are nearly always in order already. */
function sortPairs(a: number[]): void {
  let sorted = true;
  for (let k = 2; k < a.length && sorted; k += 2) sorted = a[k]! > a[k - 2]! || (a[k] === a[k - 2] && a[k + 1]! >= a[k - 1]!);
  if (sorted) return;
  const pairs: [number, number][] = [];
  for (let k = 0; k < a.length; k += 2) pairs.push([a[k]!, a[k + 1]!]);
  pairs.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  pairs.forEach(([p, e], k) => {
    a[2 * k] = p;
    a[2 * k + 1] = e;
  });
}

/** Whether `w` (character codes) begins with `k`. */
const startsWithCodes = (w: readonly number[], k: string): boolean => w.length >= k.length && [...k].every((ch, i) => ch.charCodeAt(0) === w[i]);

/** JavaScript's \s. */
const isSpace = (c: number): boolean =>
  c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 ||
  c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;

/**
 * Whether one of `words` (lower case) starts at `i`, ASCII letters in either case, with
 * GITLEAKS_TAIL's necessary condition after it: a greedy run of `[ \t\w.-]` (at most 20), at most
 * 3 of `[\s'"]`, then the first character of an operator. Greedy is exact here: the run's class
 * holds no operator character, and whatever it stops short of is spaces or quotes of the second
 * run. Without the u flag (never set on these rules) \w and the case folding are ASCII only.
 */
function tailAfterWord(text: string, i: number, words: readonly number[][]): boolean {
  const n = text.length;
  next: for (const w of words) {
    if (i + w.length > n) continue;
    for (let k = 0; k < w.length; k++) {
      let c = text.charCodeAt(i + k);
      if (c >= 65 && c <= 90) c += 32;
      if (c !== w[k]) continue next;
    }
    let j = i + w.length;
    for (let k = 0; k < 20 && j < n; k++, j++) {
      const c = text.charCodeAt(j);
      // [ \t\w.-]
      if (!((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 32 || c === 9 || c === 46 || c === 45)) break;
    }
    for (let m = 0; j < n; m++, j++) {
      const c = text.charCodeAt(j);
      if (c === 61 || c === 62 || c === 58 || c === 124 || c === 63 || c === 44) return true; // = > : | ? ,
      if (m === 3 || !(isSpace(c) || c === 39 || c === 34)) break;
    }
  }
  return false;
}

function compile(rule: SecretRule): Compiled {
  const anchor = (rule.mode ?? 'anchor') === 'anchor' && !runsEverywhere(rule);
  const group = rule.secretGroup ?? 0;
  const indices = group > 0 && rule.origin !== 'builtin';
  let flags = rule.regex.flags.replace(/[gyd]/g, '') + (anchor ? 'y' : 'g');
  if (indices) flags += 'd';
  // Neither rewrite with the u or v flag: its bounds count code points (the walk back counts code
  // units), and case-insensitive matching folds non-ASCII letters (ſ, K) onto ASCII ones, where the
  // keyword pass, which reads ASCII, reports no keyword. No lead taken off where the secret is the
  // whole match (the lead is part of it).
  const unicode = /[uv]/.test(rule.regex.flags);
  const taken = anchor || unicode || group === 0 ? null : takeLead(rule.regex.source, rule.regex.flags);
  const rest = taken?.rest ?? rule.regex.source;
  const words = anchor || unicode ? null : leadingWords(rest);
  // Every match begins with a word the pattern spells; each such word must begin with a keyword.
  const atHits = words !== null && words.every((w) => rule.keywords.some((k) => k.length > 0 && w.startsWith(k.toLowerCase()))) ? new RegExp(rest, flags.replace('g', 'y')) : null;
  return {
    lead: taken?.lead ?? null,
    atHits,
    tail: atHits === null ? null : tailWords(rest),
    pairs: unicode,
    rule,
    re: new RegExp(rest, flags),
    group,
    anchor,
    before: rule.before ?? (anchor ? 0 : DEFAULT_WINDOW),
    after: rule.after ?? (anchor ? 0 : DEFAULT_WINDOW),
    rank: rule.generic === true ? 0 : 1,
    indices,
    assignCheck: rule.precheck === 'assign',
  };
}

function allowlisted(lists: readonly SecretAllowlist[], secret: string, match: string, line: string): boolean {
  for (const a of lists) {
    const target = a.regexTarget === 'match' ? match : a.regexTarget === 'line' ? line : secret;
    const checks: boolean[] = [];
    if (a.regexes !== undefined && a.regexes.length > 0) checks.push(a.regexes.some((r) => r.test(target)));
    if (a.stopwords !== undefined && a.stopwords.length > 0) {
      const lower = secret.toLowerCase();
      checks.push(a.stopwords.some((w) => lower.includes(w)));
    }
    if (checks.length === 0) continue;
    if (a.condition === 'AND' ? checks.every(Boolean) : checks.some(Boolean)) return true;
  }
  return false;
}

function lineAround(text: string, start: number, end: number): string {
  const a = text.lastIndexOf('\n', start - 1) + 1;
  let b = text.indexOf('\n', end);
  if (b < 0) b = text.length;
  return text.slice(a, b);
}

export class SecretScanner {
  readonly rules: readonly SecretRule[];
  private readonly compiled: Compiled[];
  private readonly matcher: KeywordMatcher;
  /** keyword index → compiled rule indices */
  private readonly byKeyword: number[][];
  /** Rules without keywords (imported ones): run over the whole text. */
  private readonly always: number[];
  // Per-scan state, reused across calls (scan is synchronous and not re-entrant) so that the many
  // short segments of an exchange do not each allocate per-rule arrays. Entries touched by a scan
  // are reset at its end.
  private readonly lastEnd: Int32Array;
  private readonly winStart: Int32Array;
  private readonly winEnd: Int32Array;

  /** Keyword indices >= this are the caller's extra keywords (no rule; see `scan`'s memo). */
  private readonly firstExtra: number;
  private readonly keywords: readonly string[];
  /** The same keywords for the native pass: undefined until first needed, null without the addon. */
  private native: TriggerDb | null | undefined;

  /**
   * `extraKeywords`: words with no rule of their own, looked for in the same automaton pass; whether
   * any occurs is reported in the segment memo (internal-infra's names).
   */
  constructor(rules: readonly SecretRule[], extraKeywords: readonly string[] = []) {
    this.rules = rules;
    this.compiled = rules.map(compile);
    const kwIndex = new Map<string, number>();
    this.byKeyword = [];
    this.always = [];
    rules.forEach((r, ri) => {
      if (runsEverywhere(r)) {
        this.always.push(ri);
        return;
      }
      const kws = r.keywords.map((k) => k.toLowerCase()).filter((k) => k.length > 0);
      for (const k of new Set(kws)) {
        let ki = kwIndex.get(k);
        if (ki === undefined) {
          ki = kwIndex.size;
          kwIndex.set(k, ki);
          this.byKeyword.push([]);
        }
        this.byKeyword[ki]!.push(ri);
      }
    });
    this.firstExtra = kwIndex.size;
    const keywords = [...kwIndex.keys()];
    for (const k of extraKeywords) {
      keywords.push(k.toLowerCase());
      this.byKeyword.push([]);
    }
    this.keywords = keywords;
    this.matcher = new KeywordMatcher(keywords);
    this.lastEnd = new Int32Array(rules.length).fill(-1);
    this.winStart = new Int32Array(rules.length).fill(-1);
    this.winEnd = new Int32Array(rules.length).fill(-1);
  }

  private nativeDb(): TriggerDb | null {
    if (!nativeAvailable()) return null;
    if (this.native === undefined) {
      const hex = (k: string): string => k.replace(/[^A-Za-z0-9]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
      // Longest first among keywords ending at one offset, as the automaton's output lists have it.
      // A keyword is reported only where what every rule it serves needs after it may follow:
      // an assignment (anchored rules that check for one first: most `token` and `auth` in code
      // are not `name = value`), or gitleaks' assignment tail (rules tried at their keyword starts
      // whose words there are this keyword exactly, Compiled.tail). An extra keyword has no rules
      // and is reported always.
      const need = (ki: number): { assign: boolean; tail: boolean } | null => {
        const list = this.byKeyword[ki]!;
        if (list.length === 0) return null;
        const k = this.keywords[ki]!;
        let assign = false;
        let tail = false;
        for (const ri of list) {
          const c = this.compiled[ri]!;
          if (c.anchor && c.assignCheck) assign = true;
          else if (c.tail !== null && c.tail.every((w) => !startsWithCodes(w, k) || w.length === k.length)) tail = true;
          else return null;
        }
        return { assign, tail };
      };
      this.native = compileTriggers(this.keywords.map((k, ki) => ({ source: hex(k), flags: HS_CASELESS, rank: -k.length, ...need(ki) })));
    }
    return this.native;
  }

  /**
   * The keyword hits of many segments in one native call, left in each segment's memo for `scan`.
   * Without the addon it does nothing and `scan` runs the JavaScript automaton itself.
   */
  prepare(texts: readonly string[], memos: readonly SegmentMemo[]): void {
    const db = this.nativeDb();
    const per = db === null ? null : triggersPerText(db, texts);
    if (per === null) return;
    for (let i = 0; i < texts.length; i++) {
      const t = per[i];
      if (t !== undefined) memos[i]!.keywordHits = { scanner: this, quads: t.quads, from: t.from, to: t.to };
    }
  }

  scan(text: string, allow?: ((v: string) => boolean) | null, memo?: SegmentMemo): Hit[] {
    const matcher = this.matcher;
    // Hits as (keyword, end) pairs at kwAt + stride*h, endAt + stride*h: the native quads of
    // `prepare`, or the automaton's two arrays.
    const pre = memo?.keywordHits;
    let nh: number, kwArr: Int32Array, endArr: Int32Array, kwAt: number, endAt: number, stride: number;
    if (pre !== undefined && pre.scanner === this) {
      nh = (pre.to - pre.from) >> 2;
      kwArr = endArr = pre.quads;
      kwAt = pre.from + 1;
      endAt = pre.from + 3;
      stride = 4;
    } else {
      nh = matcher.collect(text);
      kwArr = matcher.hitKeyword;
      endArr = matcher.hitEnd;
      kwAt = endAt = 0;
      stride = 1;
    }
    if (memo !== undefined && this.firstExtra < this.byKeyword.length) {
      let any = false;
      for (let h = 0; h < nh && !any; h++) any = kwArr[kwAt + h * stride]! >= this.firstExtra;
      memo.internalNames = any;
    }
    // Most segments of a request (names, ids, short strings) hold no keyword: no allocation at all.
    if (nh === 0 && this.always.length === 0) return [];
    const run = new ScanRun(this.compiled, text, allow ?? null);
    // Per rule: end of the last match (anchor) and the pending window (window mode).
    const { lastEnd, winStart, winEnd, compiled, byKeyword } = this;
    const touched: number[] = [];
    /** Flattened [rule, start, end] triples. */
    const windows: number[] = [];
    /** Per rule that matches only where its keywords start (Compiled.atHits): (start, keyword end) pairs, in order of end (made when first needed). */
    let starts: Map<number, number[]> | null = null;
    try {
      for (let h = 0; h < nh; h++) {
        const ki = kwArr[kwAt + h * stride]!;
        const ke = endArr[endAt + h * stride]!;
        const ks = ke - matcher.keywordLength(ki);
        const list = byKeyword[ki]!;
        let assigned = -1; // assignFollows(text, ke), asked once per hit: -1 not yet, 0 no, 1 yes
        for (let j = 0; j < list.length; j++) {
          const ri = list[j]!;
          const c = compiled[ri]!;
          if (c.anchor) {
            if (ks < lastEnd[ri]!) continue;
            if (c.assignCheck) {
              if (assigned === -1) assigned = assignFollows(text, ke) ? 1 : 0;
              if (assigned === 0) continue;
            }
            c.re.lastIndex = ks;
            const m = c.re.exec(text);
            if (m !== null) {
              if (lastEnd[ri] === -1) touched.push(ri);
              lastEnd[ri] = m.index + m[0].length;
              run.consider(ri, m, 0);
            }
          } else if (c.atHits !== null) {
            // Tried at its keyword starts, each in a window of its own (below).
            starts ??= new Map();
            let list = starts.get(ri);
            if (list === undefined) starts.set(ri, (list = []));
            list.push(ks, ke);
          } else {
            const ws = Math.max(0, ks - c.before);
            const we = Math.min(text.length, ke + c.after);
            if (winStart[ri]! >= 0 && ws <= winEnd[ri]!) {
              if (we > winEnd[ri]!) winEnd[ri] = we;
            } else {
              if (winStart[ri] === -1 && winEnd[ri] === -1) touched.push(ri);
              if (winStart[ri]! >= 0) windows.push(ri, winStart[ri]!, winEnd[ri]!);
              winStart[ri] = ws;
              winEnd[ri] = we;
            }
          }
        }
      }
      for (const ri of touched) {
        if (winStart[ri]! >= 0) windows.push(ri, winStart[ri]!, winEnd[ri]!);
        winStart[ri] = -1;
      }
    } finally {
      // Always reset, even if a rule's regex threw: the arrays are shared across scans.
      for (const ri of touched) {
        lastEnd[ri] = -1;
        winStart[ri] = -1;
        winEnd[ri] = -1;
      }
    }
    for (const ri of this.always) windows.push(ri, 0, text.length);
    // A rule that matches only where its keywords start (Compiled.atHits) is tried there, in order,
    // sticky, each start in its own window ([start - before, keyword end + after]): what it finds
    // does not depend on where other keywords are (the native pass may drop hits no rule needs),
    // and a start costs at most its window, however long the text (a value class that runs
    // through other starts cannot make the scan quadratic).
    if (starts !== null) {
      for (const [ri, at] of starts) {
        const c = compiled[ri]!;
        sortPairs(at);
        const re = c.atHits!;
        let from = 0;
        for (let k = 0; k < at.length; k += 2) {
          const p = at[k]!;
          if (p < from) continue;
          if (c.tail !== null && !tailAfterWord(text, p, c.tail)) continue;
          const ws = Math.max(0, p - c.before);
          const we = Math.min(text.length, at[k + 1]! + c.after);
          const sub = ws === 0 && we === text.length ? text : text.slice(ws, we);
          re.lastIndex = p - ws;
          const m = re.exec(sub);
          if (m === null) continue;
          run.consider(ri, m, ws, Math.max(0, from - ws));
          from = ws + m.index + m[0].length + (m[0].length === 0 ? 1 : 0);
        }
      }
    }

    for (let w = 0; w < windows.length; w += 3) {
      const ri = windows[w]!;
      const ws = windows[w + 1]!;
      const we = windows[w + 2]!;
      const c = compiled[ri]!;
      // Slices of V8 strings are O(1) views; the regex cannot run past the window.
      const sub = ws === 0 && we === text.length ? text : text.slice(ws, we);
      c.re.lastIndex = 0;
      for (let from = 0, m = c.re.exec(sub); m !== null; from = c.re.lastIndex, m = c.re.exec(sub)) {
        run.consider(ri, m, ws, from);
        // Past an empty match by one character: with the u or v flag a whole surrogate pair, or V8
        // steps back to the pair's start and finds the same empty match for ever.
        if (m[0].length === 0) c.re.lastIndex += c.pairs && isPairAt(sub, c.re.lastIndex) ? 2 : 1;
      }
    }
    if (run.found.length === 0) return [];
    // A value split over lines (`\`-continuation, concatenation, hard wrap): its rest too.
    return followWrapped(text, resolve(run.found), allow ?? null).map(({ rank: _rank, order: _order, wraps: _wraps, ...hit }) => hit);
  }
}

/** The judgement of the candidates of one scan (a class, not closures: no allocation per text without candidates). */
class ScanRun {
  readonly found: Candidate[] = [];

  constructor(
    private readonly compiled: readonly Compiled[],
    private readonly text: string,
    private readonly allow: ((v: string) => boolean) | null,
  ) {}

  /** `from`: where the search that found `m` began (window rules; the lead cannot reach before it). */
  consider(ri: number, m: RegExpExecArray, base: number, from = 0): void {
    const c = this.compiled[ri]!;
    const text = this.text;
    const secret = m[c.group];
    if (secret === undefined || secret.length === 0) return;
    // Built-in rules put the secret group last in the match (at most a delimiter after it).
    const start = base + (c.group === 0 ? m.index : c.indices ? m.indices![c.group]![0] : m.index + m[0].lastIndexOf(secret));
    const end = start + secret.length;
    // No duplicate check: an anchored rule matches at most once per keyword hit and never before its
    // previous match's end, and a rule's windows are merged so they never overlap; resolve() would
    // drop an identical span anyway.
    const r = c.rule;
    if (r.entropy !== undefined && shannon(secret) < r.entropy) return;
    let confidence = r.confidence ?? 0.9;
    // The whole match as the rule's own pattern gives it: with its lead, as far back as the class
    // runs (at most its bound, never before where the search began).
    let matchStart = base + m.index;
    if (c.lead !== null) {
      const stop = Math.max(base + from, matchStart - c.lead.max);
      while (matchStart > stop && c.lead.cls.test(text[matchStart - 1]!)) matchStart--;
    }
    const match = c.lead === null ? m[0] : text.slice(matchStart, base + m.index + m[0].length);
    // Every test below must pass; the validator goes first because, for the generic rules that
    // produce most candidates in source code, it rejects a variable reference in a few regex tests.
    if (r.validate !== undefined) {
      const v = r.validate(secret, { text, start, end, match, matchStart });
      if (v === false) return;
      if (typeof v === 'number') confidence = v;
    }
    if (r.skipPlaceholderCheck !== true) {
      const tail = r.prefix !== undefined ? secret.replace(r.prefix, '') : secret;
      if (isPlaceholder(tail)) return;
    }
    if (r.allowlists !== undefined && r.allowlists.length > 0 && allowlisted(r.allowlists, secret, match, lineAround(text, start, end))) return;
    if (this.allow !== null && this.allow(secret)) return;
    this.found.push({ rule: r.id, start, end, severity: r.severity, confidence, tags: ['credential'], detail: r.description, rank: c.rank, order: ri, wraps: r.wraps === true });
  }
}

/** Necessary condition of ASSIGN in build.ts: identifier tail, ≤3 quotes/spaces, then `:=,|`. */
function assignFollows(text: string, from: number): boolean {
  const n = Math.min(text.length, from + 48);
  let i = from;
  while (i < n) {
    const c = text.charCodeAt(i);
    // [A-Za-z0-9_.-]
    if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 46 || c === 45) i++;
    else break;
  }
  for (let k = 0; k < 4 && i < n; k++, i++) {
    const c = text.charCodeAt(i);
    if (c === 58 || c === 61 || c === 44 || c === 124 || c === 63 || c === 33) return true; // : = , | ? !
    if (c !== 32 && c !== 9 && c !== 34 && c !== 39 && c !== 96 && c !== 93) return false;
  }
  return false;
}

/** Sort by start; where spans overlap keep specific over generic, then confidence, then length. */
function resolve(found: Candidate[]): Candidate[] {
  found.sort((a, b) => a.start - b.start || b.end - a.end || a.order - b.order);
  const kept: Candidate[] = [];
  for (const h of found) {
    const last = kept[kept.length - 1];
    if (last === undefined || h.start >= last.end) {
      kept.push(h);
      continue;
    }
    const better =
      h.rank !== last.rank ? h.rank > last.rank : h.confidence !== last.confidence ? h.confidence > last.confidence : h.end - h.start > last.end - last.start;
    if (better) kept[kept.length - 1] = h;
  }
  return kept;
}

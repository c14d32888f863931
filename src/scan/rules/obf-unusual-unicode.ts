// Unusual Unicode in source: bidirectional controls (Trojan Source), invisible characters, tag
// characters and variation selectors (which can carry hidden payloads), and identifiers mixing
// Latin with look-alike letters. Self-contained on purpose: scan does not depend on core's skeleton.
import type { Rule } from '../rule.ts';
import type { Analysis } from '../analysis.ts';
import type { Node } from '../types.ts';
import { escapeUnusual, isConfusableLetter } from '../excerpt.ts';

const BIDI = /[\u202A-\u202E\u2066-\u2069]/;
const HIDDEN = /[\u200B-\u200F\u2060-\u2064\uFEFF\u3164\uFFA0\u115F\u1160\u180E\u034F\uFE00-\uFE0E]|\uDB40[\uDC00-\uDDEF]/g;
/** Per file: the pieces of a split file each stop here, and merging them keeps the first ones (scan.ts). */
export const MAX_PER_FILE = 20;

const QUOTES = new Set(['"', "'", '`']);
const OPENS = /[\u202A\u202B\u202D\u202E\u2066-\u2068]/;

/**
 * Whether the bidirectional control at `i` sits in a string literal whose controls are all closed
 * inside it (an isolate around a placeholder in right-to-left UI text, a path wrapped for display).
 * Such a string can reorder only its own text on screen; Trojan Source needs a control left open,
 * so that its effect reaches past the literal into the code. The literal is taken from the quote
 * before `i` to the same quote after it, on one line; anything else counts as open.
 */
export function balancedInString(t: string, i: number): boolean {
  let from = i - 1;
  while (from >= 0 && from > i - 4000 && t[from] !== '\n' && !QUOTES.has(t[from] as string)) from--;
  const q = t[from];
  if (from < 0 || q === undefined || !QUOTES.has(q)) return false;
  let to = i + 1;
  while (to < t.length && to < i + 4000 && t[to] !== '\n' && !(t[to] === q && t[to - 1] !== '\\')) to++;
  if (t[to] !== q) return false;
  const open: string[] = [];
  for (let k = from + 1; k < to; k++) {
    const c = t[k] as string;
    if (OPENS.test(c)) open.push(c >= '\u2066' ? '\u2069' : '\u202C');
    else if (c === '\u202C' || c === '\u2069') { if (open.pop() !== c) return false; }
  }
  return open.length === 0;
}

/**
 * Regular expressions of a piece, as [start, end) in text order: regex literals and strings passed
 * straight to RegExp. Collected by the rule's visitors, which run before its text phase.
 */
const patterns = new WeakMap<Analysis, Array<[number, number]>>();

function addPattern(a: Analysis, n: Node): void {
  let list = patterns.get(a);
  if (!list) patterns.set(a, (list = []));
  list.push([n.start, n.end]);
}

const isRegExpArg = (n: Node, parent: Node | null): boolean =>
  parent !== null && (parent.type === 'NewExpression' || parent.type === 'CallExpression') && parent.arguments[0] === n &&
  parent.callee.type === 'Identifier' && parent.callee.name === 'RegExp';

/** The pattern that holds offset `i` inside a character class (`[…]`), or null. */
function classAt(a: Analysis, i: number): [number, number] | null {
  const list = patterns.get(a);
  if (!list) return null;
  let lo = 0;
  let hi = list.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((list[mid] as [number, number])[0] <= i) lo = mid;
    else hi = mid - 1;
  }
  const p = list[lo];
  if (!p || p[0] > i || i >= p[1]) return null;
  // The source from the opening delimiter to `i`: escapes skipped, brackets tracked (a `[` inside a
  // class is a literal character, except in v-mode set notation, which is rare enough to ignore).
  const t = a.text;
  let inClass = false;
  for (let k = p[0] + 1; k < i; k++) {
    const c = t[k];
    if (c === '\\') k++;
    else if (c === '[') inClass = true;
    else if (c === ']') inClass = false;
  }
  return inClass ? p : null;
}

/** The distinct characters `re` finds in the character classes of pattern `p`, escaped. */
function classChars(a: Analysis, p: [number, number], re: RegExp): string[] {
  const found = new Set<string>();
  const g = new RegExp(re.source, 'g');
  const src = a.text.slice(p[0], p[1]);
  for (let m = g.exec(src); m; m = g.exec(src)) if (classAt(a, p[0] + m.index) === p) found.add(escapeUnusual(m[0]));
  return [...found];
}

export const rule: Rule = {
  meta: {
    id: 'obf-unusual-unicode',
    category: 'obfuscation',
    severity: 'medium',
    title: 'Unusual Unicode in source',
    explanation:
      'Invisible characters, bidirectional controls, tag characters, variation selectors, or identifiers that mix Latin with ' +
      'look-alike Cyrillic or Greek letters. They make code read differently from what runs (Trojan Source) or hide data in plain ' +
      'sight. High for bidirectional controls, tag characters and look-alike identifiers; low for a bidirectional control closed ' +
      'within its string literal (right-to-left UI text), which cannot reorder the code around it. Characters in a regular ' +
      'expression\'s character class are code that finds or strips them: one low finding per expression.',
  },
  visit: {
    Literal(s, a) {
      const n = s.node;
      if (n.regex ? a.mayHoldNonAscii(n.start, n.end) : typeof n.value === 'string' && isRegExpArg(n, s.parent) && a.mayHoldNonAscii(n.start, n.end)) addPattern(a, n);
    },
    TemplateLiteral(s, a) {
      if (isRegExpArg(s.node, s.parent) && a.mayHoldNonAscii(s.node.start, s.node.end)) addPattern(a, s.node);
    },
  },
  text(a) {
    patterns.get(a)?.sort((x, y) => x[0] - y[0]);
    const grouped = new Set<number>();
    const t = a.text;
    let n = 0;
    HIDDEN.lastIndex = 0;
    const all = new RegExp(`${HIDDEN.source}|[\\u202A-\\u202E\\u2066-\\u2069]`, 'g');
    for (let m = all.exec(t); m && n < MAX_PER_FILE; m = all.exec(t)) {
      const i = m.index;
      const c = m[0];
      if (c === '\uFEFF' && i === 0 && a.base.offset === 0) continue;
      // A joiner or selector inside an emoji sequence is ordinary text.
      const prev = i > 0 ? t.charCodeAt(i - 1) : 0;
      if ((c === '\u200D' || c === '\uFE0E') && (prev >= 0xdc00 && prev <= 0xdfff || prev >= 0x2600 && prev <= 0x27bf)) continue;
      // Joiners are part of writing Persian, Arabic and Indic scripts.
      if ((c === '\u200C' || c === '\u200D') && prev >= 0x0600 && prev < 0x2000) continue;
      const cp = c.codePointAt(0) as number;
      // In a character class the character is one a pattern matches (`/[\u200e\u202a-\u202e]/g`
      // to strip bidi controls): all of one pattern make one low finding, not one high each.
      const cls = classAt(a, i);
      if (cls !== null) {
        if (grouped.has(cls[0])) continue;
        grouped.add(cls[0]);
        const chars = classChars(a, cls, all);
        n++;
        a.report(rule, {
          node: { type: 'Text', start: i, end: i + c.length },
          severity: 'low',
          message: `a regular expression's character class matches ${chars.length === 1 ? 'the invisible or bidirectional character' : `${chars.length} invisible or bidirectional characters`} ${chars.slice(0, 12).join(' ')}: code that finds or strips such characters, and cannot reorder the code around it.`,
          key: `regex:${chars.join('')}`,
          data: { codePoints: chars },
        });
        continue;
      }
      const tag = cp >= 0xe0000;
      const high = BIDI.test(c) || tag;
      // The character alone in a string literal ("\u200c", an HTML entity table's value, a
      // comparison in text-shaping code) is code that handles it, not text that hides it.
      const q = t[i - 1];
      const lone = (q === '"' || q === "'" || q === '`') && t[i + c.length] === q;
      const bidi = BIDI.test(c);
      const closed = bidi && !lone && balancedInString(t, i);
      n++;
      a.report(rule, {
        node: { type: 'Text', start: i, end: i + c.length },
        severity: lone || closed ? 'low' : high ? 'high' : 'medium',
        message: lone
          ? `handles the invisible character ${escapeUnusual(c)} (alone in a string literal).`
          : closed
            ? `contains a bidirectional control ${escapeUnusual(c)} closed within its string literal: it orders that text on screen and cannot reorder the code around it.`
            : `contains ${bidi ? 'a bidirectional control' : tag ? 'a tag character / variation selector (can carry hidden data)' : 'an invisible character'} ${escapeUnusual(c)}.`,
        key: `char:${cp.toString(16)}:${escapeUnusual(t.slice(Math.max(0, i - 20), i + 20))}`,
        data: { codePoint: `U+${cp.toString(16).toUpperCase().padStart(4, '0')}` },
      });
    }
    for (const [name, node] of a.w.names) {
      if (n >= MAX_PER_FILE) break;
      if (!/[A-Za-z]/.test(name) || ![...name].some((ch) => isConfusableLetter(ch.codePointAt(0) as number))) continue;
      n++;
      a.report(rule, { node, severity: 'high', message: `identifier ${escapeUnusual(name)} mixes Latin with look-alike letters.`, key: `ident:${escapeUnusual(name)}` });
    }
  },
};

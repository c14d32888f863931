// Unusual Unicode in source: bidirectional controls (Trojan Source), invisible characters, tag
// characters and variation selectors (which can carry hidden payloads), and identifiers mixing
// Latin with look-alike letters. Self-contained on purpose: scan does not depend on core's skeleton.
import type { Rule } from '../rule.ts';
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
      'within its string literal (right-to-left UI text), which cannot reorder the code around it.',
  },
  text(a) {
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

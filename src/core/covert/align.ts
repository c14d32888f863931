// Aligns two versions of a prompt text: lines first (prompts change line by line: a date, a
// path, a memory file), then tokens inside each changed run of lines, so that a hunk is as small
// as a word, a space run or a single punctuation or invisible character. Hunks are char offsets.
import { diffSeq, Interner, type Edit } from './diff.ts';

/** a[aStart, aEnd) became b[bStart, bEnd), offsets in UTF-16 code units. */
export type Hunk = Edit;

/**
 * Token: a run of letters/digits/marks (a word), a run of horizontal whitespace, a newline, or one
 * code point of anything else (punctuation, symbols, invisible characters: each stands alone, so a
 * zero-width character inside a word splits it and shows up as its own change).
 */
const TOKEN = /[\p{L}\p{N}\p{M}_]+|[^\S\n]+|\n|[\s\S]/gu;

/** Start offsets of the tokens of s, plus s.length as a sentinel. */
export function tokenStarts(s: string): number[] {
  const out: number[] = [];
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(s); m !== null; m = TOKEN.exec(s)) out.push(m.index);
  out.push(s.length);
  return out;
}

/** Start offsets of lines (each line keeps its '\n'), plus s.length as a sentinel. */
export function lineStarts(s: string): number[] {
  const out = [0];
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) if (i + 1 < s.length) out.push(i + 1);
  out.push(s.length);
  return out;
}

function pieces(s: string, starts: number[], intern: Interner): Int32Array {
  const ids = new Int32Array(starts.length - 1);
  for (let i = 0; i + 1 < starts.length; i++) ids[i] = intern.id(s.slice(starts[i], starts[i + 1]));
  return ids;
}

/** The differences between a and b as char hunks, in order. */
export function alignTexts(a: string, b: string): Hunk[] {
  if (a === b) return [];
  const intern = new Interner();
  const la = lineStarts(a);
  const lb = lineStarts(b);
  const out: Hunk[] = [];
  for (const e of diffSeq(pieces(a, la, intern), pieces(b, lb, intern))) {
    const a0 = la[e.aStart]!;
    const a1 = la[e.aEnd]!;
    const b0 = lb[e.bStart]!;
    const b1 = lb[e.bEnd]!;
    if (a0 === a1 || b0 === b1) {
      out.push({ aStart: a0, aEnd: a1, bStart: b0, bEnd: b1 });
      continue;
    }
    const sa = a.slice(a0, a1);
    const sb = b.slice(b0, b1);
    const ta = tokenStarts(sa);
    const tb = tokenStarts(sb);
    const ti = new Interner();
    for (const t of diffSeq(pieces(sa, ta, ti), pieces(sb, tb, ti))) {
      out.push(narrow(a, b, { aStart: a0 + ta[t.aStart]!, aEnd: a0 + ta[t.aEnd]!, bStart: b0 + tb[t.bStart]!, bEnd: b0 + tb[t.bEnd]! }));
    }
  }
  return out;
}

const WORDISH = /[\p{L}\p{N}]/u;
const isHigh = (c: number): boolean => c >= 0xd800 && c <= 0xdbff;

/**
 * A token hunk that only adds or removes characters without letters or digits inside a word
 * ('careful' → 'care\u200bful') is narrowed to those characters, so the span shows exactly what
 * was hidden. Changes of letters keep whole tokens: 'Asia' → 'America' must not become 'sia' → 'merica'.
 */
function narrow(a: string, b: string, h: Hunk): Hunk {
  let p = 0;
  const la = h.aEnd - h.aStart;
  const lb = h.bEnd - h.bStart;
  while (p < la && p < lb && a.charCodeAt(h.aStart + p) === b.charCodeAt(h.bStart + p)) p++;
  if (p > 0 && isHigh(a.charCodeAt(h.aStart + p - 1))) p--;
  let q = 0;
  while (q < la - p && q < lb - p && a.charCodeAt(h.aEnd - 1 - q) === b.charCodeAt(h.bEnd - 1 - q)) q++;
  if (q > 0 && isHigh(a.charCodeAt(h.aEnd - q - 1)) && q < la - p) q--;
  const ra = a.slice(h.aStart + p, h.aEnd - q);
  const rb = b.slice(h.bStart + p, h.bEnd - q);
  if ((p === 0 && q === 0) || WORDISH.test(ra) || WORDISH.test(rb)) return h;
  return { aStart: h.aStart + p, aEnd: h.aEnd - q, bStart: h.bStart + p, bEnd: h.bEnd - q };
}

/** 1-based line number of offset i in s. */
export function lineOf(s: string, i: number): number {
  let n = 1;
  for (let j = s.indexOf('\n'); j >= 0 && j < i; j = s.indexOf('\n', j + 1)) n++;
  return n;
}

/** The whole line around offset range [start, end) (without its newline). */
export function lineAround(s: string, start: number, end: number): { text: string; start: number } {
  const ls = s.lastIndexOf('\n', start - 1) + 1;
  let le = s.indexOf('\n', Math.max(end, start));
  if (le < 0) le = s.length;
  if (end > le) le = end;
  return { text: s.slice(ls, le), start: ls };
}

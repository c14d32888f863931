// Classifies one difference between two versions of a prompt text. The order of the checks is
// the order of suspicion: a difference a reader cannot see (invisible characters, look-alikes)
// is the signature of a covert channel; a difference in how a value is written (case, quotes,
// spacing, date or number format) can split users into groups; a date that differs in value
// only is expected; anything else is content.
import { hiddenKind, tagAscii } from '../unicode/invisible.ts';
import { label } from '../unicode/names.ts';
import { skeleton } from '../unicode/skeleton.ts';
import { isEmojiBase, isZwjLeft, isZwjRight } from '../unicode/context.ts';
import { findDates, findNumbers, findTimes, sameNumberOtherFormat, type DateMatch } from './dates.ts';

export type ChangeClass = 'invisible' | 'confusable' | 'format' | 'dynamic' | 'content';
export type FormatKind = 'spacing' | 'case' | 'quotes' | 'date' | 'number' | 'punctuation';

export interface Classification {
  cls: ChangeClass;
  kind?: FormatKind | 'date' | 'time' | 'echo';
  /** Reviewer-facing: code points, formats ("U+0027 → U+2019", "Y-M-D vs D.M.Y"). */
  detail: string;
}

/** Invisible code points of s that are not explained by their neighbours (emoji sequences). */
export function hiddenCodePoints(s: string): number[] {
  const cps = [...s].map((c) => c.codePointAt(0)!);
  const out: number[] = [];
  for (let i = 0; i < cps.length; i++) {
    const cp = cps[i]!;
    const k = hiddenKind(cp);
    if (k === null || k === 'space') continue;
    if (cp === 0x200d && i > 0 && i + 1 < cps.length && isZwjLeft(cps[i - 1]!) && isZwjRight(cps[i + 1]!)) continue;
    if (cp === 0xfe0f && i > 0 && isEmojiBase(cps[i - 1]!)) continue;
    out.push(cp);
  }
  return out;
}

export const stripHidden = (s: string): string => {
  const hidden = new Set(hiddenCodePoints(s));
  return hidden.size === 0 ? s : [...s].filter((c) => !hidden.has(c.codePointAt(0)!)).join('');
};

/** "3× U+200B …" plus the ASCII text that tag characters spell, if any. */
export function describeHidden(cps: readonly number[]): string {
  if (cps.length === 0) return 'none';
  const counts = new Map<number, number>();
  for (const cp of cps) counts.set(cp, (counts.get(cp) ?? 0) + 1);
  const parts = [...counts].slice(0, 4).map(([cp, n]) => (n > 1 ? `${n}× ${label(cp)}` : label(cp)));
  if (counts.size > 4) parts.push(`… (${counts.size - 4} more)`);
  const tags = cps.map(tagAscii).filter((c) => c !== null).join('');
  return parts.join(', ') + (tags !== '' ? ` (tag text ${JSON.stringify(tags)})` : '');
}

const cpLabel = (c: string): string => {
  const cp = c.codePointAt(0)!;
  return cp >= 0x20 && cp < 0x7f ? `U+${cp.toString(16).toUpperCase().padStart(4, '0')} '${c}'` : label(cp);
};

/** Code points that differ between two equally visible strings: "U+0027 ''' → U+2019 …". */
export function describeSwap(a: string, b: string): string {
  const ca = [...a];
  const cb = [...b];
  if (ca.length === cb.length) {
    const diffs: string[] = [];
    for (let i = 0; i < ca.length && diffs.length < 4; i++) if (ca[i] !== cb[i]) diffs.push(`${cpLabel(ca[i]!)} → ${cpLabel(cb[i]!)}`);
    return diffs.join(', ');
  }
  const show = (cs: string[]): string => cs.slice(0, 6).map(cpLabel).join(' ') + (cs.length > 6 ? ' …' : '');
  return `${show(ca)} → ${show(cb)}`;
}

const QUOTES = /['"`‘’‚‛“”„‟«»‹›「」『』]/g;
const WS = /\s+/g;

/** [start, end) widened to whole non-space runs, so that "21" is seen inside "2026-11-21". */
function widen(s: string, start: number, end: number): [number, number] {
  let i = start;
  let j = end;
  while (i > 0 && !/\s/.test(s[i - 1]!)) i--;
  while (j < s.length && !/\s/.test(s[j]!)) j++;
  return [i, j];
}

const covering = <T extends { start: number; end: number }>(xs: T[], start: number, end: number): T | undefined =>
  xs.find((x) => x.start <= start && end <= x.end && (x.start < end || start === end));

/** What is known about the environment each side was written in (the probe knows its personas' locales). */
export interface ChangeHints {
  /** POSIX locale of a and of b, e.g. 'en_US.UTF-8'. */
  localeA?: string;
  localeB?: string;
}

const dateOrders = new Map<string, string | undefined>();

/**
 * Order of day, month and year in a numeric date under a POSIX locale ('de_DE.UTF-8' → 'DMY'),
 * as Intl writes it; undefined for C/POSIX and locales Intl does not know (it would answer en-US).
 */
export function localeDateOrder(locale: string | undefined): string | undefined {
  if (locale === undefined) return undefined;
  if (dateOrders.has(locale)) return dateOrders.get(locale);
  let order: string | undefined;
  const tag = locale.split(/[.@]/)[0]!.replace(/_/g, '-');
  try {
    if (tag !== '' && Intl.DateTimeFormat.supportedLocalesOf([tag]).length > 0) {
      const parts = new Intl.DateTimeFormat(tag, { year: 'numeric', month: '2-digit', day: '2-digit', timeZone: 'UTC' }).formatToParts(0);
      order = parts.map((x) => ({ year: 'Y', month: 'M', day: 'D' })[x.type as string] ?? '').join('');
    }
  } catch {
    // 'C' and other tags Intl rejects: no known order
  }
  dateOrders.set(locale, order);
  return order;
}

const fieldOrder = (format: string): string => format.replace(/[^YMD]/g, '');

/**
 * The formats of two dates. A numeric date with no field above 12 has two readings (12/07/2026:
 * D/M/Y or M/D/Y); the pair of readings closest in time decides (two runs see the same day, give
 * or take a time zone), preferring the same format. When pairs tie (12/07/2026 vs 07.12.2026 reads
 * as M/D/Y → D.M.Y and as D/M/Y → M.D.Y alike), the one whose field orders match the writers'
 * locales wins; with no locale to tell them apart, every reading is named rather than one guessed.
 */
export function dateFormats(da: DateMatch, db: DateMatch, hints: ChangeHints = {}): { sameFormat: boolean; label: string; ambiguous: boolean } {
  const oa = localeDateOrder(hints.localeA);
  const ob = localeDateOrder(hints.localeB);
  let best: { score: number; fit: number; pairs: [string, string][] } | null = null;
  for (const ra of da.readings) {
    for (const rb of db.readings) {
      const same = ra.format === rb.format;
      const score = Math.abs(ra.day - rb.day) - (same ? 0.5 : 0);
      const fit = (fieldOrder(ra.format) === oa ? 1 : 0) + (fieldOrder(rb.format) === ob ? 1 : 0);
      if (best === null || score < best.score || (score === best.score && fit > best.fit)) best = { score, fit, pairs: [[ra.format, rb.format]] };
      else if (score === best.score && fit === best.fit) best.pairs.push([ra.format, rb.format]);
    }
  }
  if (best === null) return { sameFormat: false, label: '? → ?', ambiguous: true };
  const [fa, fb] = best.pairs[0]!;
  const ambiguous = best.pairs.length > 1;
  if (fa === fb) return { sameFormat: true, label: best.pairs.map((p) => p[0]).join(' or '), ambiguous };
  return { sameFormat: false, label: best.pairs.map(([x, y]) => `${x} → ${y}`).join(' or '), ambiguous };
}

/**
 * Class of the change a[as, ae) → b[bs, be). a and b are the whole texts (for context: a date
 * around the changed digits). Never throws.
 */
export function classifyChange(a: string, as: number, ae: number, b: string, bs: number, be: number, hints: ChangeHints = {}): Classification {
  const ta = a.slice(as, ae);
  const tb = b.slice(bs, be);
  const ha = hiddenCodePoints(ta);
  const hb = hiddenCodePoints(tb);
  if (ha.join() !== hb.join()) {
    const same = stripHidden(ta) === stripHidden(tb);
    return {
      cls: 'invisible',
      detail: `invisible characters ${describeHidden(ha)} → ${describeHidden(hb)}${same ? '' : ' (next to a visible change)'}`,
    };
  }
  const sa = stripHidden(ta);
  const sb = stripHidden(tb);
  if (sa !== sb && skeleton(sa) === skeleton(sb)) return { cls: 'confusable', detail: `look-alike characters: ${describeSwap(sa, sb)}` };
  if (sa.replace(WS, '') === sb.replace(WS, '')) {
    return { cls: 'format', kind: 'spacing', detail: `whitespace ${JSON.stringify(ta)} → ${JSON.stringify(tb)}` };
  }
  if (sa.toLowerCase() === sb.toLowerCase()) return { cls: 'format', kind: 'case', detail: `letter case ${JSON.stringify(sa)} → ${JSON.stringify(sb)}` };
  if (sa.replace(QUOTES, '"') === sb.replace(QUOTES, '"')) return { cls: 'format', kind: 'quotes', detail: `quote style: ${describeSwap(sa, sb)}` };
  // Dates and numbers: look at the whole expression around the change.
  const [wa0, wa1] = widen(a, as, ae);
  const [wb0, wb1] = widen(b, bs, be);
  const lineA = lineBounds(a, as, ae);
  const lineB = lineBounds(b, bs, be);
  const da = covering(findDates(a.slice(lineA[0], lineA[1])), as - lineA[0], ae - lineA[0]);
  const db = covering(findDates(b.slice(lineB[0], lineB[1])), bs - lineB[0], be - lineB[0]);
  if (da !== undefined && db !== undefined) {
    const c = dateFormats(da, db, hints);
    return c.sameFormat
      ? { cls: 'dynamic', kind: 'date', detail: `date ${da.text} → ${db.text} (same format ${c.label})` }
      : { cls: 'format', kind: 'date', detail: `date format ${c.label} (${da.text} → ${db.text}${c.ambiguous ? '; ambiguous: no field above 12 and no known locale tells the readings apart' : ''})` };
  }
  if (covering(findTimes(a.slice(lineA[0], lineA[1])), as - lineA[0], ae - lineA[0]) && covering(findTimes(b.slice(lineB[0], lineB[1])), bs - lineB[0], be - lineB[0])) {
    return { cls: 'dynamic', kind: 'time', detail: `time ${JSON.stringify(ta)} → ${JSON.stringify(tb)}` };
  }
  const na = covering(findNumbers(a.slice(wa0, wa1)), as - wa0, ae - wa0);
  const nb = covering(findNumbers(b.slice(wb0, wb1)), bs - wb0, be - wb0);
  if (na !== undefined && nb !== undefined && sameNumberOtherFormat(na.text, nb.text)) {
    return { cls: 'format', kind: 'number', detail: `number format ${na.text} → ${nb.text}` };
  }
  const punct = (s: string): string => s.replace(/[\p{P}\s]/gu, '').toLowerCase();
  if (punct(a.slice(wa0, wa1)) === punct(b.slice(wb0, wb1)) && punct(sa) === punct(sb)) {
    return { cls: 'format', kind: 'punctuation', detail: `punctuation ${JSON.stringify(a.slice(wa0, wa1))} → ${JSON.stringify(b.slice(wb0, wb1))}` };
  }
  return { cls: 'content', detail: `${JSON.stringify(clip(ta))} → ${JSON.stringify(clip(tb))}` };
}

const clip = (s: string, n = 60): string => (s.length > n ? `${s.slice(0, n)}…` : s);

function lineBounds(s: string, start: number, end: number): [number, number] {
  const ls = s.lastIndexOf('\n', start - 1) + 1;
  let le = s.indexOf('\n', end);
  if (le < 0) le = s.length;
  return [ls, Math.max(le, end)];
}

// Dates and numbers written in different formats. A date that rolls over between time zones is
// the same format with another value (expected); the same date written D.M.Y for one user and
// M/D/Y for another is a formatting variant that splits users into groups (a possible signal).

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MONTH = '(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\\.?';

/** A weekday name (Sun first, as Date.getUTCDay counts). */
const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const WEEKDAY = '(?:Mon(?:day)?|Tue(?:s(?:day)?)?|Wed(?:nesday)?|Thu(?:r(?:s(?:day)?)?)?|Fri(?:day)?|Sat(?:urday)?|Sun(?:day)?)\\.?';

/**
 * Every date-like expression; the named groups say which shape matched. A weekday name in front
 * (`Thu Dec 03 2026`, as Date.prototype.toString writes) belongs to the date: it rolls over with it.
 * A date ends at its last digit: a full stop after it ends the sentence (`Today is 07.12.2026.`),
 * and counted in it would put that stop into the span a finding shows and the text compared.
 */
const DATE = new RegExp(
  `(?:(?<wd>${WEEKDAY}),? )?(?:` +
  [
    String.raw`(?<iso>\d{4}-\d{2}-\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?`,
    String.raw`(?<cjk>\d{4}年\d{1,2}月\d{1,2}日)`,
    String.raw`(?<num>\d{1,4}[./-]\d{1,2}[./-]\d{1,4})`,
    `(?<mdy>${MONTH} \\d{1,2},? \\d{4})`,
    `(?<dmy>\\d{1,2}\\.? ${MONTH},? \\d{4})`,
  ].join('|') + ')',
  'giu',
);

const TIME = /\b\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s?[AaPp]\.?[Mm]\.?)?(?:\s?(?:Z|UTC|GMT)?[+-]\d{1,2}(?::?\d{2})?|\s?(?:Z|UTC|GMT))?/g;

export interface DateMatch {
  start: number;
  end: number;
  text: string;
  /** Candidate readings: field order + separators, and the day number (for roll-over distance). */
  readings: { format: string; day: number }[];
}

const dayNumber = (y: number, m: number, d: number): number => Date.UTC(y < 100 ? 2000 + y : y, m - 1, d) / 86_400_000;
const valid = (y: number, m: number, d: number): boolean => m >= 1 && m <= 12 && d >= 1 && d <= 31 && y >= 0;
const monthOf = (s: string): number => MONTHS.indexOf(s.slice(0, 3).toLowerCase()) + 1;

function readings(m: RegExpExecArray): DateMatch['readings'] {
  const g = m.groups ?? {};
  if (g['iso'] !== undefined) {
    const [y, mo, d] = g['iso'].split('-').map(Number) as [number, number, number];
    return [{ format: 'Y-M-D', day: dayNumber(y, mo, d) }];
  }
  if (g['cjk'] !== undefined) {
    const [y, mo, d] = g['cjk'].split(/[年月日]/).map(Number) as [number, number, number];
    return [{ format: 'Y年M月D日', day: dayNumber(y, mo, d) }];
  }
  if (g['mdy'] !== undefined) {
    const [, mon, d, y] = /^(\S+) (\d+),? (\d+)$/.exec(g['mdy']) ?? [];
    return [{ format: `Mon D${g['mdy'].includes(',') ? ',' : ''} Y`, day: dayNumber(Number(y), monthOf(mon ?? ''), Number(d)) }];
  }
  if (g['dmy'] !== undefined) {
    const [, d, mon, y] = /^(\d+)\.? (\S+?),? (\d+)$/.exec(g['dmy']) ?? [];
    return [{ format: 'D Mon Y', day: dayNumber(Number(y), monthOf(mon ?? ''), Number(d)) }];
  }
  const text = g['num'] ?? '';
  const seps = text.replace(/\d/g, '');
  const parts = text.split(/[./-]/).map(Number) as [number, number, number];
  const out: DateMatch['readings'] = [];
  const [p, q, r] = parts;
  const long = text.split(/[./-]/).map((s) => s.length);
  if (long[0] === 4 && valid(p, q, r)) out.push({ format: `Y${seps[0]}M${seps[1]}D`, day: dayNumber(p, q, r) });
  if (long[2]! >= 2 && valid(r, q, p)) out.push({ format: `D${seps[0]}M${seps[1]}Y`, day: dayNumber(r, q, p) });
  if (long[2]! >= 2 && valid(r, p, q)) out.push({ format: `M${seps[0]}D${seps[1]}Y`, day: dayNumber(r, p, q) });
  return out;
}

/** Date expressions in s. */
export function findDates(s: string): DateMatch[] {
  const out: DateMatch[] = [];
  DATE.lastIndex = 0;
  for (let m = DATE.exec(s); m !== null; m = DATE.exec(s)) {
    let r = readings(m);
    let start = m.index;
    const wd = m.groups?.['wd'];
    if (wd !== undefined) {
      // The weekday is part of the date only where it is that date's weekday (a weekday that
      // disagrees is text of its own, and a change to it is content).
      const w = WEEKDAYS.indexOf(wd.slice(0, 3).toLowerCase());
      const agree = r.filter((x) => (((x.day + 4) % 7) + 7) % 7 === w);
      if (agree.length > 0) r = agree.map((x) => ({ ...x, format: `Wkd ${x.format}` }));
      else start += wd.length + (m[0][wd.length] === ',' ? 2 : 1);
    }
    if (r.length > 0) out.push({ start, end: m.index + m[0].length, text: s.slice(start, m.index + m[0].length), readings: r });
  }
  return out;
}

/** Time-of-day expressions in s (start, end). */
export function findTimes(s: string): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  TIME.lastIndex = 0;
  for (let m = TIME.exec(s); m !== null; m = TIME.exec(s)) out.push({ start: m.index, end: m.index + m[0].length });
  return out;
}

/**
 * Compares two dates: 'same' format (possibly another day: roll-over, a later run) or 'different'
 * format. The pair of readings closest in time decides, preferring the same field order.
 */
export function compareDates(a: DateMatch, b: DateMatch): { sameFormat: boolean; formats: [string, string] } {
  let best: { d: number; same: boolean; fa: string; fb: string } | null = null;
  for (const ra of a.readings) {
    for (const rb of b.readings) {
      const same = ra.format === rb.format;
      const d = Math.abs(ra.day - rb.day) - (same ? 0.5 : 0);
      if (best === null || d < best.d) best = { d, same, fa: ra.format, fb: rb.format };
    }
  }
  return best === null ? { sameFormat: false, formats: ['?', '?'] } : { sameFormat: best.same, formats: [best.fa, best.fb] };
}

const NUMBER = /\d{1,3}(?:[,. \u00A0\u202F'’]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?/g;

/** Numeric readings of a number written with group and decimal separators (both conventions). */
function numberReadings(s: string): { value: number; style: string }[] {
  const out: { value: number; style: string }[] = [];
  const seps = [...new Set(s.replace(/\d/g, ''))];
  if (seps.length === 0) return [{ value: Number(s), style: 'plain' }];
  for (const dec of ['.', ',']) {
    const last = s.lastIndexOf(dec);
    const groupPart = last >= 0 && seps.includes(dec) && s.indexOf(dec) === last ? s.slice(0, last) : s;
    const frac = groupPart === s ? '' : s.slice(last + 1);
    const groupSeps = [...new Set(groupPart.replace(/\d/g, ''))];
    if (groupSeps.length > 1) continue;
    if (groupSeps.length === 1 && !/^\d{1,3}(?:\D\d{3})+$/.test(groupPart)) continue;
    const v = Number(groupPart.replace(/\D/g, '') + (frac ? `.${frac}` : ''));
    out.push({ value: v, style: `group'${groupSeps[0] ?? ''}' decimal'${frac ? dec : ''}'` });
  }
  return out;
}

/** Number expressions in s (start, end, text). */
export function findNumbers(s: string): { start: number; end: number; text: string }[] {
  const out: { start: number; end: number; text: string }[] = [];
  NUMBER.lastIndex = 0;
  for (let m = NUMBER.exec(s); m !== null; m = NUMBER.exec(s)) out.push({ start: m.index, end: m.index + m[0].length, text: m[0] });
  return out;
}

/** True when a and b are the same number written with different separators. */
export function sameNumberOtherFormat(a: string, b: string): boolean {
  if (a === b) return false;
  for (const x of numberReadings(a)) for (const y of numberReadings(b)) if (x.value === y.value && x.style !== y.style) return true;
  return false;
}

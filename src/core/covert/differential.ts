// Differential comparison of what one tool sent under several environment personas, each run
// several times. A place in a request is a finding only when its value is a function of the
// persona: the same in every run of a persona, different between personas. Places that vary
// between runs of one persona are the tool's own nondeterminism (ids, timestamps, ordering) and
// are discounted, except for what hides in them: invisible characters, look-alikes or a date
// format that still follow the persona are reported.
import { alignTexts, lineOf, type Hunk } from './align.ts';
import { classifyChange, hiddenCodePoints, type ChangeClass, type Classification } from './classify.ts';
import { findDates, type DateMatch } from './dates.ts';
import { skeleton } from '../unicode/skeleton.ts';
import type { Severity } from '../types.ts';

export interface RunSample {
  persona: string;
  run: number;
  /** Requests of the run: a stable id (e.g. 'POST /v1/messages #1') and its fields. */
  requests: { id: string; fields: Map<string, string> }[];
}

export interface PersonaInfo {
  name: string;
  /** What varies from the baseline persona, e.g. 'tz', 'host', 'locale'. */
  dimension: string;
  /** Words of the values this persona sets (e.g. 'asia', 'shanghai'): echoing them is expected. */
  echo: ReadonlySet<string>;
  /** Its POSIX locale, when known: tells which reading of an ambiguous date (12/07/2026) it wrote. */
  locale?: string;
}

export interface Difference {
  severity: Severity;
  cls: ChangeClass;
  kind?: string;
  dimension: string;
  persona: string;
  request: string;
  field: string;
  /** 1-based line in the baseline value and in the persona's value. */
  line: number;
  personaLine: number;
  /** The line(s) around the change in each value, with the change's span inside them. */
  baseline: { text: string; start: number; end: number };
  variant: { text: string; start: number; end: number };
  /** Span of the change in the persona's whole value (UTF-16 offsets). */
  at: { start: number; end: number };
  detail: string;
  /** 'value': the place is the same in every run of a persona; 'hidden-in-noise': a feature of a varying place. */
  basis: 'value' | 'hidden-in-noise' | 'presence';
}

export interface DifferentialResult {
  differences: Difference[];
  /** Places that vary between runs of one persona (discounted). */
  noisyPlaces: number;
  comparedFields: number;
}

export const SEVERITY_OF: Record<ChangeClass, Severity> = { invisible: 'high', confusable: 'high', format: 'medium', content: 'low', dynamic: 'info' };

const words = (s: string): string[] => (s.toLowerCase().match(/[\p{L}\p{N}]{2,}/gu) ?? []);

/** Content that only repeats what the persona set (its time zone, user or host name) is expected. */
function isEcho(base: string, variant: string, p: PersonaInfo, b: PersonaInfo): boolean {
  const wv = words(variant);
  const wb = words(base);
  if (wv.length === 0 && wb.length === 0) return false;
  return wv.every((w) => p.echo.has(w)) && wb.every((w) => b.echo.has(w));
}

function mapPos(p: number, hunks: readonly Hunk[], end: boolean): number {
  let d = 0;
  for (const h of hunks) {
    const before = end ? h.aEnd <= p : h.aEnd < p || (h.aEnd === p && h.aStart < p);
    if (before) d += h.bEnd - h.bStart - (h.aEnd - h.aStart);
  }
  return p + d;
}

/** Offset in the reference of offset p in a value aligned with it by hunks (inverse of mapPos). */
function toRef(p: number, hunks: readonly Hunk[], end: boolean): number {
  let d = 0;
  for (const h of hunks) {
    if (p <= h.bStart) break;
    if (p < h.bEnd) return end ? h.aEnd : h.aStart;
    d += h.bEnd - h.bStart - (h.aEnd - h.aStart);
  }
  return p - d;
}

/** Dates on the lines of [s, e) in t (a date never spans a line), memoised per line start. */
function datesNear(t: string, s: number, e: number, memo: Map<number, DateMatch[]>): DateMatch[] {
  const out: DateMatch[] = [];
  for (const p of s === e ? [s] : [s, e]) {
    const ls = t.lastIndexOf('\n', p - 1) + 1;
    let ds = memo.get(ls);
    if (ds === undefined) {
      let le = t.indexOf('\n', p);
      if (le < 0) le = t.length;
      ds = findDates(t.slice(ls, le)).map((d) => ({ ...d, start: d.start + ls, end: d.end + ls }));
      memo.set(ls, ds);
    }
    for (const d of ds) if (!out.includes(d)) out.push(d);
  }
  return out;
}

const cuts = (d: { start: number; end: number }, s: number, e: number): boolean =>
  s === e ? d.start < s && s < d.end : Math.max(s, d.start) < Math.min(e, d.end);

/**
 * The reference spans of a value's hunks, each widened to the whole date it cuts into on either
 * side: token alignment splits 12/07/2026 → 07.12.2026 into "12/" deleted and "/" → ".12.", two
 * changes that are one date written another way, and a date is only recognised whole.
 */
export function hunkSpans(ref: string, v: Val, refMemo: Map<number, DateMatch[]>): [number, number][] {
  const memo = new Map<number, DateMatch[]>();
  return v.hunks.map((h) => {
    let s = h.aStart;
    let e = h.aEnd;
    for (const d of datesNear(ref, h.aStart, h.aEnd, refMemo)) {
      if (cuts(d, h.aStart, h.aEnd)) [s, e] = [Math.min(s, d.start), Math.max(e, d.end)];
    }
    for (const d of datesNear(v.text, h.bStart, h.bEnd, memo)) {
      if (cuts(d, h.bStart, h.bEnd)) [s, e] = [Math.min(s, toRef(d.start, v.hunks, false)), Math.max(e, toRef(d.end, v.hunks, true))];
    }
    return [s, e];
  });
}

/**
 * The places of a field: the spans of every value, merged. Spans that only touch (one ends where
 * the next begins) are one place: a place takes in what a value inserted at its edges (mapPos), so
 * as two places, a character inserted where they meet would be in both and reported twice.
 */
function clusters(all: readonly (readonly [number, number])[][]): [number, number][] {
  const iv = all.flat().sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const out: [number, number][] = [];
  for (const [s, e] of iv) {
    const last = out[out.length - 1];
    if (last !== undefined && s <= last[1]) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}

const FEATURES: { name: string; cls: ChangeClass; of: (s: string) => string }[] = [
  { name: 'invisible characters', cls: 'invisible', of: (s) => hiddenCodePoints(s).map((c) => c.toString(16)).join(' ') },
  { name: 'look-alike characters', cls: 'confusable', of: (s) => [...new Set([...s].filter((c) => c.charCodeAt(0) > 0x7f && skeleton(c) !== c && /^[\x20-\x7e]+$/.test(skeleton(c))))].sort().join('') },
  { name: 'date format', cls: 'format', of: (s) => findDates(s).map((d) => d.readings.map((r) => r.format).join('|')).join(',') },
];

interface Val {
  persona: string;
  text: string;
  hunks: Hunk[];
}

/** Compares every field of every request across the runs; `baseline` names the reference persona. */
export function differential(samples: readonly RunSample[], personas: readonly PersonaInfo[], baseline: string): DifferentialResult {
  const info = new Map(personas.map((p) => [p.name, p]));
  const base = info.get(baseline);
  const result: DifferentialResult = { differences: [], noisyPlaces: 0, comparedFields: 0 };
  const baseRuns = samples.filter((s) => s.persona === baseline);
  if (base === undefined || baseRuns.length === 0) return result;
  // request id → field → per run value (undefined: field or request absent in that run)
  const requestIds = new Set(samples.flatMap((s) => s.requests.map((r) => r.id)));
  for (const rid of requestIds) {
    const perRun = samples.map((s) => ({ s, req: s.requests.find((r) => r.id === rid) }));
    const fieldNames = new Set(perRun.flatMap((x) => (x.req ? [...x.req.fields.keys()] : [])));
    // A request some runs did not make: compare presence like a field.
    const presence = perRun.map((x) => ({ persona: x.s.persona, has: x.req !== undefined }));
    const pres = presenceDiff(presence, baseline);
    for (const p of pres) result.differences.push(presenceDifference(p, info, rid, '(request)'));
    for (const field of fieldNames) {
      result.comparedFields++;
      const vals = perRun.filter((x) => x.req !== undefined).map((x) => ({ persona: x.s.persona, text: x.req!.fields.get(field) }));
      const fp = presenceDiff(vals.map((v) => ({ persona: v.persona, has: v.text !== undefined })), baseline);
      for (const p of fp) result.differences.push(presenceDifference(p, info, rid, field));
      const present = vals.filter((v): v is { persona: string; text: string } => v.text !== undefined);
      const ref = present.find((v) => v.persona === baseline);
      if (ref === undefined || present.every((v) => v.text === ref.text)) continue;
      compareField(ref.text, present.map((v) => ({ persona: v.persona, text: v.text, hunks: alignTexts(ref.text, v.text) })), info, base, rid, field, result);
    }
  }
  result.differences.sort((a, b) => sevRank(b.severity) - sevRank(a.severity) || a.request.localeCompare(b.request) || a.field.localeCompare(b.field) || a.line - b.line);
  return result;
}

const sevRank = (s: Severity): number => ['info', 'low', 'medium', 'high', 'critical'].indexOf(s);

function presenceDiff(xs: { persona: string; has: boolean }[], baseline: string): { persona: string; has: boolean }[] {
  const by = new Map<string, Set<boolean>>();
  for (const x of xs) (by.get(x.persona) ?? by.set(x.persona, new Set()).get(x.persona)!).add(x.has);
  const b = by.get(baseline);
  if (b === undefined || b.size !== 1) return [];
  const bHas = [...b][0]!;
  const out: { persona: string; has: boolean }[] = [];
  for (const [p, set] of by) if (p !== baseline && set.size === 1 && [...set][0] !== bHas) out.push({ persona: p, has: !bHas });
  return out;
}

function presenceDifference(p: { persona: string; has: boolean }, info: Map<string, PersonaInfo>, request: string, field: string): Difference {
  const what = field === '(request)' ? 'request' : 'field';
  return {
    severity: 'low', cls: 'content', dimension: info.get(p.persona)?.dimension ?? '?', persona: p.persona, request, field, line: 1, personaLine: 1,
    baseline: { text: p.has ? '' : '(present)', start: 0, end: 0 }, variant: { text: p.has ? '(present)' : '', start: 0, end: 0 },
    at: { start: 0, end: 0 }, detail: p.has ? `${what} sent only under this persona` : `${what} not sent under this persona`, basis: 'presence',
  };
}

function compareField(ref: string, vals: Val[], info: Map<string, PersonaInfo>, base: PersonaInfo, request: string, field: string, out: DifferentialResult): void {
  const refMemo = new Map<number, DateMatch[]>();
  for (const [c0, c1] of clusters(vals.map((v) => hunkSpans(ref, v, refMemo)))) {
    const at = vals.map((v) => ({ v, start: mapPos(c0, v.hunks, false), end: mapPos(c1, v.hunks, true) }));
    const text = (x: (typeof at)[number]): string => x.v.text.slice(x.start, x.end);
    const byPersona = new Map<string, Set<string>>();
    for (const x of at) (byPersona.get(x.v.persona) ?? byPersona.set(x.v.persona, new Set()).get(x.v.persona)!).add(text(x));
    const consistent = [...byPersona.values()].every((s) => s.size === 1);
    const baseVal = byPersona.get(base.name);
    if (baseVal === undefined) continue;
    const refAt = at.find((x) => x.v.persona === base.name)!;
    if (consistent) {
      const seen = new Set<string>();
      for (const x of at) {
        const p = info.get(x.v.persona);
        if (p === undefined || p.name === base.name || seen.has(p.name) || text(x) === text(refAt)) continue;
        seen.add(p.name);
        let c: Classification = classifyChange(refAt.v.text, refAt.start, refAt.end, x.v.text, x.start, x.end, { localeA: base.locale, localeB: p.locale });
        if (c.cls === 'content' && isEcho(text(refAt), text(x), p, base)) c = { cls: 'dynamic', kind: 'echo', detail: `repeats the persona's ${p.dimension}: ${c.detail}` };
        out.differences.push(diffOf(c, p, request, field, refAt.v.text, c0, c1, x.v.text, x.start, x.end, 'value'));
      }
      continue;
    }
    out.noisyPlaces++;
    for (const f of FEATURES) {
      const fp = new Map<string, Set<string>>();
      for (const x of at) (fp.get(x.v.persona) ?? fp.set(x.v.persona, new Set()).get(x.v.persona)!).add(f.of(text(x)));
      if (![...fp.values()].every((s) => s.size === 1)) continue;
      const bf = [...fp.get(base.name)!][0]!;
      for (const [pn, s] of fp) {
        const pv = [...s][0]!;
        const p = info.get(pn);
        if (p === undefined || pn === base.name || pv === bf) continue;
        const x = at.find((y) => y.v.persona === pn)!;
        const c: Classification = { cls: f.cls, detail: `${f.name} follow the persona inside a varying place: ${JSON.stringify(bf)} → ${JSON.stringify(pv)}` };
        out.differences.push(diffOf(c, p, request, field, refAt.v.text, c0, c1, x.v.text, x.start, x.end, 'hidden-in-noise'));
      }
    }
  }
}

function diffOf(c: Classification, p: PersonaInfo, request: string, field: string, a: string, a0: number, a1: number, b: string, b0: number, b1: number, basis: Difference['basis']): Difference {
  const la = lineSpan(a, a0, a1);
  const lb = lineSpan(b, b0, b1);
  return {
    severity: SEVERITY_OF[c.cls], cls: c.cls, ...(c.kind !== undefined ? { kind: c.kind } : {}), dimension: p.dimension, persona: p.name, request, field,
    line: lineOf(a, a0), personaLine: lineOf(b, b0), baseline: la, variant: lb, at: { start: b0, end: b1 }, detail: c.detail, basis,
  };
}

const MAX_LINE = 400;

/** The line(s) around [s, e), clipped to MAX_LINE chars, with the span relative to it. */
function lineSpan(t: string, s: number, e: number): { text: string; start: number; end: number } {
  let ls = t.lastIndexOf('\n', s - 1) + 1;
  let le = t.indexOf('\n', e);
  if (le < 0) le = t.length;
  if (e > le) le = e;
  if (le - ls > MAX_LINE) {
    ls = Math.max(ls, s - 150);
    le = Math.min(le, Math.max(e + 150, ls + MAX_LINE));
  }
  return { text: t.slice(ls, le), start: s - ls, end: e - ls };
}

// --diff: only what is new or changed in B. Findings match on their fingerprint (rule + code shape
// with local names erased + decoded constants), so a re-minified bundle with renamed identifiers
// matches itself; a finding whose shape matches but whose decoded values differ is "changed".
// Coverage gaps match the same way, but B's are never dropped: code B's scan did not read is not
// vouched for by a diff either (carried as `unchanged`).
import { rank } from './rank.ts';
import type { ScanFinding, ScanResult } from './types.ts';
import { switchEffect } from './rules/telemetry-switch.ts';

export interface Changed {
  finding: ScanFinding;
  before: ScanFinding;
  added: string[];
  removed: string[];
  /** What changed when no value was added or removed (order, repeats, the code cited). */
  note?: string;
}
export interface DiffResult {
  a: ScanResult;
  b: ScanResult;
  added: ScanFinding[];
  changed: Changed[];
  /** Findings of A with no counterpart in B. */
  removed: number;
  /**
   * B's coverage gaps (code not read, platform packages not scanned) that A had too: not new, but
   * still unread, so the diff can vouch for that code no more than the scan of B could.
   */
  gaps: ScanFinding[];
}

export function diff(a: ScanResult, b: ScanResult): DiffResult {
  const pool = new Map<string, number>();
  for (const f of a.findings) pool.set(f.fingerprint, (pool.get(f.fingerprint) ?? 0) + 1);
  const unmatched: ScanFinding[] = [];
  const gaps: ScanFinding[] = [];
  let matched = 0;
  for (const f of b.findings) {
    const n = pool.get(f.fingerprint) ?? 0;
    if (n > 0) {
      pool.set(f.fingerprint, n - 1);
      matched++;
      if (f.category === 'coverage') gaps.push(f);
    } else unmatched.push(f);
  }
  // Leftovers of A by shape, for "changed".
  const byShape = new Map<string, ScanFinding[]>();
  for (const f of a.findings) {
    if ((pool.get(f.fingerprint) ?? 0) <= 0) continue;
    pool.set(f.fingerprint, (pool.get(f.fingerprint) ?? 0) - 1);
    const list = byShape.get(f.shape) ?? [];
    list.push(f);
    byShape.set(f.shape, list);
  }
  const added: ScanFinding[] = [];
  const changed: Changed[] = [];
  for (const f of unmatched) {
    const before = byShape.get(f.shape)?.shift();
    if (!before) { added.push(f); continue; }
    const wasList = valuesOf(before);
    const nowList = valuesOf(f);
    const was = new Set(wasList);
    const now = new Set(nowList);
    const c: Changed = { finding: f, before, added: [...now].filter((x) => !was.has(x)), removed: [...was].filter((x) => !now.has(x)) };
    if (c.added.length === 0 && c.removed.length === 0) c.note = sameValues(before, f, wasList, nowList);
    changed.push(c);
  }
  const removed = a.findings.length - matched - changed.length;
  return { a, b, added: rank(added), changed, removed, gaps };
}

export interface Switch { name: string; type: string }

/**
 * What a report of the diff says beyond its findings: which versions it compares (a heading that
 * named B alone read as a scan of B), and the switches of each version, since the findings hold only
 * the new ones: "no switch found" would be false of a switch A had and B kept.
 */
export interface DiffContext {
  /** Package name and version of A and of B (the target when there is no package.json). */
  from: string;
  to: string;
  switches: { a: Switch[]; b: Switch[] };
}
export interface DiffScanResult extends ScanResult { diff: DiffContext }

/** The diff's context when a result is one (diffAsResult), else undefined. */
export const diffContext = (r: ScanResult): DiffContext | undefined => (r as Partial<DiffScanResult>).diff;

/** `name@version` of what was scanned, or its target. */
export const resultName = (r: ScanResult): string => r.pkg.name ? `${r.pkg.name}${r.pkg.version ? '@' + r.pkg.version : ''}` : r.target;

/** A report's heading name: `A → B` for a diff, the package for a scan. */
export const headingName = (r: ScanResult): string => {
  const c = diffContext(r);
  return c ? `${c.from} → ${c.to}` : resultName(r);
};

const switchesOf = (r: ScanResult): Switch[] =>
  [...new Map(r.findings.filter((f) => f.rule === 'telemetry-switch').map((f) => [`${String(f.data?.type)}:${String(f.data?.name)}`, { name: String(f.data?.name), type: String(f.data?.type) }])).values()];

export type Effect = 'off' | 'on' | 'toggle';

/**
 * The telemetry switches a report lists, by effect (telemetry-switch.ts): those of the result, or
 * for a diff those of B, new ones told apart from those A had (`kept`), and A's that B no longer has.
 */
export function switchesByEffect(r: ScanResult, current: readonly Switch[]): Record<Effect, { added: string[]; kept: string[]; gone: string[] }> {
  const out: Record<Effect, { added: string[]; kept: string[]; gone: string[] }> = { off: { added: [], kept: [], gone: [] }, on: { added: [], kept: [], gone: [] }, toggle: { added: [], kept: [], gone: [] } };
  const c = diffContext(r);
  const key = (x: Switch): string => `${x.type}:${x.name}`;
  const inA = new Set((c?.switches.a ?? []).map(key));
  const inB = new Set((c?.switches.b ?? []).map(key));
  for (const x of c ? c.switches.b : current) out[switchEffect(x.name, x.type)][c && inA.has(key(x)) ? 'kept' : 'added'].push(x.name);
  for (const x of c?.switches.a ?? []) if (!inB.has(key(x))) out[switchEffect(x.name, x.type)].gone.push(x.name);
  return out;
}

/**
 * The lines a report writes about the switches, each name through `fmt` (escaped for the format).
 * A diff lists B's switches, new ones marked, and says so when they are unchanged since A: the
 * findings of a diff hold only new switches, and "no switch found" must never be said of one A had.
 */
export function switchLines(r: ScanResult, current: readonly Switch[], fmt: (name: string) => string): string[] {
  const by = switchesByEffect(r, current);
  const diff = diffContext(r) !== undefined;
  const list = (xs: string[]): string => xs.map(fmt).join(', ');
  const names = (g: { added: string[]; kept: string[] }): string => !diff ? list(g.added)
    : g.kept.length === 0 ? `${list(g.added)} (new in B)`
      : g.added.length === 0 ? `${list(g.kept)} (unchanged since A)`
        : `${list(g.added)} (new in B); ${list(g.kept)} (unchanged since A)`;
  const gone = (g: { gone: string[] }): string => (g.gone.length > 0 ? `; no longer found: ${list(g.gone)}` : '');
  const lines: string[] = [];
  const off = by.off;
  if (off.added.length + off.kept.length > 0) lines.push(`switched off by: ${names(off)}${gone(off)}`);
  else if (off.gone.length > 0) lines.push(`no switch found in B to turn it off; A was switched off by ${list(off.gone)}, no longer found`);
  else lines.push('no switch found to turn it off');
  for (const [effect, label] of [['toggle', 'on/off settings'], ['on', 'switched on (not off) by']] as const) {
    const g = by[effect];
    if (g.added.length + g.kept.length > 0) lines.push(`${label}: ${names(g)}${gone(g)}`);
    else if (g.gone.length > 0) lines.push(`${label}: none in B; no longer found: ${list(g.gone)}`);
  }
  return lines;
}

/** Whether a diff's B lost a switch A had: news for the report although no finding is new. */
export const switchesRemoved = (r: ScanResult): boolean => {
  const c = diffContext(r);
  if (c === undefined) return false;
  const inB = new Set(c.switches.b.map((x) => `${x.type}:${x.name}`));
  return c.switches.a.some((x) => !inB.has(`${x.type}:${x.name}`));
};

/**
 * The diff as a scan result (new and changed findings, and B's coverage gaps A had too), so every
 * report format can render it, with the verdict of a scan that did not read all of B.
 */
export function diffAsResult(d: DiffResult): DiffScanResult {
  const findings = [
    ...d.added,
    ...d.gaps.map((f) => ({ ...f, message: `unchanged since A: ${f.message}`, data: { ...f.data, diff: 'unchanged' } })),
    ...d.changed.map((c) => ({
      ...c.finding,
      message: `changed since A: ${c.finding.message}${listed(' Added', c.added)}${listed(' Removed', c.removed)}${c.note ? ` ${c.note}` : ''}`,
      data: { ...c.finding.data, diff: 'changed', addedValues: c.added, removedValues: c.removed, ...(c.note ? { note: c.note } : {}) },
    })),
  ];
  return {
    target: `${d.a.target} -> ${d.b.target}`,
    pkg: d.b.pkg,
    findings: rank(findings),
    stats: { ...d.b.stats, ms: d.a.stats.ms + d.b.stats.ms },
    diff: { from: resultName(d.a), to: resultName(d.b), switches: { a: switchesOf(d.a), b: switchesOf(d.b) } },
  };
}

/**
 * The values a finding's fingerprint covers: the whole list when the rule kept it (`values`, a
 * telemetry logger's `events`), since `decoded` holds only the part a report shows.
 */
function valuesOf(f: ScanFinding): string[] {
  for (const v of [f.data?.values, f.rule === 'telemetry-events' ? f.data?.events : undefined]) {
    if (Array.isArray(v)) return v.map(String);
  }
  return f.decoded ?? [];
}

const listed = (label: string, xs: string[]): string =>
  xs.length === 0 ? '' : `${label}: ${xs.slice(0, 10).join(', ')}${xs.length > 10 ? `, … (${xs.length} in all)` : ''}.`;

/** Why two findings of one shape differ when they hold the same set of values. */
function sameValues(before: ScanFinding, now: ScanFinding, was: string[], is: string[]): string {
  if (was.length !== is.length) return `The same values, repeated differently (${was.length} before, ${is.length} now).`;
  if (was.some((x, i) => x !== is[i])) return 'The same values, in another order.';
  // Equal as shown: a value longer than the part shown, or what the finding cites (the command
  // of an install script, whose text is its fingerprint).
  if (before.message !== now.message) return `Was: ${before.message}`;
  if (before.excerpt !== now.excerpt) return `Was: ${before.excerpt}`;
  return 'A value changed past the part shown.';
}

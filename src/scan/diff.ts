// --diff: only what is new or changed in B. Findings match on their fingerprint (rule + code shape
// with local names erased + decoded constants), so a re-minified bundle with renamed identifiers
// matches itself; a finding whose shape matches but whose decoded values differ is "changed".
import { rank } from './rank.ts';
import type { ScanFinding, ScanResult } from './types.ts';

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
}

export function diff(a: ScanResult, b: ScanResult): DiffResult {
  const pool = new Map<string, number>();
  for (const f of a.findings) pool.set(f.fingerprint, (pool.get(f.fingerprint) ?? 0) + 1);
  const unmatched: ScanFinding[] = [];
  let matched = 0;
  for (const f of b.findings) {
    const n = pool.get(f.fingerprint) ?? 0;
    if (n > 0) { pool.set(f.fingerprint, n - 1); matched++; } else unmatched.push(f);
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
  return { a, b, added: rank(added), changed, removed };
}

/** The diff as a scan result (new and changed findings), so every report format can render it. */
export function diffAsResult(d: DiffResult): ScanResult {
  const findings = [
    ...d.added,
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

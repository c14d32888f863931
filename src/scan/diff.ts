// --diff: only what is new or changed in B. Findings match on their fingerprint (rule + code shape
// with local names erased + decoded constants), so a re-minified bundle with renamed identifiers
// matches itself; a finding whose shape matches but whose decoded values differ is "changed".
import { rank } from './rank.ts';
import type { ScanFinding, ScanResult } from './types.ts';

export interface Changed { finding: ScanFinding; before: ScanFinding; added: string[]; removed: string[] }
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
    const was = new Set(before.decoded ?? []);
    const now = new Set(f.decoded ?? []);
    changed.push({ finding: f, before, added: [...now].filter((x) => !was.has(x)), removed: [...was].filter((x) => !now.has(x)) });
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
      message: `changed since A: ${c.finding.message}${c.added.length ? ` Added: ${c.added.slice(0, 10).join(', ')}.` : ''}${c.removed.length ? ` Removed: ${c.removed.slice(0, 10).join(', ')}.` : ''}`,
      data: { ...c.finding.data, diff: 'changed', addedValues: c.added, removedValues: c.removed },
    })),
  ];
  return {
    target: `${d.a.target} -> ${d.b.target}`,
    pkg: d.b.pkg,
    findings: rank(findings),
    stats: { ...d.b.stats, ms: d.a.stats.ms + d.b.stats.ms },
  };
}

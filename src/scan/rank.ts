// Ranking over volume: covert combinations first, then what a fingerprint reaches, hidden lists
// and comparisons, then the rest; routine reads are grouped. The summary is what fits on one screen.
import { severityRank } from '../core/types.ts';
import type { ScanFinding, ScanResult } from './types.ts';

// Unread code ranks above what was found in the code read: every other finding is partial without it.
const CATEGORY_BONUS: Record<string, number> = { covert: 60, coverage: 40, flow: 30, 'hidden-list': 15, fingerprint: 10, 'dynamic-code': 8, obfuscation: 6, package: 5, telemetry: 0 };

export function score(f: ScanFinding): number {
  let s = severityRank(f.severity) * 100 + (CATEGORY_BONUS[f.category] ?? 0);
  if (f.rule === 'fp-compare-constant' && f.data?.hidden) s += 20;
  if (f.rule === 'flow-fingerprint-selects-chars') s += 25;
  return s;
}

export function rank(findings: ScanFinding[]): ScanFinding[] {
  for (const f of findings) f.score = score(f);
  return findings.sort((a, b) => (b.score ?? 0) - (a.score ?? 0) || a.file.localeCompare(b.file) || a.offset - b.offset);
}

export interface Group { rule: string; severity: ScanFinding['severity']; count: number; first: ScanFinding }

export interface Summary {
  /** `incomplete`: code of the tool went unread (coverage findings), so it cannot be called clean. */
  verdict: 'covert' | 'incomplete' | 'review' | 'routine';
  headline: string;
  /** At most a screenful: one representative per (rule, message), ranked, with how many alike. */
  mustLook: Group[];
  routine: Group[];
  telemetry: {
    endpoints: Array<{ url: string; host: string; count: number; file: string; line: number; column: number }>;
    events: Array<{ callee: string; count: number; prefix: string; sample: string[] }>;
    switches: Array<{ name: string; type: string }>;
  };
  counts: Record<string, number>;
}

const MUST_LOOK_MAX = 12;

export function summarize(r: ScanResult): Summary {
  const counts: Record<string, number> = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
  for (const f of r.findings) counts[f.severity] = (counts[f.severity] ?? 0) + 1;
  const important = new Map<string, Group>();
  const routine = new Map<string, Group>();
  for (const f of r.findings) {
    const heavy = severityRank(f.severity) >= severityRank('medium') && f.category !== 'telemetry';
    const map = heavy ? important : routine;
    const key = heavy ? `${f.rule}\u0000${f.message}` : f.rule;
    const g = map.get(key);
    if (g) g.count++;
    else map.set(key, { rule: f.rule, severity: f.severity, count: 1, first: f });
  }
  const ranked = [...important.values()].sort((a, b) => (b.first.score ?? 0) - (a.first.score ?? 0));
  const mustLook = ranked.filter((g, i) => g.severity === 'critical' || i < MUST_LOOK_MAX);
  const covert = r.findings.some((f) => f.rule === 'covert-fingerprint-gate' || f.rule === 'flow-fingerprint-selects-chars');
  const gaps = r.findings.filter((f) => f.category === 'coverage' && severityRank(f.severity) >= severityRank('high'));
  const verdict = covert ? 'covert' : gaps.length > 0 ? 'incomplete' : counts.critical || counts.high ? 'review' : 'routine';
  const others = (counts.high ?? 0) - gaps.filter((f) => f.severity === 'high').length;
  const headline = covert
    ? 'COVERT BEHAVIOUR: a fingerprint of the machine or user is checked against specific constants and changes what the tool sends.'
    : verdict === 'incomplete'
      ? `Incomplete: part of the tool's code was not analysed, so this scan cannot call it clean${others > 0 ? `; ${others} other high-severity finding(s)` : ''}.`
      : verdict === 'review'
        ? `Review required: ${counts.high} high-severity finding(s); no covert combination found.`
        : 'No covert combination or high-severity finding; routine reads and endpoints listed below.';
  // A clean read of the JavaScript says nothing about compiled code shipped beside it, nor about
  // code it did not read.
  const native = r.findings.find((f) => f.rule === 'pkg-native-executable');
  const bins = Number(native?.data?.count ?? 1);
  const unread = r.findings.filter((f) => f.rule === 'coverage-unread-code');
  const platforms = r.findings.find((f) => f.rule === 'coverage-platform-packages');
  const spec = platforms?.data?.scan;
  const scope = [
    native === undefined ? '' : ` Not covered: ${bins} native binar${bins === 1 ? 'y' : 'ies'} this scan cannot read.`,
    unread.length === 0 ? '' : ` Not analysed: ${unread.length} code file(s) over the size limit (${unread.slice(0, 3).map((f) => f.file).join(', ')}${unread.length > 3 ? ', …' : ''}).`,
    platforms === undefined ? '' : ` Not scanned: ${(platforms.data?.packages as unknown[] | undefined)?.length ?? 0} platform package(s) of the tool${typeof spec === 'string' ? `; scan them, e.g. airlock scan ${spec}` : ''}.`,
  ].join('');
  const seenUrl = new Set<string>();
  const endpoints = r.findings
    .filter((f) => f.rule === 'telemetry-endpoint' && !seenUrl.has(String(f.data?.url)) && !!seenUrl.add(String(f.data?.url)))
    .map((f) => ({ url: String(f.data?.url ?? ''), host: String(f.data?.host ?? ''), count: Number(f.data?.count ?? 1), file: f.file, line: f.line, column: f.column }))
    // Full URLs with a path (where events are posted) before bare hosts from allow-lists.
    .sort((a, b) => Number(/^\w+:\/\/[^/]+\/./.test(b.url)) - Number(/^\w+:\/\/[^/]+\/./.test(a.url)) || b.count - a.count);
  const events = r.findings
    .filter((f) => f.rule === 'telemetry-events')
    .map((f) => ({ callee: String(f.data?.callee ?? ''), count: Number(f.data?.count ?? 0), prefix: String(f.data?.prefix ?? ''), sample: ((f.data?.events as string[]) ?? []).slice(0, 8) }))
    .sort((a, b) => b.count - a.count);
  const switches = [...new Map(r.findings.filter((f) => f.rule === 'telemetry-switch').map((f) => [String(f.data?.name), { name: String(f.data?.name), type: String(f.data?.type) }])).values()];
  return { verdict, headline: headline + scope, mustLook, routine: [...routine.values()].sort((a, b) => b.count - a.count), telemetry: { endpoints, events, switches }, counts };
}

// The JSON report: the summary a dashboard needs plus every finding.
import type { ScanResult } from '../types.ts';
import { summarize } from '../rank.ts';

export const SCHEMA_VERSION = 1;

export function toJson(r: ScanResult, extra: Record<string, unknown> = {}): string {
  const s = summarize(r);
  return JSON.stringify({
    tool: 'airlock-scan',
    schemaVersion: SCHEMA_VERSION,
    target: r.target,
    package: r.pkg,
    stats: r.stats,
    verdict: s.verdict,
    headline: s.headline,
    counts: s.counts,
    telemetry: s.telemetry,
    mustLook: s.mustLook.map((g) => ({ rule: g.rule, severity: g.severity, count: g.count, fingerprint: g.first.fingerprint })),
    ...extra,
    findings: r.findings,
  }, null, 2) + '\n';
}

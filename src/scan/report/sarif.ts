// SARIF 2.1.0 for code-scanning UIs (the envelope and levels: core/sarif.ts).
import type { ScanResult } from '../types.ts';
import { RULES } from '../rules/index.ts';
import { SARIF_LEVEL, SECURITY_SEVERITY, sarifLog, sarifRuleName } from '../../core/sarif.ts';

/** Findings of the scan itself, not of a rule: what it could not read (scan.ts, docs/scan.md "Coverage"). */
const COVERAGE = [
  { meta: { id: 'coverage-unread-code', title: 'Code not analysed', severity: 'high', category: 'coverage', explanation: 'A file of code was not read (over the per-file size limit): the verdict cannot vouch for it.' } },
  { meta: { id: 'coverage-platform-packages', title: "The tool's code is in platform packages", severity: 'high', category: 'coverage', explanation: "The package is a launcher; the tool's code ships in per-platform packages it depends on, which this scan did not fetch: scan them." } },
] as const;

export function toSarif(r: ScanResult, toolVersion = '0.1.0'): string {
  const all = [...RULES, ...COVERAGE];
  const ids = all.map((x) => x.meta.id);
  const rules = all.map((x) => ({
    id: x.meta.id,
    name: sarifRuleName(x.meta.id),
    shortDescription: { text: x.meta.title },
    fullDescription: { text: x.meta.explanation },
    help: { text: x.meta.explanation },
    defaultConfiguration: { level: SARIF_LEVEL[x.meta.severity] },
    properties: { category: x.meta.category, 'security-severity': SECURITY_SEVERITY[x.meta.severity], tags: ['security', x.meta.category] },
  }));
  const results = r.findings.map((f) => ({
    ruleId: f.rule,
    ruleIndex: ids.indexOf(f.rule),
    level: SARIF_LEVEL[f.severity],
    message: { text: f.message + (f.decoded?.length ? ` Decoded: ${f.decoded.slice(0, 20).join(', ')}` : '') },
    locations: [{
      physicalLocation: {
        artifactLocation: { uri: fileUri(f.file) },
        region: { startLine: f.line, startColumn: f.column, snippet: { text: f.excerpt } },
      },
    }],
    relatedLocations: (f.related ?? []).map((x, i) => ({
      id: i,
      message: { text: x.note },
      physicalLocation: { artifactLocation: { uri: fileUri(x.file) }, region: { startLine: x.line, startColumn: x.column, snippet: { text: x.excerpt } } },
    })),
    partialFingerprints: { 'airlockScan/v1': f.fingerprint },
    properties: { severity: f.severity, category: f.category, 'security-severity': SECURITY_SEVERITY[f.severity], kinds: f.kinds ?? [], data: f.data ?? {} },
  }));
  return sarifLog({ name: 'airlock-scan', version: toolVersion, rules }, results, { automationDetails: { id: `airlock-scan/${r.pkg.name ?? 'target'}` } });
}

/**
 * A package path as a relative URI reference (RFC 3986), as SARIF requires: each segment
 * percent-encoded, so that `#` or `?` in a file name is not read as a fragment or a query, `%` or a
 * space is not a broken escape, and a `:` in the first segment is not read as a scheme. `/` still
 * separates segments; `!'()*`, legal in a segment, stay (`<binary>!/<module>` reads as before).
 */
export function fileUri(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

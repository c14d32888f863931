// SARIF 2.1.0 for code-scanning UIs (the envelope and levels: core/sarif.ts).
import type { ScanResult } from '../types.ts';
import { RULES } from '../rules/index.ts';
import { SARIF_LEVEL, SECURITY_SEVERITY, sarifLog, sarifRuleName } from '../../core/sarif.ts';

export function toSarif(r: ScanResult, toolVersion = '0.1.0'): string {
  const ids = RULES.map((x) => x.meta.id);
  const rules = RULES.map((x) => ({
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
        artifactLocation: { uri: f.file },
        region: { startLine: f.line, startColumn: f.column, snippet: { text: f.excerpt } },
      },
    }],
    relatedLocations: (f.related ?? []).map((x, i) => ({
      id: i,
      message: { text: x.note },
      physicalLocation: { artifactLocation: { uri: x.file }, region: { startLine: x.line, startColumn: x.column, snippet: { text: x.excerpt } } },
    })),
    partialFingerprints: { 'airlockScan/v1': f.fingerprint },
    properties: { severity: f.severity, category: f.category, 'security-severity': SECURITY_SEVERITY[f.severity], kinds: f.kinds ?? [], data: f.data ?? {} },
  }));
  return sarifLog({ name: 'airlock-scan', version: toolVersion, rules }, results, { automationDetails: { id: `airlock-scan/${r.pkg.name ?? 'target'}` } });
}

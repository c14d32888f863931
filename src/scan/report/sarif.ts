// SARIF 2.1.0 for code-scanning UIs. Levels: critical/high -> error, medium -> warning, else note;
// `security-severity` carries the finer grade that GitHub code scanning reads.
import type { ScanResult } from '../types.ts';
import { RULES } from '../rules/index.ts';

const LEVEL: Record<string, 'error' | 'warning' | 'note'> = { critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' };
const SECURITY_SEVERITY: Record<string, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', info: '1.0' };

export function toSarif(r: ScanResult, toolVersion = '0.1.0'): string {
  const ids = RULES.map((x) => x.meta.id);
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'airlock-scan',
          version: toolVersion,
          rules: RULES.map((x) => ({
            id: x.meta.id,
            name: x.meta.id.replace(/(^|-)([a-z])/g, (_m: string, _d: string, ch: string) => ch.toUpperCase()),
            shortDescription: { text: x.meta.title },
            fullDescription: { text: x.meta.explanation },
            help: { text: x.meta.explanation },
            defaultConfiguration: { level: LEVEL[x.meta.severity] },
            properties: { category: x.meta.category, 'security-severity': SECURITY_SEVERITY[x.meta.severity], tags: ['security', x.meta.category] },
          })),
        },
      },
      automationDetails: { id: `airlock-scan/${r.pkg.name ?? 'target'}` },
      results: r.findings.map((f) => ({
        ruleId: f.rule,
        ruleIndex: ids.indexOf(f.rule),
        level: LEVEL[f.severity],
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
      })),
    }],
  };
  return JSON.stringify(log, null, 2) + '\n';
}

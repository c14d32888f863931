// The SARIF 2.1.0 envelope shared by `airlock scan` and `airlock inspect`: levels (critical/high ->
// error, medium -> warning, else note), the finer `security-severity` GitHub code scanning reads,
// and the log around a tool's rules and results.

export const SARIF_LEVEL: Record<string, 'error' | 'warning' | 'note'> = { critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' };
export const SECURITY_SEVERITY: Record<string, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', info: '1.0' };

/** A rule id as SARIF's PascalCase `name`: `covert-fingerprint-gate` → `CovertFingerprintGate`. */
export const sarifRuleName = (id: string): string => id.replace(/(^|[-/])([a-z0-9])/g, (_m: string, _d: string, ch: string) => ch.toUpperCase());

/** One run of one tool, as a SARIF log (pretty-printed, newline-terminated). */
export function sarifLog(driver: { name: string; version: string; rules: unknown[] }, results: unknown[], run: Record<string, unknown> = {}): string {
  const log = { $schema: 'https://json.schemastore.org/sarif-2.1.0.json', version: '2.1.0', runs: [{ tool: { driver }, ...run, results }] };
  return `${JSON.stringify(log, null, 2)}\n`;
}

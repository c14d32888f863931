// The terminal report: one screen that says what a reviewer must look at, then telemetry, then the
// routine reads grouped by rule. `--all` lists every finding after that.
import type { ScanFinding, ScanResult } from '../types.ts';
import { summarize, type Group } from '../rank.ts';
import { RULE_BY_ID } from '../rules/index.ts';
import { mb } from '../progress.ts';
import { escapeUnusual as safe } from '../excerpt.ts';
import { headingName, switchesRemoved, switchLines } from '../diff.ts';

export interface TerminalOptions { color: boolean; all?: boolean; title?: string }

const SEV_COLOR: Record<string, string> = { critical: '\x1b[1;37;41m', high: '\x1b[1;31m', medium: '\x1b[33m', low: '\x1b[36m', info: '\x1b[2m' };

export function renderTerminal(r: ScanResult, o: TerminalOptions): string {
  const c = (code: string, s: string): string => (o.color ? `${code}${s}\x1b[0m` : s);
  const sev = (s: string): string => c(SEV_COLOR[s] ?? '', s.toUpperCase().padEnd(8));
  const s = summarize(r);
  const out: string[] = [];
  // Everything the package wrote (its name, URLs, messages, paths) goes through `safe`: a raw
  // escape sequence in a string could move the cursor and rewrite the report on screen. A diff
  // names both versions, `A → B`.
  const name = safe(headingName(r));
  out.push(c('\x1b[1m', `${o.title ?? 'Airlock scan'}: ${name}`) + c('\x1b[2m', `  (${r.stats.files} file(s), ${mb(r.stats.bytes)}, ${(r.stats.ms / 1000).toFixed(1)} s)`));
  const vc = s.verdict === 'covert' ? '\x1b[1;37;41m' : s.verdict === 'routine' ? '\x1b[1;32m' : '\x1b[1;33m';
  out.push(c(vc, safe(s.headline))); // it names unread files and platform packages
  out.push(`Findings: ${['critical', 'high', 'medium', 'low', 'info'].map((k) => `${s.counts[k] ?? 0} ${k}`).join(', ')}`);
  if (r.stats.parseErrors > 0) out.push(c('\x1b[33m', `Note: ${r.stats.parseErrors} piece(s) had parse errors; findings there may be incomplete.`));
  out.push('');
  if (s.mustLook.length > 0) {
    out.push(c('\x1b[1m', 'Look at these first:'));
    s.mustLook.forEach((g, i) => out.push(...group(g, i + 1, sev, c)));
    out.push('');
  }
  const t = s.telemetry;
  if (t.endpoints.length || t.events.length || t.switches.length || switchesRemoved(r)) {
    out.push(c('\x1b[1m', 'Telemetry:'));
    for (const e of t.endpoints.slice(0, 15)) out.push(`  ${safe(e.url)}  ${c('\x1b[2m', `(${safe(e.file)}:${e.line}:${e.column}${e.count > 1 ? `, ${e.count}×` : ''})`)}`);
    if (t.endpoints.length > 15) out.push(`  … ${t.endpoints.length - 15} more`);
    for (const e of t.events.slice(0, 3)) out.push(`  events via ${safe(e.callee)}(): ${e.count}${e.prefix ? ` (${safe(e.prefix)}*)` : ''} e.g. ${e.sample.slice(0, 4).map(safe).join(', ')}`);
    // By what setting them does (telemetry-switch.ts); a diff's say what A had (diff.ts).
    for (const line of switchLines(r, t.switches, safe)) out.push(`  ${line}`);
    out.push('');
  }
  if (s.routine.length > 0) {
    out.push(c('\x1b[1m', 'Routine (grouped):'));
    for (const g of s.routine) out.push(`  ${sev(g.severity)} ${g.rule.padEnd(30)} ×${g.count}  ${c('\x1b[2m', RULE_BY_ID.get(g.rule)?.meta.title ?? '')}`);
    out.push('');
  }
  if (o.all) {
    out.push(c('\x1b[1m', 'All findings:'));
    for (const f of r.findings) out.push(...finding(f, sev, c));
  } else out.push(c('\x1b[2m', 'Use --all for every finding, --json / --sarif / --html for machine-readable or shareable reports.'));
  return out.join('\n') + '\n';
}

type Paint = (code: string, s: string) => string;

function group(g: Group, n: number, sev: (s: string) => string, c: Paint): string[] {
  const f = g.first;
  const lines = [`${String(n).padStart(2)}. ${sev(f.severity)} ${c('\x1b[1m', f.rule)}  ${safe(f.file)}:${f.line}:${f.column}${g.count > 1 ? c('\x1b[2m', `  (+${g.count - 1} alike)`) : ''}`];
  lines.push(`      ${safe(f.message)}`);
  lines.push(c('\x1b[2m', `      > ${safe(f.excerpt)}`));
  if (f.decoded?.length) lines.push(`      decoded: ${f.decoded.slice(0, 12).map((x) => safe(JSON.stringify(x))).join(', ')}${f.decoded.length > 12 ? `, … (${f.decoded.length})` : ''}`);
  for (const r of f.related ?? []) lines.push(c('\x1b[2m', `      ${safe(r.note)}: ${safe(r.file)}:${r.line}:${r.column}  > ${safe(r.excerpt.slice(0, 100))}`));
  return lines;
}

function finding(f: ScanFinding, sev: (s: string) => string, c: Paint): string[] {
  return [`${sev(f.severity)} ${f.rule}  ${safe(f.file)}:${f.line}:${f.column}  ${safe(f.message)}`, c('\x1b[2m', `    > ${safe(f.excerpt)}`)];
}

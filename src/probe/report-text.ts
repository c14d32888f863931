// Terminal report of a probe. Characters a terminal would not show (invisible, non-ASCII) are
// printed as \u{XXXX} so that the reviewer sees exactly what differs.
import type { Difference } from '../core/covert/differential.ts';
import { maskSecrets } from '../core/detect/mask-secrets.ts';
import type { ProbeReport } from './index.ts';

/** Escapes everything outside printable ASCII (and the backslash) as \u{XXXX}. */
export const visible = (s: string): string =>
  [...s].map((c) => (/[\x20-\x5b\x5d-\x7e→×…]/.test(c) ? c : c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : `\\u{${c.codePointAt(0)!.toString(16).toUpperCase()}}`)).join('');

/** Differences that are the same change at the same place in several requests, reported once. */
export function grouped(diffs: readonly Difference[]): { d: Difference; requests: string[] }[] {
  const by = new Map<string, { d: Difference; requests: string[] }>();
  for (const d of diffs) {
    const key = [d.persona, d.field, d.line, d.cls, d.detail].join('\u0000');
    const g = by.get(key);
    if (g) {
      if (!g.requests.includes(d.request)) g.requests.push(d.request);
    }
    else by.set(key, { d, requests: [d.request] });
  }
  return [...by.values()];
}

/**
 * The tool's command line as reports show it: a token passed as an argument is masked even in a
 * report that did not come from buildReport (one read back from --json, say).
 */
export const shownCommand = (r: Pick<ProbeReport, 'command'>): string => r.command.map(maskSecrets).join(' ');

/** "N personas × R runs + C confirmation runs = T runs": the confirmation runs are a phase of their own. */
export function runsLine(r: Pick<ProbeReport, 'personas' | 'runsPerPersona' | 'runs'>): string {
  const confirm = r.runs.filter((x) => x.run > r.runsPerPersona).length;
  return `${r.personas.length} personas × ${r.runsPerPersona} runs${confirm > 0 ? ` + ${confirm} confirmation run(s) = ${r.runs.length} runs` : `, ${r.runs.length} runs`}`;
}

/** "…context[change]context…" around the span, at most ~width characters. */
function excerpt(x: { text: string; start: number; end: number }, width = 110): string {
  const lead = Math.max(0, x.start - 40);
  const before = visible(x.text.slice(lead, x.start));
  const mid = visible(x.text.slice(x.start, x.end));
  const after = visible(x.text.slice(x.end, x.end + Math.max(10, width - before.length - mid.length)));
  return `${lead > 0 ? '…' : ''}${before}[${mid}]${after}${x.end + 70 < x.text.length ? '…' : ''}`;
}

export function renderText(r: ProbeReport, opts: { all?: boolean } = {}): string {
  const out: string[] = [];
  const secs = (r.durationMs / 1000).toFixed(1);
  out.push(`airlock probe: ${shownCommand(r)}`);
  out.push(`${runsLine(r)} in ${secs} s; ${r.requests.length} distinct request(s): ${r.requests.join(', ') || 'none'}`);
  const changed = r.dimensions.filter((d) => d.findings > 0);
  const verdict =
    r.verdict === 'failed' ? 'FAILED: nothing to compare'
      : r.verdict === 'clean' ? 'CLEAN: no persona dimension changes what the tool sends (beyond expected dynamic content)'
        : `FINDINGS: the requests depend on ${changed.map((d) => `${d.dimension} (${d.highest?.toUpperCase()})`).join(', ')}`;
  out.push(`Verdict: ${verdict}`, '');
  const w = Math.max(9, ...r.dimensions.map((d) => d.dimension.length));
  out.push(`${'dimension'.padEnd(w)}  findings  expected  highest  personas`);
  for (const d of r.dimensions) {
    out.push(`${d.dimension.padEnd(w)}  ${String(d.findings).padStart(8)}  ${String(d.expected).padStart(8)}  ${(d.highest ?? '-').padEnd(7)}  ${d.personas.join(', ')}`);
  }
  const findings = grouped(r.differences.filter((d) => d.severity !== 'info'));
  if (findings.length > 0) {
    out.push('', `Findings: ${findings.length}`);
    for (const { d, requests } of findings) {
      out.push(`  ${d.severity.toUpperCase().padEnd(6)} ${d.cls}${d.kind ? `/${d.kind}` : ''}  ${d.dimension} (${d.persona})  ${requests.join(', ')}  ${d.field}  line ${d.line}`);
      out.push(`         ${d.detail}`);
      if (d.basis !== 'presence') {
        out.push(`         baseline: ${excerpt(d.baseline)}`);
        out.push(`         ${d.persona.padEnd(8).slice(0, Math.max(8, d.persona.length))}: ${excerpt(d.variant)}`);
      }
    }
  }
  const expected = grouped(r.differences.filter((d) => d.severity === 'info'));
  if (expected.length > 0) {
    out.push('', `Expected dynamic content (not findings): ${expected.length}`);
    for (const { d } of opts.all === true ? expected : expected.slice(0, 8)) out.push(`  ${d.dimension} (${d.persona})  ${d.field}  line ${d.line}: ${visible(d.detail)}`);
    if (opts.all !== true && expected.length > 8) out.push(`  … ${expected.length - 8} more (--json for all)`);
  }
  out.push('', `Discounted: ${r.noisyPlaces} place(s) that vary between runs of the same persona (the tool's own nondeterminism); ${r.comparedFields} field(s) compared.`);
  if (r.problems.length > 0) {
    out.push('', 'Problems');
    for (const p of r.problems) out.push(`  ${p}`);
  }
  return out.join('\n');
}

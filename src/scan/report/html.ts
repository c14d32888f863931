// A self-contained HTML report: inline CSS, no scripts or external resources, every piece of
// evidence escaped (excerpts come from the scanned package and are hostile by assumption).
import type { ScanFinding, ScanResult } from '../types.ts';
import { summarize } from '../rank.ts';
import { RULE_BY_ID } from '../rules/index.ts';
import { mb } from '../progress.ts';
import { escapeHtml } from '../../core/text.ts';
import { escapeUnusual } from '../excerpt.ts';
import { headingName, switchLines } from '../diff.ts';


const CSS = `body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:70rem;color:#1b1f24;padding:0 1rem}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem;border-bottom:1px solid #ddd}
.verdict{padding:.6rem .9rem;border-radius:6px;font-weight:600}.covert{background:#b00020;color:#fff}.review,.incomplete{background:#fff3cd}.routine{background:#e6f4ea}
.f{border:1px solid #ddd;border-radius:6px;margin:.6rem 0;padding:.5rem .8rem}.sev{display:inline-block;min-width:5rem;font-weight:700;text-transform:uppercase;font-size:.8rem}
.critical .sev{color:#b00020}.high .sev{color:#d93025}.medium .sev{color:#b06000}.low .sev{color:#1a73e8}.info .sev{color:#5f6368}
code,pre{font:12px/1.4 ui-monospace,monospace;background:#f6f8fa;border-radius:4px}pre{padding:.4rem .6rem;white-space:pre-wrap;word-break:break-all;margin:.3rem 0}
.loc{color:#5f6368;font-size:.85rem}table{border-collapse:collapse}td,th{padding:.2rem .6rem;border-bottom:1px solid #eee;text-align:left}
details summary{cursor:pointer}`;

/**
 * Text from the package (names, URLs, paths, messages, excerpts, decoded values), escaped as the
 * terminal report escapes it (escapeUnusual: control, bidirectional, invisible and look-alike
 * characters as `\u{…}`), then for HTML: a U+202E in a URL would otherwise reorder what the page shows.
 */
const p = (s: string): string => escapeHtml(escapeUnusual(s));

export function toHtml(r: ScanResult, title = 'Airlock scan'): string {
  const s = summarize(r);
  const e = escapeHtml;
  const name = headingName(r); // `A → B` for a diff
  const parts: string[] = [];
  parts.push(`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">`);
  parts.push(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`);
  parts.push(`<title>${e(title)}: ${p(name)}</title><style>${CSS}</style></head><body>`);
  parts.push(`<h1>${e(title)}: ${p(name)}</h1>`);
  parts.push(`<p class="loc">${r.stats.files} file(s), ${mb(r.stats.bytes)}, ${(r.stats.ms / 1000).toFixed(1)} s. Findings: ${['critical', 'high', 'medium', 'low', 'info'].map((k) => `${s.counts[k] ?? 0} ${k}`).join(', ')}</p>`);
  parts.push(`<p class="verdict ${s.verdict}">${p(s.headline)}</p>`); // it names unread files and platform packages
  parts.push('<h2>Look at these first</h2>');
  if (s.mustLook.length === 0) parts.push('<p>Nothing above low severity.</p>');
  for (const g of s.mustLook) parts.push(card(g.first, g.count));
  const t = s.telemetry;
  parts.push('<h2>Telemetry</h2><table><tr><th>Endpoint</th><th>Where</th></tr>');
  for (const x of t.endpoints) parts.push(`<tr><td><code>${p(x.url)}</code></td><td class="loc">${p(x.file)}:${x.line}:${x.column}</td></tr>`);
  parts.push('</table>');
  for (const ev of t.events) parts.push(`<p>${ev.count} event names via <code>${p(ev.callee)}()</code>${ev.prefix ? ` (<code>${p(ev.prefix)}*</code>)` : ''}: ${ev.sample.map((x) => `<code>${p(x)}</code>`).join(' ')}</p>`);
  // A switch that turns telemetry on is not listed as a way to turn it off (telemetry-switch.ts);
  // a diff's switches say what A had (diff.ts).
  for (const line of switchLines(r, t.switches, (x) => `<code>${p(x)}</code>`)) parts.push(`<p>${line.charAt(0).toUpperCase()}${line.slice(1)}</p>`);
  parts.push('<h2>Routine (grouped)</h2><table><tr><th>Rule</th><th>Severity</th><th>Count</th><th>What</th></tr>');
  for (const g of s.routine) parts.push(`<tr><td><code>${e(g.rule)}</code></td><td>${g.severity}</td><td>${g.count}</td><td>${e(RULE_BY_ID.get(g.rule)?.meta.title ?? '')}</td></tr>`);
  parts.push('</table>');
  parts.push(`<h2>All findings (${r.findings.length})</h2><details><summary>Show</summary>`);
  for (const f of r.findings.slice(0, 5000)) parts.push(card(f, 1));
  parts.push('</details></body></html>\n');
  return parts.join('\n');
}

function card(f: ScanFinding, count: number): string {
  const e = escapeHtml;
  const meta = RULE_BY_ID.get(f.rule)?.meta;
  let h = `<div class="f ${f.severity}"><span class="sev">${f.severity}</span> <code>${e(f.rule)}</code> <span class="loc">${p(f.file)}:${f.line}:${f.column}${count > 1 ? ` (+${count - 1} alike)` : ''}</span>`;
  h += `<p>${p(f.message)}</p><pre>${p(f.excerpt)}</pre>`;
  if (f.decoded?.length) h += `<p>Decoded: ${f.decoded.slice(0, 50).map((x) => `<code>${p(x)}</code>`).join(' ')}</p>`;
  for (const r of f.related ?? []) h += `<p class="loc">${p(r.note)}: ${p(r.file)}:${r.line}:${r.column}</p><pre>${p(r.excerpt)}</pre>`;
  if (meta) h += `<details><summary>Why this matters</summary><p>${e(meta.explanation)}</p></details>`;
  return h + '</div>';
}

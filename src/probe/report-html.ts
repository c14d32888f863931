// Self-contained HTML report of a probe (no scripts, no external resources), for a security
// reviewer to send around: verdict, dimensions, and per finding a side-by-side view of the
// baseline and persona lines with the changed characters marked and every non-ASCII or invisible
// character shown as its code point.
import type { Difference } from '../core/covert/differential.ts';
import type { ProbeReport } from './index.ts';
import { grouped, runsLine, shownCommand } from './report-text.ts';
import { escapeHtml as esc } from '../core/text.ts';


/** Text with every character outside printable ASCII shown as a code point badge. */
function chars(s: string): string {
  let out = '';
  for (const c of s) {
    const cp = c.codePointAt(0)!;
    if (cp >= 0x20 && cp < 0x7f) out += esc(c);
    else if (c === '\n') out += '<span class="cp">\\n</span><br>';
    else out += `<span class="cp" title="U+${cp.toString(16).toUpperCase().padStart(4, '0')}">U+${cp.toString(16).toUpperCase().padStart(4, '0')}</span>`;
  }
  return out;
}

/** Prose (a finding's description): visible characters as they are, invisible ones as badges. */
function prose(s: string): string {
  let out = '';
  for (const c of s) {
    const cp = c.codePointAt(0)!;
    if (c !== ' ' && /[\p{C}\p{Z}]/u.test(c)) out += `<span class="cp">U+${cp.toString(16).toUpperCase().padStart(4, '0')}</span>`;
    else out += esc(c);
  }
  return out;
}

function side(x: Difference['baseline']): string {
  const lead = Math.max(0, x.start - 160);
  const tail = Math.min(x.text.length, x.end + 160);
  return `${lead > 0 ? '…' : ''}${chars(x.text.slice(lead, x.start))}<mark>${chars(x.text.slice(x.start, x.end)) || '<span class="empty">∅</span>'}</mark>${chars(x.text.slice(x.end, tail))}${tail < x.text.length ? '…' : ''}`;
}

const CSS = `body{font:14px/1.45 system-ui,sans-serif;margin:2em;color:#222}h1{font-size:1.4em}table{border-collapse:collapse;margin:1em 0}
td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}.diff td{font-family:ui-monospace,monospace;font-size:12.5px;width:50%;word-break:break-all}
mark{background:#ffd54f}.cp{background:#e3f2fd;border:1px solid #90caf9;border-radius:3px;font-size:10px;padding:0 2px;margin:0 1px}
.high{color:#b71c1c;font-weight:bold}.medium{color:#e65100;font-weight:bold}.low{color:#1565c0}.info{color:#555}.verdict{font-size:1.2em;padding:.5em;border-radius:4px}
.clean{background:#e8f5e9}.findings{background:#ffebee}.failed{background:#fff3e0}.empty{color:#999}section{margin-bottom:2em}`;

export function renderHtml(r: ProbeReport): string {
  const findings = grouped(r.differences.filter((d) => d.severity !== 'info'));
  const expected = grouped(r.differences.filter((d) => d.severity === 'info'));
  const verdict = r.verdict === 'clean' ? 'Clean: no persona dimension changes what the tool sends beyond expected dynamic content.'
    : r.verdict === 'failed' ? 'Failed: nothing to compare.' : `Findings: ${findings.length} persona-dependent difference(s).`;
  const h: string[] = [];
  h.push(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Airlock probe report</title><style>${CSS}</style></head><body>`);
  h.push(`<h1>Airlock probe report</h1><p><code>${esc(shownCommand(r))}</code><br>${esc(r.startedAt)} · ${esc(runsLine(r))} · ${(r.durationMs / 1000).toFixed(1)} s</p>`);
  h.push(`<p class="verdict ${r.verdict}">${esc(verdict)}</p>`);
  h.push('<section><h2>Dimensions</h2><table><tr><th>dimension</th><th>personas</th><th>findings</th><th>expected</th><th>highest</th></tr>');
  for (const d of r.dimensions) h.push(`<tr><td>${esc(d.dimension)}</td><td>${esc(d.personas.join(', '))}</td><td>${d.findings}</td><td>${d.expected}</td><td class="${d.highest ?? ''}">${esc(d.highest ?? '-')}</td></tr>`);
  h.push('</table></section>');
  const block = (title: string, list: typeof findings): void => {
    if (list.length === 0) return;
    h.push(`<section><h2>${esc(title)}</h2>`);
    for (const { d, requests } of list) {
      h.push(`<h3><span class="${d.severity}">${d.severity.toUpperCase()}</span> ${esc(d.cls)}${d.kind ? `/${esc(d.kind)}` : ''} — ${esc(d.dimension)} (persona ${esc(d.persona)})</h3>`);
      h.push(`<p>${esc(requests.join(', '))} · <code>${esc(d.field)}</code> · line ${d.line}<br>${prose(d.detail)}</p>`);
      if (d.basis !== 'presence') {
        h.push(`<table class="diff"><tr><th>baseline (line ${d.line})</th><th>${esc(d.persona)} (line ${d.personaLine})</th></tr><tr><td>${side(d.baseline)}</td><td>${side(d.variant)}</td></tr></table>`);
      }
    }
    h.push('</section>');
  };
  block('Findings', findings);
  block('Expected dynamic content (not findings)', expected);
  h.push(`<section><h2>Runs</h2><p>${r.noisyPlaces} place(s) varied between runs of the same persona and were discounted; ${r.comparedFields} field(s) compared.</p><table><tr><th>persona</th><th>run</th><th>exit</th><th>requests</th><th>ms</th></tr>`);
  for (const x of r.runs) h.push(`<tr><td>${esc(x.persona)}</td><td>${x.run}</td><td>${x.exitCode ?? '-'}${x.timedOut ? ' (timeout)' : ''}</td><td>${x.requests}</td><td>${x.durationMs}</td></tr>`);
  h.push('</table>');
  if (r.problems.length > 0) h.push(`<ul>${r.problems.map((p) => `<li>${esc(p)}</li>`).join('')}</ul>`);
  h.push('</section><section><h2>Personas</h2><table><tr><th>name</th><th>dimension</th><th>environment</th></tr>');
  for (const p of r.personas) h.push(`<tr><td>${esc(p.name)}</td><td>${esc(p.dimension)}</td><td>${esc(p.description)}</td></tr>`);
  h.push('</table></section></body></html>');
  return h.join('\n');
}

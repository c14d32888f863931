// Self-contained HTML report of a policy replay (`airlock policy test --replay … --html FILE`): no
// scripts, no external resources, for the reviewer of a policy change to read and pass around.
// What would change, at a glance (bars per kind of change, by rule and by team), then the example
// exchanges. Everything shown comes from the trail (user and model names are client-controlled):
// escaped, and invisible or control characters shown as code points. No prompt text is in a trail's
// findings beyond masked previews, and none is shown here.
import { actionText, type ReplayChange, type ReplaySummary } from './replay.ts';
import { escapeHtml as esc } from '../text.ts';

export interface ReplayReportMeta {
  /** The candidate policy file, and the hash of its text. */
  policy: string;
  policyHash: string;
  /** Where the records came from, credentials already masked. */
  source: string;
  /** The time window asked for, if any (ISO-8601). */
  since?: string;
  until?: string;
  generatedAt: string;
}


/** Escaped text with control, format and separator characters (but the space) shown as code points. */
function visible(s: string): string {
  let out = '';
  for (const c of s) {
    if (c !== ' ' && /[\p{C}\p{Z}]/u.test(c)) out += `<span class="cp">U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}</span>`;
    else out += esc(c);
  }
  return out;
}

/** How much stricter the candidate is for a change: its colour. */
const RANK: Record<string, number> = { allow: 0, alert: 1, redact: 2, route: 3, block: 4 };
function tone(change: string): string {
  const m = /^(\w+) → (\w+)$/.exec(change);
  if (m === null) return 'same';
  const d = (RANK[m[2]!] ?? 0) - (RANK[m[1]!] ?? 0);
  return d > 0 ? (m[2] === 'block' ? 'stricter block' : 'stricter') : 'looser';
}

function bars(rows: [string, number][], max: number): string {
  const h: string[] = ['<table class="bars"><tr><th>change</th><th>exchanges</th><th></th></tr>'];
  for (const [label, n] of rows) {
    const w = max > 0 ? Math.max(1, Math.round((n / max) * 100)) : 0;
    h.push(`<tr><td class="${tone(label)}">${visible(label)}</td><td class="n">${n.toLocaleString('en-US')}</td><td class="bar"><span class="${tone(label)}" style="width:${w}%"></span></td></tr>`);
  }
  h.push('</table>');
  return h.join('');
}

function grouped(title: string, key: string, t: Record<string, Record<string, number>>): string {
  const rows = Object.entries(t).flatMap(([k, v]) => Object.entries(v).map(([change, n]) => [k, change, n] as const)).sort((a, b) => b[2] - a[2] || a[0].localeCompare(b[0]));
  if (rows.length === 0) return '';
  const max = rows[0]![2];
  const h = [`<section><h2>${esc(title)}</h2><table class="bars"><tr><th>${esc(key)}</th><th>change</th><th>exchanges</th><th></th></tr>`];
  for (const [k, change, n] of rows) {
    h.push(`<tr><td>${visible(k)}</td><td class="${tone(change)}">${visible(change)}</td><td class="n">${n.toLocaleString('en-US')}</td><td class="bar"><span class="${tone(change)}" style="width:${Math.max(1, Math.round((n / max) * 100))}%"></span></td></tr>`);
  }
  h.push('</table></section>');
  return h.join('');
}

const decision = (d: { action: string; ruleId: string | null; upstream?: string }): string => `<b>${esc(actionText(d))}</b>${d.ruleId !== null ? ` <span class="rule">${visible(d.ruleId)}</span>` : ''}`;

function examples(s: ReplaySummary): string {
  if (s.changes.length === 0) return '';
  const h = [`<section><h2>Example exchanges</h2><p>${s.changes.length === s.changed ? `All ${s.changed.toLocaleString('en-US')} changes` : `${s.changes.length.toLocaleString('en-US')} of ${s.changed.toLocaleString('en-US')} changes (the first of each kind)`}, in the trail's order. <code>airlock policy explain ID</code> shows how the recorded decision was taken.</p>`];
  h.push('<table class="ex"><tr><th>time (UTC)</th><th>exchange</th><th>user / team</th><th>tool · model</th><th>recorded</th><th>candidate</th><th>reason given</th></tr>');
  for (const c of s.changes as ReplayChange[]) {
    const label = c.before.action === c.after.action ? 'same' : tone(`${c.before.action} → ${c.after.action}`);
    h.push(`<tr><td>${esc(c.time.replace('T', ' ').slice(0, 19))}</td><td><code>${visible(c.id)}</code></td><td>${visible(c.user ?? '?')} / ${visible(c.team ?? '-')}</td>` +
      `<td>${visible(c.tool ?? '?')} · ${visible(c.model ?? '-')}</td><td>${decision(c.before)}</td><td class="${label}">${decision(c.after)}</td><td>${visible(c.after.reason)}</td></tr>`);
  }
  h.push('</table></section>');
  return h.join('');
}

const CSS = `body{font:14px/1.45 system-ui,sans-serif;margin:2em;color:#222;max-width:1400px}h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.6em}
table{border-collapse:collapse;margin:.6em 0}td,th{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}th{background:#f5f5f5}
.cards{display:flex;gap:1em;flex-wrap:wrap}.card{border:1px solid #ddd;border-radius:6px;padding:.6em 1em;min-width:9em}.card b{display:block;font-size:1.6em}
.n{text-align:right;font-variant-numeric:tabular-nums}.bar{width:320px}.bar span{display:block;height:12px;border-radius:2px;background:#90a4ae}
.bar .stricter{background:#fb8c00}.bar .block{background:#c62828}.bar .looser{background:#43a047}.bar .same{background:#78909c}
td.stricter{color:#e65100}td.block{color:#b71c1c}td.looser{color:#2e7d32}.rule{font-family:ui-monospace,monospace;font-size:12.5px;color:#455a64}
.ex td{font-size:13px}.cp{background:#e3f2fd;border:1px solid #90caf9;border-radius:3px;font-size:10px;padding:0 2px;margin:0 1px}.muted{color:#666}`;

export function renderReplayHtml(s: ReplaySummary, m: ReplayReportMeta): string {
  const n = (x: number): string => x.toLocaleString('en-US');
  const window = m.since !== undefined || m.until !== undefined ? `records from ${esc(m.since ?? 'the start')} to ${esc(m.until ?? 'now')}` : 'every record';
  const h: string[] = [];
  h.push(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Airlock policy replay: ${esc(m.policy)}</title><style>${CSS}</style></head><body>`);
  h.push(`<h1>Policy replay: what <code>${visible(m.policy)}</code> would change</h1>`);
  h.push(`<p class="muted">candidate policy hash <code>${esc(m.policyHash.slice(0, 12))}</code> · ${window} of <code>${visible(m.source)}</code>` +
    `${s.from !== null ? ` (exchanges of ${esc(s.from.slice(0, 19).replace('T', ' '))} to ${esc((s.to ?? s.from).slice(0, 19).replace('T', ' '))} UTC)` : ''} · generated ${esc(m.generatedAt)}</p>`);
  h.push('<div class="cards">');
  h.push(`<div class="card">replayed<b>${n(s.replayed)}</b><span class="muted">of ${n(s.total)} records</span></div>`);
  h.push(`<div class="card">unchanged<b>${n(s.unchanged)}</b></div>`);
  h.push(`<div class="card">would change<b>${n(s.changed)}</b>${s.replayed > 0 ? `<span class="muted">${((100 * s.changed) / s.replayed).toFixed(1)}%</span>` : ''}</div>`);
  h.push(`<div class="card">skipped<b>${n(s.skipped)}</b><span class="muted">ended before a decision</span></div>`);
  h.push('</div>');
  if (s.changed === 0) {
    h.push('<p>No recorded decision would change under the candidate policy.</p>');
  } else {
    const kinds = Object.entries(s.byChange).sort((a, b) => b[1] - a[1]);
    h.push(`<section><h2>Changes</h2>${bars(kinds, kinds[0]![1])}</section>`);
    h.push(grouped('By deciding rule of the candidate', 'rule', s.byRule));
    h.push(grouped('By team', 'team', s.byTeam));
    h.push(examples(s));
  }
  h.push('</body></html>\n');
  return h.join('\n');
}

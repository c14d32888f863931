// `airlock probe`: run a tool under environment personas, capture what it sends, and report
// which persona dimensions change its requests, where and how (see docs/covert.md).
import { createHash } from 'node:crypto';
import { accessSync, constants, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { differential, type Difference, type RunSample } from '../core/covert/differential.ts';
import { flattenBody } from '../core/covert/fields.ts';
import { headerText } from '../core/exchange/headers.ts';
import { querySegments } from '../core/exchange/query.ts';
import type { Finding, SegmentRole, Severity } from '../core/types.ts';
import { writeHook } from './hook.ts';
import type { CapturedRequest } from './mock-provider.ts';
import { choosePersonas, echoWords, type Persona, type PersonaChoice } from './personas.ts';
import { personaEnv, runAll, type ProgressEvent, type RunOutcome } from './runner.ts';
import { maskDifference } from './mask.ts';
import { grouped } from './report-text.ts';
import { maskSecrets } from '../core/detect/mask-secrets.ts';

export interface ProbeOptions {
  command: string[];
  personas?: PersonaChoice;
  /** Runs per persona (at least 2, so that the tool's own nondeterminism is learned). */
  runs?: number;
  cwd?: string;
  timeoutMs?: number;
  concurrency?: number;
  set?: Record<string, string>;
  inheritEnv?: boolean;
  allowNetwork?: boolean;
  /** A tool that is not a Node program: every persona goes through the capture server as a proxy (runner.ts). */
  native?: boolean;
  env?: NodeJS.ProcessEnv;
  reply?: string;
  /** Extra runs of the baseline and of every persona with a finding, to rule out chance (default 2; 0: none). */
  confirmRuns?: number;
  onProgress?: (e: ProgressEvent) => void;
}

export interface ProbeReport {
  command: string[];
  startedAt: string;
  durationMs: number;
  runsPerPersona: number;
  verdict: 'clean' | 'findings' | 'failed';
  personas: { name: string; dimension: string; description: string }[];
  runs: { persona: string; run: number; exitCode: number | null; timedOut: boolean; durationMs: number; requests: number; stderrTail?: string }[];
  requests: string[];
  dimensions: { dimension: string; personas: string[]; changed: boolean; highest: Severity | null; findings: number; expected: number }[];
  /** Every persona-dependent difference, findings first; 'info' ones are expected (dates, echoes). */
  differences: Difference[];
  noisyPlaces: number;
  comparedFields: number;
  findings: Finding[];
  problems: string[];
}

const SKIP_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'proxy-connection', 'te']);
const SECRET_HEADERS = new Set(['authorization', 'x-api-key', 'api-key', 'proxy-authorization', 'cookie', 'x-goog-api-key']);

/** The fields of one captured request: target, headers (secrets hashed), and every body leaf. */
export function requestFields(r: CapturedRequest): Map<string, string> {
  const m = new Map<string, string>();
  // The path, then each query parameter decoded as the provider reads it (an invisible character
  // percent-encoded in a parameter is then one, not a run of escapes).
  const q = r.url.indexOf('?');
  m.set('(target)', `${r.method} ${q === -1 ? r.url : r.url.slice(0, q)}`);
  if (q !== -1) {
    // A name's segment comes before its value's: a parameter without a value stays ''.
    for (const s of querySegments(r.url.slice(q))) m.set(`query ${s.path.slice(1).join('#')}`, s.isKey === true ? '' : s.text);
  }
  for (const [k, v] of Object.entries(r.headers)) {
    if (SKIP_HEADERS.has(k) || v === undefined) continue;
    const val = Array.isArray(v) ? v.join(', ') : v;
    // As the tool wrote it: Node reads header bytes as Latin-1, and an invisible character sent as
    // UTF-8 would otherwise compare as three Latin-1 characters, none of them invisible.
    m.set(`header ${k}`, SECRET_HEADERS.has(k) ? `<secret sha256:${createHash('sha256').update(val).digest('hex').slice(0, 12)}>` : headerText(val));
  }
  if (r.body.length === 0) return m;
  const text = r.body.toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    m.set('(body)', text);
    return m;
  }
  for (const [k, v] of flattenBody(json)) m.set(k === '' ? '(body)' : k, v);
  return m;
}

/** Request ids stable across runs: method, path and the ordinal among requests with both. */
export function sampleOf(o: RunOutcome): RunSample {
  const counts = new Map<string, number>();
  return {
    persona: o.persona,
    run: o.run,
    requests: o.requests.map((r) => {
      const key = `${r.method} ${r.url.split('?')[0]}`;
      const n = (counts.get(key) ?? 0) + 1;
      counts.set(key, n);
      return { id: `${key} #${n}`, fields: requestFields(r) };
    }),
  };
}

const roleOf = (field: string): SegmentRole =>
  field.startsWith('system') || field.startsWith('instructions') ? 'system' : field.startsWith('tools') ? 'tool_definition' : field.startsWith('messages') || field.startsWith('input') ? 'user' : 'metadata';

const RULE: Record<string, string> = { invisible: 'invisible-variant', confusable: 'confusable-variant', format: 'format-variant', content: 'persona-content' };

const preview = (s: string): string => {
  const shown = [...s.slice(0, 40)].map((c) => (/[\x20-\x7e]/.test(c) ? c : `\\u{${c.codePointAt(0)!.toString(16).toUpperCase()}}`)).join('');
  return s.length > 40 ? `${shown}…` : shown;
};

/**
 * One finding per change, however many requests carry it (grouped(), as the reports list them),
 * so that the JSON, the dimension table and the HTML count the same thing.
 */
export function toFindings(diffs: readonly Difference[]): Finding[] {
  return grouped(diffs.filter((d) => d.severity !== 'info'))
    .map(({ d, requests }) => ({
      detector: 'covert',
      rule: RULE[d.cls] ?? d.cls,
      severity: d.severity,
      role: roleOf(d.field),
      segmentPath: d.field,
      start: d.at.start,
      end: d.at.end,
      preview: preview(d.variant.text.slice(d.variant.start, d.variant.end)),
      confidence: d.basis === 'value' ? 0.9 : 0.7,
      detail: `${requests.join(', ')}, line ${d.line}: depends on ${d.dimension} (persona ${d.persona}): ${d.detail}`,
    }));
}

/**
 * Where the command's program is, looked up as spawn will (a name with a slash against cwd,
 * otherwise along PATH); null when there is no executable file there.
 */
export function findProgram(cmd: string, cwd: string, path: string | undefined): string | null {
  const executable = (f: string): boolean => {
    try {
      accessSync(f, constants.X_OK);
      return statSync(f).isFile();
    } catch {
      return false;
    }
  };
  if (cmd.includes('/')) {
    const f = isAbsolute(cmd) ? cmd : resolve(cwd, cmd);
    return executable(f) ? f : null;
  }
  // Without PATH, execvp falls back to its default path.
  for (const dir of (path ?? '/usr/bin:/bin').split(delimiter)) {
    // An empty PATH entry is the working directory, as for execvp.
    const f = resolve(cwd, dir === '' ? '.' : dir, cmd);
    if (executable(f)) return f;
  }
  return null;
}

export async function probe(o: ProbeOptions): Promise<ProbeReport> {
  if (o.command.length === 0) throw new Error('no command to probe');
  const t0 = performance.now();
  const startedAt = new Date().toISOString();
  let personas = choosePersonas(o.personas);
  if (o.native === true) {
    // Every persona has the proxy variables set, so the proxy dimension cannot be told apart.
    if (o.personas?.only?.includes('proxy') === true) throw new Error('the proxy persona cannot be probed with --native (every persona already goes through a proxy)');
    personas = personas.filter((p) => p.dimension !== 'proxy');
  }
  const runs = Math.max(1, o.runs ?? 2);
  const root = mkdtempSync(join(tmpdir(), 'airlock-probe-'));
  try {
    const hosts = [...new Set(personas.flatMap((p) => [p.host.anthropic, p.host.openai]))];
    // The caller's directory by default: the command's own relative paths resolve as typed.
    const cwd = o.cwd ?? process.cwd();
    const base = {
      command: o.command, root, cwd,
      nodeOptions: writeHook(root, hosts, o.allowNetwork === true),
      timeoutMs: o.timeoutMs ?? 90_000,
      concurrency: o.concurrency ?? 4,
      set: o.set ?? {},
      inheritEnv: o.inheritEnv === true,
      native: o.native === true,
      parentEnv: o.env ?? process.env,
      reply: o.reply ?? 'OK.',
      ...(o.onProgress ? { onProgress: o.onProgress } : {}),
    };
    // A mistyped command would otherwise fail every run the same way and be reported as a tool
    // that sent nothing. Looked up with the PATH the runs get (--set PATH=… and --inherit-env count).
    const path = personaEnv(personas[0]!, base, root, 0)['PATH'];
    if (findProgram(o.command[0]!, cwd, path) === null) throw new Error(`command not found: ${maskSecrets(o.command[0]!)}`);
    const outcomes = await runAll({ ...base, personas, runs, firstIndex: 0, phase: 'probe' });
    let report = buildReport(o.command, personas, runs, outcomes, startedAt, performance.now() - t0);
    // Confirmation: a tool choosing at random between a few spellings can look persona-dependent
    // over two runs. The baseline and every persona with a finding run again; a place whose value
    // then varies within a persona is nondeterminism, not a signal.
    const confirm = o.confirmRuns ?? 2;
    const suspects = new Set(report.differences.filter((d) => d.severity !== 'info').map((d) => d.persona));
    if (confirm > 0 && suspects.size > 0 && report.verdict !== 'failed') {
      const again = personas.filter((p) => p === personas[0] || suspects.has(p.name));
      const more = await runAll({ ...base, personas: again, runs: confirm, firstIndex: outcomes.length, runOffset: runs, phase: 'confirm' });
      report = buildReport(o.command, personas, runs, [...outcomes, ...more], startedAt, performance.now() - t0);
    }
    return report;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** The report from finished runs (separate from probe() so that tests can feed outcomes). */
export function buildReport(command: string[], personas: readonly Persona[], runs: number, outcomes: readonly RunOutcome[], startedAt: string, durationMs: number): ProbeReport {
  const problems: string[] = [];
  const ok = outcomes.filter((x) => x.requests.length > 0);
  // A command that cannot be started fails every run alike: said once, not once per run.
  const unstarted = [...new Set(outcomes.flatMap((x) => (x.startError !== undefined ? [x.startError] : [])))];
  for (const e of unstarted) problems.push(`the command could not be started: ${maskSecrets(e)}`);
  for (const x of outcomes) {
    if (x.startError !== undefined) continue;
    if (x.requests.length === 0) {
      const tail = x.stderrTail.trim().split('\n').slice(-2).join(' | ').slice(0, 300);
      problems.push(`${x.persona} run ${x.run}: no request captured (exit ${x.exitCode ?? 'none'}${x.timedOut ? ', timed out' : ''})${tail ? `: ${tail}` : ''}`);
    }
    else if (x.exitCode !== 0) problems.push(`${x.persona} run ${x.run}: exit code ${x.exitCode ?? 'none'}${x.timedOut ? ' (timed out)' : ''}`);
  }
  const baseline = personas[0]!;
  const info = personas.map((p) => ({ name: p.name, dimension: p.dimension, echo: echoWords(p), locale: p.locale }));
  const raw = differential(ok.map(sampleOf), info, baseline.name);
  const res = { ...raw, differences: raw.differences.map(maskDifference) };
  const findings = toFindings(res.differences);
  const dims = [...new Set(personas.slice(1).map((p) => p.dimension))];
  const rank = (s: Severity): number => ['info', 'low', 'medium', 'high', 'critical'].indexOf(s);
  const failed = !ok.some((x) => x.persona === baseline.name);
  const baseStarted = outcomes.some((x) => x.persona === baseline.name && x.startError === undefined);
  if (failed && baseStarted) problems.unshift('the baseline persona produced no request: nothing to compare (is the tool configured through ANTHROPIC_BASE_URL / OPENAI_BASE_URL? a tool that is not a Node program needs --native)');
  return {
    // A token typed on the tool's command line must not end up in a report that is shared around.
    command: command.map(maskSecrets),
    startedAt,
    durationMs: Math.round(durationMs),
    runsPerPersona: runs,
    verdict: failed ? 'failed' : findings.length > 0 ? 'findings' : 'clean',
    personas: personas.map((p) => ({ name: p.name, dimension: p.dimension, description: p.description })),
    runs: outcomes.map((x) => ({
      persona: x.persona, run: x.run, exitCode: x.exitCode, timedOut: x.timedOut, durationMs: Math.round(x.durationMs), requests: x.requests.length,
      ...(x.exitCode !== 0 || x.requests.length === 0 ? { stderrTail: x.stderrTail } : {}),
    })),
    requests: [...new Set(ok.flatMap((x) => sampleOf(x).requests.map((r) => r.id)))],
    dimensions: dims.map((d) => {
      const ds = res.differences.filter((x) => x.dimension === d);
      const real = ds.filter((x) => x.severity !== 'info');
      return {
        dimension: d,
        personas: personas.filter((p) => p.dimension === d).map((p) => p.name),
        changed: ds.length > 0,
        highest: real.length > 0 ? real.map((x) => x.severity).sort((a, b) => rank(b) - rank(a))[0]! : null,
        // Counted as the reports list them: a change repeated in several requests is one.
        findings: grouped(real).length,
        expected: grouped(ds.filter((x) => x.severity === 'info')).length,
      };
    }),
    differences: res.differences,
    noisyPlaces: res.noisyPlaces,
    comparedFields: res.comparedFields,
    findings,
    problems,
  };
}

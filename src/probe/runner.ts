// Runs a tool's command once per (persona, run), each run against its own capture server (a
// MockProvider answering like the Anthropic/OpenAI APIs), with a clean environment built from the
// persona, a fresh HOME, and the resolver hook preloaded into Node. Runs go in parallel up to a
// limit; each has a hard time limit and is killed with its whole process group.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { MockProvider, type CapturedRequest } from './mock-provider.ts';
import type { Persona } from './personas.ts';
import { maskSecrets } from '../core/detect/mask-secrets.ts';

export interface RunnerOptions {
  command: string[];
  personas: readonly Persona[];
  runs: number;
  /** Scratch directory (homes, hook); the caller removes it. */
  root: string;
  cwd: string;
  /** NODE_OPTIONS value that preloads the resolver hook. */
  nodeOptions: string;
  timeoutMs: number;
  concurrency: number;
  /** Variables set for every persona (e.g. CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1). */
  set: Record<string, string>;
  /** Start from the caller's environment instead of an empty one (PATH is always kept). */
  inheritEnv: boolean;
  /**
   * The tool is not a Node program (Codex CLI is a native binary): the resolver hook cannot reach
   * it, so every persona reaches the capture server as its HTTP proxy and the persona hosts need
   * no name resolution.
   */
  native?: boolean;
  parentEnv: NodeJS.ProcessEnv;
  reply: string;
  /** Numbering of scratch directories and runs when called again (confirmation runs). */
  firstIndex?: number;
  runOffset?: number;
  /** Which call this is: the confirmation runs are counted apart, their number depends on the first results. */
  phase?: RunPhase;
  onProgress?: (e: ProgressEvent) => void;
}

export interface RunOutcome {
  persona: string;
  run: number;
  exitCode: number | null;
  timedOut: boolean;
  durationMs: number;
  requests: CapturedRequest[];
  port: number;
  /** Last lines of the tool's stderr, for a run that failed. */
  stderrTail: string;
  /** Why the command could not be started at all (spawn's error), if so. */
  startError?: string;
}

export type RunPhase = 'probe' | 'confirm';

export type ProgressEvent =
  | { type: 'start'; persona: string; run: number; total: number; phase: RunPhase }
  | { type: 'done'; outcome: RunOutcome; done: number; total: number; phase: RunPhase };

const PROXY_VARS = ['HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'all_proxy', 'no_proxy'];

export function personaEnv(p: Persona, o: Pick<RunnerOptions, 'set' | 'inheritEnv' | 'parentEnv' | 'nodeOptions' | 'native'>, home: string, port: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = o.inheritEnv ? { ...o.parentEnv } : { PATH: o.parentEnv['PATH'] ?? '/usr/bin:/bin' };
  for (const v of PROXY_VARS) delete env[v];
  for (const k of Object.keys(env)) if (k.startsWith('LC_')) delete env[k];
  Object.assign(env, {
    HOME: home,
    USER: p.user,
    LOGNAME: p.user,
    TZ: p.tz,
    LANG: p.locale,
    LC_ALL: p.locale,
    TERM: 'dumb',
    NO_COLOR: '1',
    ANTHROPIC_BASE_URL: `http://${p.host.anthropic}:${port}`,
    OPENAI_BASE_URL: `http://${p.host.openai}:${port}/v1`,
    ANTHROPIC_API_KEY: 'sk-ant-airlock-probe-0000000000',
    OPENAI_API_KEY: 'sk-airlock-probe-0000000000',
    NODE_OPTIONS: o.inheritEnv && o.parentEnv['NODE_OPTIONS'] ? `${o.nodeOptions} ${o.parentEnv['NODE_OPTIONS']}` : o.nodeOptions,
    ...o.set,
    ...p.env,
  });
  if (p.proxy || o.native === true) {
    const proxy = `http://127.0.0.1:${port}`;
    for (const v of ['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy']) env[v] = proxy;
  }
  return env;
}

async function runOne(o: RunnerOptions, p: Persona, run: number, index: number): Promise<RunOutcome> {
  const mock = new MockProvider({ reply: o.reply });
  await mock.listen(0, '127.0.0.1');
  const port = Number(new URL(mock.url).port);
  const home = join(o.root, `run-${index}`, 'home', p.user.replace(/[^\w.-]/g, '_'));
  mkdirSync(home, { recursive: true });
  const env = personaEnv(p, o, home, port);
  const t0 = performance.now();
  const [cmd, ...args] = o.command;
  const r = await new Promise<{ code: number | null; timedOut: boolean; stderr: string; startError?: string }>((resolve) => {
    let stderr = '';
    let timedOut = false;
    // detached: its own process group, so a timeout kills the tool and everything it started.
    const child = spawn(cmd!, args, { cwd: o.cwd, env, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    child.stderr.on('data', (c: Buffer) => {
      stderr = (stderr + c.toString()).slice(-4000);
    });
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, o.timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      // 'error' without a pid: the program never ran (ENOENT, EACCES); otherwise a kill that failed.
      resolve({ code: null, timedOut, stderr: `${stderr}\n${e.message}`, ...(child.pid === undefined ? { startError: e.message } : {}) });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, timedOut, stderr });
    });
  });
  const durationMs = performance.now() - t0;
  const requests = [...mock.requests];
  await mock.close();
  return {
    persona: p.name, run, exitCode: r.code, timedOut: r.timedOut, durationMs, requests, port, stderrTail: maskSecrets(r.stderr.split('\n').slice(-8).join('\n')),
    ...(r.startError !== undefined ? { startError: r.startError } : {}),
  };
}

/** Every (persona, run), baseline runs first; outcomes in persona order then run order. */
export async function runAll(o: RunnerOptions): Promise<RunOutcome[]> {
  // Interleave personas (p0r1, p1r1, …, p0r2, …) so that a slow start or a cache warming up in
  // the tool affects every persona alike instead of all runs of the first one.
  const jobs: { p: Persona; run: number; index: number }[] = [];
  const first = o.firstIndex ?? 0;
  const offset = o.runOffset ?? 0;
  const phase = o.phase ?? 'probe';
  for (let run = 1; run <= o.runs; run++) for (const p of o.personas) jobs.push({ p, run: run + offset, index: jobs.length });
  const out: RunOutcome[] = new Array(jobs.length);
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const j = jobs[next++]!;
      o.onProgress?.({ type: 'start', persona: j.p.name, run: j.run, total: jobs.length, phase });
      out[j.index] = await runOne(o, j.p, j.run, first + j.index);
      o.onProgress?.({ type: 'done', outcome: out[j.index]!, done: ++done, total: jobs.length, phase });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(o.concurrency, jobs.length)) }, worker));
  const order = new Map(o.personas.map((p, i) => [p.name, i]));
  return out.sort((a, b) => order.get(a.persona)! - order.get(b.persona)! || a.run - b.run);
}

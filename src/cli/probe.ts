// `airlock probe [options] -- <command ...>`: run an AI tool under environment personas and report
// which of them change what it sends to its model API (see docs/covert.md).
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { probe } from '../probe/index.ts';
import { renderHtml } from '../probe/report-html.ts';
import { renderText } from '../probe/report-text.ts';
import type { ProgressEvent } from '../probe/runner.ts';
import { parseCli, UsageError, type Flags } from './io.ts';

const HELP = `usage: airlock probe [options] -- <command ...>

Runs the command repeatedly under environment personas (time zone, locale, proxy variables, API
base URL host, user name, extra variables), captures every request it makes to its model API
through a local capture server, and reports which persona dimensions change them, where and how.
The tool is pointed at the capture server through ANTHROPIC_BASE_URL and OPENAI_BASE_URL
(http://<persona host>:<port>); Node tools get a preloaded resolver hook for the persona hosts.

  --runs N            runs per persona (default 2; at least 2 to discount nondeterminism)
  --personas a,b      built-in personas or dimensions: tz-shanghai, host-cn, locale-zh, proxy, user-cn,
                      host-reseller, host-corp, tz-new-york, locale-de, or tz, host, locale, all
  --tz Z  --locale L  --host H  --user U   extra personas (repeatable)
  --env NAME=VALUE    an extra persona setting one variable (repeatable)
  --set NAME=VALUE    a variable set for every persona (repeatable), e.g. CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1
  --cwd DIR           working directory of the tool (default: the current directory)
  --timeout S         per run (default 90)      --concurrency N   parallel runs (default 4)
  --inherit-env       start from this environment instead of an empty one
  --allow-network     let the tool resolve other host names (default: blocked for Node tools)
  --native            the tool is not a Node program (e.g. Codex CLI): every persona reaches the
                      capture server as its HTTP proxy, so persona hosts need no DNS; the proxy
                      dimension is then not probed. A tool that reads no base-URL variable gets it
                      through a shell: sh -c 'codex exec -c openai_base_url="\\"$OPENAI_BASE_URL\\"" hi'
  --reply TEXT        the capture server's answer (default "OK.")
  --json              print the report as JSON      --html FILE   also write an HTML report
  --all               list every expected difference in the terminal report
Exit code: 0 clean, 1 findings, 2 usage error, 3 probe failed (nothing captured).`;

export interface ProbeIO {
  out: (s: string) => void;
  err: (s: string) => void;
  env: NodeJS.ProcessEnv;
  isTTY?: boolean;
}

/** Own flags before `--`, the tool's command line after it. */
function parse(args: string[]): { flags: Flags; command: string[] } {
  const dash = args.indexOf('--');
  const { flags, positional } = parseCli(dash >= 0 ? args.slice(0, dash) : args, {
    runs: { type: 'string' }, personas: { type: 'string' }, cwd: { type: 'string' }, timeout: { type: 'string' }, concurrency: { type: 'string' },
    reply: { type: 'string' }, html: { type: 'string' }, json: { type: 'boolean' }, all: { type: 'boolean' },
    'inherit-env': { type: 'boolean' }, 'allow-network': { type: 'boolean' }, native: { type: 'boolean' },
    tz: { type: 'string', multiple: true }, locale: { type: 'string', multiple: true }, host: { type: 'string', multiple: true },
    user: { type: 'string', multiple: true }, env: { type: 'string', multiple: true }, set: { type: 'string', multiple: true },
  });
  if (positional.length > 0) throw new UsageError(`unexpected argument '${positional[0]}' (put the command after --)`);
  return { flags, command: dash >= 0 ? args.slice(dash + 1) : [] };
}

const list = (v: Flags[string]): string[] => (Array.isArray(v) ? v : []);

const num = (v: Flags[string], d: number, name: string): number => {
  if (v === undefined) return d;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} expects a positive number`);
  return n;
};

function progress(io: ProbeIO): (e: ProgressEvent) => void {
  return (e) => {
    if (e.type !== 'done') return;
    const o = e.outcome;
    // The confirmation runs are numbered apart: how many there are is only known after the first phase.
    const line = `[${e.phase === 'confirm' ? 'confirm ' : ''}${e.done}/${e.total}] ${o.persona} run ${o.run}: ${o.requests.length} request(s), exit ${o.exitCode ?? '-'}${o.timedOut ? ' (timed out)' : ''}, ${(o.durationMs / 1000).toFixed(1)} s`;
    if (io.isTTY === true) io.err(`\x1b[2K\r${line}${e.done === e.total ? '' : '\x1b[1A'}`);
    else io.err(line);
  };
}

export async function run(args: string[], io: ProbeIO): Promise<number> {
  const p = parse(args);
  if (p.flags['help'] === true) {
    io.out(HELP);
    return 0;
  }
  if (p.command.length === 0) {
    io.err(`airlock probe: no command given\n\n${HELP}`);
    return 2;
  }
  let report;
  try {
    const set: Record<string, string> = {};
    for (const kv of list(p.flags['set'])) {
      const eq = kv.indexOf('=');
      if (eq <= 0) throw new Error(`--set expects NAME=VALUE, got '${kv}'`);
      set[kv.slice(0, eq)] = kv.slice(eq + 1);
    }
    const only = typeof p.flags['personas'] === 'string' ? p.flags['personas'].split(',').map((s) => s.trim()).filter(Boolean) : undefined;
    const runs = num(p.flags['runs'], 2, 'runs');
    if (runs < 2) io.err('airlock probe: with one run per persona the tool\'s own nondeterminism cannot be told from a signal');
    report = await probe({
      command: p.command,
      personas: { ...(only ? { only } : {}), tz: list(p.flags['tz']), locale: list(p.flags['locale']), host: list(p.flags['host']), user: list(p.flags['user']), env: list(p.flags['env']) },
      runs,
      ...(typeof p.flags['cwd'] === 'string' ? { cwd: resolve(p.flags['cwd']) } : {}),
      timeoutMs: num(p.flags['timeout'], 90, 'timeout') * 1000,
      concurrency: num(p.flags['concurrency'], 4, 'concurrency'),
      set,
      inheritEnv: p.flags['inherit-env'] === true,
      allowNetwork: p.flags['allow-network'] === true,
      native: p.flags['native'] === true,
      env: io.env,
      ...(typeof p.flags['reply'] === 'string' ? { reply: p.flags['reply'] } : {}),
      onProgress: progress(io),
    });
  } catch (e) {
    io.err(`airlock probe: ${(e as Error).message}`);
    return 2;
  }
  if (typeof p.flags['html'] === 'string') {
    const file = resolve(p.flags['html']);
    writeFileSync(file, renderHtml(report));
    io.err(`airlock probe: HTML report written to ${file}`);
  }
  io.out(p.flags['json'] === true ? JSON.stringify(report, null, 2) : renderText(report, { all: p.flags['all'] === true }));
  return report.verdict === 'failed' ? 3 : report.verdict === 'findings' ? 1 : 0;
}

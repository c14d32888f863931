// `airlock scan <npm-spec | tarball | directory | file>` and `airlock scan --diff <A> <B>`:
// a thin shell over src/scan. Reports go to stdout (or --out), progress to stderr on a terminal.
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseCli, type CliIO } from './io.ts';
import { defaultWorkers, scan, type Progress, type ScanOptions } from '../scan/scan.ts';
import { diff, diffAsResult } from '../scan/diff.ts';
import { Pool } from '../scan/pool.ts';
import { progressBar, mb } from '../scan/progress.ts';
import { renderTerminal } from '../scan/report/terminal.ts';
import { toJson } from '../scan/report/json.ts';
import { toSarif } from '../scan/report/sarif.ts';
import { toHtml } from '../scan/report/html.ts';
import { severityRank, SEVERITIES, type Severity } from '../core/types.ts';
import type { ScanResult } from '../scan/types.ts';

const HELP = `usage: airlock scan <npm-spec | tarball | directory | file> [options]
       airlock scan --diff <A> <B> [options]

Audits an AI tool's package before it is allowed: environment fingerprinting, hidden (encoded)
lists, fingerprint values flowing into requests and prompts, telemetry endpoints and their
off-switches, dynamic code and obfuscation. An npm spec (e.g. @qwen-code/qwen-code@0.24.4) is
fetched from the registry as a tarball; nothing is installed and no install script runs.
  --diff A B        report only what is new or changed in B (matching survives re-minification)
  --json            JSON report            --sarif   SARIF 2.1.0 report
  --html            self-contained HTML    --out F   write the report to F instead of stdout
  --all             list every finding in the terminal report
  --fail-on SEV     exit 1 if a finding is at or above SEV (critical|high|medium|low|info|none; default high)
  --workers N       worker threads (default: up to 4 for inputs over 1 MB; 0 = none)
  --cache DIR       tarball cache (default .tmp/scan-cache)
  --no-progress     no progress bar
Exit code: 0 nothing at or above --fail-on, 1 findings at or above it (code the scan could not read
counts as high), 2 usage or input error (no such target, a damaged tarball, nothing to analyse, a
report that cannot be written).`;

export async function run(args: string[], io: { out: (s: string) => void; err: (s: string) => void; env: NodeJS.ProcessEnv; isTTY?: boolean }): Promise<number> {
  const cli: CliIO = io;
  const { flags, positional } = parseCli(args, {
    json: { type: 'boolean' }, sarif: { type: 'boolean' }, html: { type: 'boolean' }, all: { type: 'boolean' }, 'no-progress': { type: 'boolean' }, diff: { type: 'boolean' },
    'fail-on': { type: 'string' }, workers: { type: 'string' }, cache: { type: 'string' }, out: { type: 'string' },
  });
  if (flags['help'] === true) { cli.out(HELP); return 0; }
  const isDiff = flags['diff'] === true;
  const targets = positional;
  if (targets.length !== (isDiff ? 2 : 1)) { cli.err(HELP); return 2; }
  const failOn = typeof flags['fail-on'] === 'string' ? flags['fail-on'] : 'high';
  if (failOn !== 'none' && !SEVERITIES.includes(failOn as Severity)) { cli.err(`airlock scan: --fail-on must be one of ${SEVERITIES.join(', ')}, none`); return 2; }
  const workers = typeof flags['workers'] === 'string' ? Number(flags['workers']) : undefined;
  if (workers !== undefined && !(Number.isInteger(workers) && workers >= 0 && workers <= 64)) { cli.err('airlock scan: --workers must be an integer from 0 to 64'); return 2; }

  const bar = io.isTTY && flags['no-progress'] !== true ? progressBar((s) => process.stderr.write(s)) : null;
  const onProgress = (label: string) => (p: Progress): void => {
    if (!bar) return;
    if (p.phase === 'fetch') bar.update(0, 1, `fetching ${label}`);
    else if (p.phase === 'analyse') bar.update(p.done, p.total, `parsing and analysing ${label} (${mb(p.total)})`);
  };
  const base: ScanOptions = { env: io.env, cacheDir: typeof flags['cache'] === 'string' ? flags['cache'] : resolve('.tmp/scan-cache'), workers };

  let result: ScanResult;
  let title = 'Airlock scan';
  let pool: Pool | undefined;
  try {
    if (isDiff) {
      const [a, b] = targets as [string, string];
      // One pool for both versions: workers start once.
      if (workers !== 0) pool = new Pool(Math.max(1, workers ?? defaultWorkers()));
      const ra = await scan(a, { ...base, pool, onProgress: onProgress(a) });
      const rb = await scan(b, { ...base, pool, onProgress: onProgress(b) });
      const d = diff(ra, rb);
      result = diffAsResult(d);
      const unread = d.gaps.length > 0 ? `; ${d.gaps.length} still not analysed` : '';
      title = `Airlock scan --diff (new or changed in B; ${d.added.length} new, ${d.changed.length} changed, ${d.removed} gone${unread})`;
    } else {
      result = await scan(targets[0] as string, { ...base, onProgress: onProgress(targets[0] as string) });
    }
  } catch (e) {
    bar?.end();
    cli.err(`airlock scan: ${e instanceof Error ? e.message : String(e)}`);
    return 2;
  } finally {
    await pool?.close();
  }
  bar?.end();

  let report: string;
  if (flags['json'] === true) report = toJson(result, isDiff ? { diff: true } : {});
  else if (flags['sarif'] === true) report = toSarif(result);
  else if (flags['html'] === true) report = toHtml(result, title);
  else report = renderTerminal(result, { color: !!io.isTTY && !io.env.NO_COLOR, all: flags['all'] === true, title });

  if (typeof flags['out'] === 'string') {
    // Not exit 1: that would read as "findings" to a CI job, and there is no report to look at.
    try {
      await writeFile(flags['out'], report);
    } catch (e) {
      cli.err(`airlock scan: cannot write the report to ${flags['out']}: ${e instanceof Error ? e.message : String(e)}`);
      return 2;
    }
    cli.err(`airlock scan: report written to ${flags['out']}`);
  } else cli.out(report.replace(/\n$/, ''));

  if (failOn === 'none') return 0;
  const limit = severityRank(failOn as Severity);
  return result.findings.some((f) => severityRank(f.severity) >= limit) ? 1 : 0;
}

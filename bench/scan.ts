// Scanner benchmark: a real 13 MB CLI bundle scanned, and a --diff of two versions of it.
// The second version is fetched once with the scanner's own registry client into .tmp/ (gitignored);
// offline, a deterministic variant of the first bundle is generated instead.
// It measures the built code (`npm run build`), as the `airlock` binary runs it: from the TypeScript
// sources each worker would first register the TypeScript loader.
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ScanInput } from '../src/scan/types.ts';
import type * as ScanModule from '../src/scan/scan.ts';
import type * as DiffModule from '../src/scan/diff.ts';
import type * as PoolModule from '../src/scan/pool.ts';
import type * as InputsModule from '../src/scan/inputs.ts';

type Built = typeof ScanModule & typeof DiffModule & typeof PoolModule & typeof InputsModule;
/** The compiled modules (paths computed, so typechecking does not need dist/ to exist). */
async function built(): Promise<Built> {
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
  const load = (m: string): Promise<object> => import(new URL(`../dist/scan/${m}.js`, import.meta.url).href) as Promise<object>;
  return Object.assign({}, ...(await Promise.all(['scan', 'diff', 'pool', 'inputs'].map(load)))) as Built;
}

const BUNDLE = resolve('node_modules/@anthropic-ai/claude-code/cli.js');
const OTHER = '@anthropic-ai/claude-code@2.1.89';

async function otherVersion(resolveInput: Built['resolveInput'], base: string): Promise<{ input: ScanInput; source: string }> {
  try {
    const input = await resolveInput(OTHER, { env: process.env, cacheDir: resolve('.tmp/scan-cache') });
    input.files = input.files.filter((f) => f.path === 'cli.js' || f.path === 'package.json');
    if (input.files.some((f) => f.path === 'cli.js')) return { input, source: OTHER };
  } catch { /* offline: generate */ }
  // Deterministic "next version": every 7th short identifier renamed, a new endpoint appended.
  let n = 0;
  const text = base.replace(/\b([A-Za-z]\w?\d)\b(?=[=(])/g, (m) => (++n % 7 === 0 ? m + 'v' : m)) + '\nfetch("https://beacon.example.dev/collect");\n';
  return { input: { label: 'generated', pkg: {}, files: [{ path: 'cli.js', text }], skipped: 0 }, source: 'generated variant' };
}

export async function benchScan(): Promise<Record<string, unknown>> {
  const { scanInput, diff, Pool, resolveInput, defaultWorkers } = await built();
  const text = await readFile(BUNDLE, 'utf8');
  const input: ScanInput = { label: 'cli.js', pkg: { name: '@anthropic-ai/claude-code', version: '2.1.90' }, files: [{ path: 'cli.js', text }], skipped: 0 };
  const workers = defaultWorkers();
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 50);
  try {
    // CPU time of the whole process (workers included) beside the wall time: on a shared machine
    // the wall time drifts with the load, the CPU time much less, so it tells a change from noise.
    const cpuMs = (from: NodeJS.CpuUsage): number => { const c = process.cpuUsage(from); return Math.round((c.user + c.system) / 1000); };
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const single = await scanInput(input, {});
    const scanMs = performance.now() - t0;
    const scanCpuMs = cpuMs(c0);
    const other = await otherVersion(resolveInput, text);
    const c1 = process.cpuUsage();
    const t1 = performance.now();
    const pool = new Pool(workers);
    const [a, b] = [await scanInput(input, { pool }), await scanInput(other.input, { pool })];
    const d = diff(a, b);
    const diffMs = performance.now() - t1;
    const diffCpuMs = cpuMs(c1);
    await pool.close();
    peak = Math.max(peak, process.memoryUsage().rss);
    const figures = {
      bundleMB: Number((text.length / 1024 / 1024).toFixed(1)),
      workers,
      scanMs: Math.round(scanMs),
      scanCpuMs,
      scanFindings: single.findings.length,
      diffAgainst: other.source,
      diffMs: Math.round(diffMs),
      diffCpuMs,
      diffNew: d.added.length,
      diffChanged: d.changed.length,
      peakRssMB: Math.round(peak / 1024 / 1024),
      targets: { scanMs: 5000, diffMs: 10000, peakRssMB: 2048 },
    };
    console.log('scan benchmark', JSON.stringify(figures, null, 2));
    return figures;
  } finally {
    clearInterval(timer);
  }
}

const isMain = process.argv[1] !== undefined && /bench[\\/]scan\.[jt]s$/.test(process.argv[1]);
if (isMain) await benchScan();

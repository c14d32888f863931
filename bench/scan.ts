// Scanner benchmark: a real 13 MB CLI bundle scanned, and a --diff of two versions of it.
// The second version is fetched once with the scanner's own registry client into .tmp/ (gitignored);
// offline, a deterministic variant of the first bundle is generated instead.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { availableParallelism } from 'node:os';
import { scanInput } from '../src/scan/scan.ts';
import { diff } from '../src/scan/diff.ts';
import { Pool } from '../src/scan/pool.ts';
import { resolveInput } from '../src/scan/inputs.ts';
import type { ScanInput } from '../src/scan/types.ts';

const BUNDLE = resolve('node_modules/@anthropic-ai/claude-code/cli.js');
const OTHER = '@anthropic-ai/claude-code@2.1.89';

async function otherVersion(base: string): Promise<{ input: ScanInput; source: string }> {
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
  const text = await readFile(BUNDLE, 'utf8');
  const input: ScanInput = { label: 'cli.js', pkg: { name: '@anthropic-ai/claude-code', version: '2.1.90' }, files: [{ path: 'cli.js', text }], skipped: 0 };
  const workers = Math.min(4, availableParallelism());
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 50);
  try {
    const t0 = performance.now();
    const single = await scanInput(input, {});
    const scanMs = performance.now() - t0;
    const other = await otherVersion(text);
    const pool = new Pool(workers);
    const t1 = performance.now();
    const [a, b] = [await scanInput(input, { pool }), await scanInput(other.input, { pool })];
    const d = diff(a, b);
    const diffMs = performance.now() - t1;
    await pool.close();
    peak = Math.max(peak, process.memoryUsage().rss);
    const figures = {
      bundleMB: Number((text.length / 1024 / 1024).toFixed(1)),
      workers,
      scanMs: Math.round(scanMs),
      scanFindings: single.findings.length,
      diffAgainst: other.source,
      diffMs: Math.round(diffMs),
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

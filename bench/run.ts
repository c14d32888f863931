// `npm run bench`: every benchmark of the project in one run; prints tables and writes
// bench/results/latest.json. `npm run bench -- gateway` runs one part; `--quick` shortens runs.
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { benchGateway, printGateway } from './gateway.ts';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args.filter((a) => !a.startsWith('--'));
const want = (name: string): boolean => only.length === 0 || only.includes(name);

const results: Record<string, unknown> = {
  date: new Date().toISOString(),
  node: process.version,
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model,
};

/** Optional parts are loaded if their module exists, so one failing part does not hide the others. */
async function part(name: string, file: string, fn: string): Promise<void> {
  if (!want(name)) return;
  if (!existsSync(new URL(file, import.meta.url))) return;
  process.stdout.write(`\n== ${name} ==\n`);
  try {
    const mod = (await import(file)) as Record<string, (o: { quick: boolean }) => Promise<unknown>>;
    results[name] = await mod[fn]!({ quick });
  } catch (e) {
    results[name] = { error: e instanceof Error ? e.message : String(e) };
    process.stdout.write(`${name} failed: ${String(e)}\n`);
  }
}

if (want('gateway')) {
  process.stdout.write('== gateway: added latency vs direct upstream (ms), audit on (SQLite) ==\n');
  const g = await benchGateway({ quick });
  process.stdout.write(`${printGateway(g.rows)}\n`);
  results['gateway'] = g;
}
await part('engine', './engine.ts', 'benchEngine');
await part('corpus', './corpus.ts', 'benchCorpus');
await part('policy', './policy.ts', 'benchPolicy');
await part('covert', './covert.ts', 'benchCovert');
await part('scan', './scan.ts', 'benchScan');

mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(new URL('./results/latest.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
process.stdout.write('\nwritten: bench/results/latest.json\n');

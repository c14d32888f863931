// Benchmark of passive prompt baselines: what BaselineObserver.observe() adds to a request of the
// 100 KB Claude Code fixture, after learning from several simulated users (each with their own
// working directory, date and memory file). p50 is the known-variant path (a user's next request
// in a session); 'new variant' is the first request of a new session, which pays the alignment.
// Runnable alone: node --import tsx bench/covert.ts
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parseRequest } from '../src/core/exchange/index.ts';
import { BaselineObserver } from '../src/gateway/baselines.ts';
import { probe } from '../src/probe/index.ts';

const FIXTURE = new URL('../test/fixtures/bodies/claude-code-2.1.90.json', import.meta.url);

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const round = (x: number): number => Math.round(x * 1000) / 1000;

/** The fixture as user u would send it: their own cwd and a line of their memory file in the system prompt. */
function variantOf(raw: string, u: number): string {
  const body = JSON.parse(raw) as { system: { text: string }[] };
  const last = body.system[body.system.length - 1]!;
  last.text = last.text.replace(/\/tmp\/[\w-]+/g, `/home/user${u}/project`) + `\n# user memory\nPrefer tabs (user ${u}).`;
  return JSON.stringify(body);
}

/** Wall time of `airlock probe` on Claude Code's one-shot prompt: 5 personas × 2 runs. */
async function benchProbe(): Promise<Record<string, unknown>> {
  const t0 = performance.now();
  const r = await probe({
    command: [process.execPath, new URL('../node_modules/@anthropic-ai/claude-code/cli.js', import.meta.url).pathname, '-p', 'Say hi'],
    personas: { only: ['tz-shanghai', 'host-cn', 'locale-zh', 'proxy'] },
    runs: 2,
    set: { CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1' },
  });
  return { probeClaudeCode5x2Ms: Math.round(performance.now() - t0), probeVerdict: r.verdict, probeRuns: r.runs.length };
}

/** Set AIRLOCK_BENCH_PROBE=1 to also time a real probe of Claude Code (10 runs of the CLI). */
export async function benchCovert(opts: { probe?: boolean } = { probe: process.env['AIRLOCK_BENCH_PROBE'] === '1' }): Promise<Record<string, unknown>> {
  const raw = readFileSync(FIXTURE, 'utf8');
  const users = 20;
  const bodies = Array.from({ length: users }, (_, u) => variantOf(raw, u));
  const obs = new BaselineObserver(null, { syncMs: 0 });
  const t0 = performance.now();
  for (let u = 0; u < users; u++) obs.observe({ tool: 'claude-cli', version: '2.1.90', user: `user${u}`, segments: parseRequest('anthropic', bodies[u]!).segments });
  const learnMs = performance.now() - t0;
  // Known variants: each request parsed beforehand (the pipeline has parsed it already).
  const parsed = bodies.map((b) => parseRequest('anthropic', b).segments);
  const known: number[] = [];
  for (let i = 0; i < 2000; i++) {
    const u = i % users;
    const s = performance.now();
    obs.observe({ tool: 'claude-cli', version: '2.1.90', user: `user${u}`, segments: parsed[u]! });
    known.push(performance.now() - s);
  }
  const fresh: number[] = [];
  for (let i = 0; i < 200; i++) {
    const segs = parseRequest('anthropic', variantOf(raw, 1000 + i)).segments;
    const s = performance.now();
    obs.observe({ tool: 'claude-cli', version: '2.1.90', user: `new${i}`, segments: segs });
    fresh.push(performance.now() - s);
  }
  const parse: number[] = [];
  for (let i = 0; i < 200; i++) {
    const s = performance.now();
    parseRequest('anthropic', bodies[i % users]!);
    parse.push(performance.now() - s);
  }
  process.stdout.write(`prompt baselines, 100 KB Claude Code request: known variant p50 ${round(pct(known, 50))} ms, new variant p50 ${round(pct(fresh, 50))} ms (parse alone: ${round(pct(parse, 50))} ms)\n`);
  return {
    bodyBytes: Buffer.byteLength(raw),
    segments: parsed[0]!.length,
    learnUsers: users,
    learnMs: round(learnMs),
    knownVariantP50Ms: round(pct(known, 50)),
    knownVariantP99Ms: round(pct(known, 99)),
    newVariantP50Ms: round(pct(fresh, 50)),
    newVariantP99Ms: round(pct(fresh, 99)),
    parseP50Ms: round(pct(parse, 50)),
    stats: obs.baseline.stats(),
    ...(opts.probe === true ? await benchProbe() : {}),
  };
}

if (process.argv[1] !== undefined && /bench[\\/]covert\.ts$/.test(process.argv[1])) {
  void benchCovert().then((r) => console.log(JSON.stringify(r, null, 2)));
}

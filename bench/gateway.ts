// Gateway benchmark: added latency of the gateway against calling the same fake upstream
// directly, in one run: the median of per-pair differences of alternating requests (the machine
// is noisy: pairing keeps drift out of the difference); the gateway process's CPU time per
// request over those pairs (steadier than latency on a shared machine); throughput at concurrency 32.
// Processes: mock upstream, gateway, and this load generator, each with its own event loop.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { policy50 } from './policy.ts';

/**
 * floor: the least a Node proxy does (bench/floor-proxy.ts), the baseline of the others; off: the
 * gateway's spine only; on: every detector and the prompt baselines; policy: on + a 50-rule policy.
 */
type Mode = 'floor' | 'off' | 'on' | 'policy';

interface Proc {
  child: ChildProcess;
  line: string;
}

function start(args: string[], env: NodeJS.ProcessEnv = process.env, ready: RegExp = /./): Promise<Proc> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], env });
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    const lines: string[] = [];
    rl.on('line', (line) => {
      lines.push(line);
      if (ready.test(lines.join('\n'))) {
        rl.removeAllListeners('line');
        resolve({ child, line: lines.join('\n') });
      }
    });
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}`)));
  });
}

/**
 * The real gateway binary (compiled: `npm run build`), as `npm start` runs it (its young
 * generation capped: README, "Running the gateway"), in a temp data dir.
 */
async function startGateway(upstream: string, mode: Mode): Promise<{ proc: Proc; url: string; key: string }> {
  if (mode === 'floor') {
    const proc = await start(['--max-semi-space-size=4', '--import', 'tsx', 'bench/floor-proxy.ts', upstream], process.env, /listening on/);
    // No keys: the client's goes through to the mock, as on the direct path.
    return { proc, url: /listening on (http:\/\/[\d.:]+)/.exec(proc.line)![1]!, key: 'sk-direct' };
  }
  const inspection = mode === 'off' ? 'off' : 'on';
  const dir = mkdtempSync(join(tmpdir(), 'airlock-bench-'));
  const cfg = join(dir, 'airlock.yaml');
  const policyArgs: string[] = [];
  if (mode === 'policy') {
    // The realistic 50-rule policy of bench/policy.ts, its blocks turned into alerts so that the
    // benchmark's request (a Claude Code body with a .env in a tool result) still reaches the upstream.
    const file = join(dir, 'policy.yaml');
    writeFileSync(file, policy50().replace(/action: block/g, 'action: alert'));
    policyArgs.push('--policy', file);
  }
  writeFileSync(cfg, [
    'listen: { host: 127.0.0.1, port: 0 }',
    `dataDir: ${dir}`,
    `inspection: { enabled: ${inspection === 'on'}, responses: ${inspection === 'on'} }`,
    'upstreams:',
    `  - { name: anthropic, baseUrl: "${upstream}", dialects: [anthropic], auth: managed, apiKeyEnv: BENCH_PROVIDER_KEY }`,
    `  - { name: openai, baseUrl: "${upstream}", dialects: [openai-chat, openai-responses], auth: managed, apiKeyEnv: BENCH_PROVIDER_KEY }`,
    `  - { name: inhouse, baseUrl: "${upstream}", dialects: [openai-chat], models: ["inhouse-*"], auth: passthrough }`,
    '',
  ].join('\n'));
  const proc = await start(['--max-semi-space-size=4', 'dist/cli/main.js', 'serve', '--config', cfg, ...policyArgs], { ...process.env, BENCH_PROVIDER_KEY: 'sk-bench', AIRLOCK_LOG_LEVEL: 'warn', USER: 'bench' }, /alk_\w+[\s\S]*OPENAI_BASE_URL/);
  const url = /listening on (http:\/\/[\d.:]+)/.exec(proc.line)?.[1];
  const key = /(alk_\w+)/.exec(proc.line)?.[1];
  if (url === undefined || key === undefined) throw new Error(`unexpected gateway banner:\n${proc.line}`);
  return { proc, url, key };
}

const stop = (p: Proc): Promise<void> =>
  new Promise((r) => {
    p.child.once('exit', () => r());
    p.child.kill('SIGTERM');
  });

function smallBody(stream: boolean): Buffer {
  // ~2 KB Anthropic request: a short system prompt, a few turns.
  const text = 'Please refactor the function below to use async/await and keep the behaviour.\n' + 'function load(cb) { fs.readFile(p, (e, d) => cb(e, d)); }\n'.repeat(20);
  return Buffer.from(JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 256, stream, system: 'You are a careful senior engineer.', messages: [{ role: 'user', content: text.slice(0, 1800) }] }));
}

function largeBody(stream: boolean): Buffer {
  // A real Claude Code request (system prompt, tool definitions with schemas, tool results).
  const j = JSON.parse(readFileSync('test/fixtures/bodies/claude-code-2.1.90.json', 'utf8')) as Record<string, unknown>;
  j['stream'] = stream;
  return Buffer.from(JSON.stringify(j));
}

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

/**
 * Claude Code's headers: the 100 KB body is its request, and with its user-agent the gateway
 * identifies the tool and version, so the prompt-baseline comparison runs as it does for real
 * traffic (an unknown client skips it).
 */
const HEADERS: Record<string, string> = { 'content-type': 'application/json', 'x-api-key': 'sk-direct', 'anthropic-version': '2023-06-01', 'user-agent': 'claude-cli/2.1.90 (external, cli)', 'x-app': 'cli' };

async function once(pool: Pool, body: Buffer, headers: Record<string, string>): Promise<number> {
  const t0 = performance.now();
  const r = await pool.request({ path: '/v1/messages', method: 'POST', headers, body });
  for await (const _ of r.body) { /* drain */ }
  if (r.statusCode !== 200) throw new Error(`status ${r.statusCode}`);
  return performance.now() - t0;
}

/**
 * Sequential requests in pairs, one direct and one through the gateway, in alternating order: each
 * pair sees the same machine state (this shared machine's speed drifts by 2-3x within minutes), so
 * the median of the per-pair differences is the added latency; the percentiles of each side are
 * kept for p99.
 */
/**
 * CPU time (user + system, all threads: the event loop, the audit and inspection workers, V8's
 * collector) the process has used so far, in ms; null where /proc is not there. Unlike latency, it
 * hardly moves with the machine's load: it is the gateway's cost per request.
 */
function cpuMs(pid: number | undefined): number | null {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime, fields 14 and 15 of stat (11 and 12 after the command), in clock ticks of 10 ms.
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return null;
  }
}

async function latency(direct: Pool, gw: Pool, body: Buffer, key: string, pairs: number): Promise<{ direct: number[]; gateway: number[]; added: number[] }> {
  const hd = HEADERS;
  const hg = { ...hd, 'x-api-key': key };
  const out = { direct: [] as number[], gateway: [] as number[], added: [] as number[] };
  // Warm-up of this shape (the gateway as a whole was warmed by warmUp()).
  for (let i = 0; i < 300; i++) {
    await once(direct, body, hd);
    await once(gw, body, hg);
  }
  for (let i = 0; i < pairs; i++) {
    let d: number;
    let g: number;
    if (i % 2 === 0) {
      d = await once(direct, body, hd);
      g = await once(gw, body, hg);
    } else {
      g = await once(gw, body, hg);
      d = await once(direct, body, hd);
    }
    out.direct.push(d);
    out.gateway.push(g);
    out.added.push(g - d);
  }
  return out;
}

async function concurrent(pool: Pool, body: Buffer, headers: Record<string, string>, concurrency: number, total: number): Promise<{ rps: number; lat: number[] }> {
  // Steady state first: the connections of both hops (client → gateway → upstream) opened and the
  // concurrent code paths compiled. Measured from cold, a short run was ~30% below a long one.
  let warm = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (warm < Math.max(concurrency * 16, total / 4)) {
      warm++;
      await once(pool, body, headers);
    }
  }));
  const lat: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < total) {
      next++;
      lat.push(await once(pool, body, headers));
    }
  }));
  return { rps: (total / (performance.now() - t0)) * 1000, lat };
}

/**
 * Steady state before the first measurement: every body shape through both paths until the JIT
 * tiers of the gateway, the mock and this process have settled. Without it the first scenario
 * measured (2 KB json) ran on code the later ones found optimised, which showed as a json/stream
 * gap on the direct path as well. A gateway runs for hours; its steady state is what counts.
 */
async function warmUp(direct: Pool, gw: Pool, key: string, rounds: number): Promise<void> {
  const hd = HEADERS;
  const hg = { ...hd, 'x-api-key': key };
  // Measured on the direct path alone: its 2 KB p50 halves over the first ~6,000 requests.
  const small = [smallBody(false), smallBody(true)];
  const large = [largeBody(false), largeBody(true)];
  for (let i = 0; i < rounds; i++) {
    for (const b of i % 10 === 0 ? [...small, ...large] : small) {
      await once(direct, b, hd);
      await once(gw, b, hg);
    }
  }
}

export interface GatewayBenchRow {
  scenario: string;
  inspection: string;
  concurrency: number;
  directP50: number;
  gatewayP50: number;
  addedP50: number;
  addedP99: number;
  directRps?: number;
  gatewayRps?: number;
  /** The gateway process's CPU time per request (ms), over the sequential pairs. */
  gatewayCpuMs?: number;
}

const r3 = (x: number): number => Math.round(x * 1000) / 1000;

export async function benchGateway(opts: { quick?: boolean } = {}): Promise<{ rows: GatewayBenchRow[] }> {
  const pairs = opts.quick === true ? 300 : 1500;
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
  const mock = await start(['--import', 'tsx', 'bench/mock-server.ts']);
  const rows: GatewayBenchRow[] = [];
  try {
    const modes = (process.env['AIRLOCK_BENCH_GATEWAY_MODES'] ?? 'floor,off,on,policy').split(',') as Mode[];
    for (const inspection of modes) {
      const { proc: gwProc, url: gwUrl, key } = await startGateway(mock.line, inspection);
      const direct = new Pool(mock.line, { connections: 64 });
      const gw = new Pool(gwUrl, { connections: 64 });
      try {
        await warmUp(direct, gw, key, opts.quick === true ? 2000 : 4000);
        for (const [name, make] of [['2 KB', smallBody], ['100 KB', largeBody]] as const) {
          for (const stream of [false, true]) {
            const body = make(stream);
            const cpu0 = cpuMs(gwProc.child.pid);
            const l = await latency(direct, gw, body, key, pairs);
            const cpu1 = cpuMs(gwProc.child.pid);
            rows.push({
              scenario: `${name} ${stream ? 'stream' : 'json'}`,
              inspection,
              concurrency: 1,
              directP50: r3(pct(l.direct, 50)),
              gatewayP50: r3(pct(l.gateway, 50)),
              addedP50: r3(pct(l.added, 50)),
              addedP99: r3(pct(l.gateway, 99) - pct(l.direct, 99)),
              ...(cpu0 !== null && cpu1 !== null ? { gatewayCpuMs: r3((cpu1 - cpu0) / pairs) } : {}),
            });
            const total = opts.quick === true ? 1000 : 4000;
            const hd = HEADERS;
            const cd = await concurrent(direct, body, hd, 32, total);
            const cg = await concurrent(gw, body, { ...hd, 'x-api-key': key }, 32, total);
            rows.push({
              scenario: `${name} ${stream ? 'stream' : 'json'}`,
              inspection,
              concurrency: 32,
              directP50: r3(pct(cd.lat, 50)),
              gatewayP50: r3(pct(cg.lat, 50)),
              addedP50: r3(pct(cg.lat, 50) - pct(cd.lat, 50)),
              addedP99: r3(pct(cg.lat, 99) - pct(cd.lat, 99)),
              directRps: Math.round(cd.rps),
              gatewayRps: Math.round(cg.rps),
            });
          }
        }
      } finally {
        await direct.close();
        await gw.close();
        await stop(gwProc);
      }
    }
  } finally {
    await stop(mock);
  }
  return { rows };
}

export function printGateway(rows: GatewayBenchRow[]): string {
  const head = ['scenario', 'inspect', 'conc', 'direct p50', 'gw p50', 'added p50', 'added p99', 'gw cpu/req', 'direct rps', 'gw rps'];
  const body = rows.map((r) => [r.scenario, r.inspection, String(r.concurrency), r.directP50.toFixed(3), r.gatewayP50.toFixed(3), r.addedP50.toFixed(3), r.addedP99.toFixed(3), r.gatewayCpuMs?.toFixed(3) ?? '', String(r.directRps ?? ''), String(r.gatewayRps ?? '')]);
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  return [head, ...body].map((r) => r.map((c, i) => c.padStart(w[i]!)).join('  ')).join('\n');
}

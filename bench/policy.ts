// Benchmark of policy evaluation: a realistic policy of 50 rules (client list, routes, exceptions,
// limits), evaluated per exchange with 0, 5 and 50 findings; then the same gateway process with
// and without that policy against one mock upstream (added latency, sequential); then the cost of
// the rate-limit counter round trip (SQLite, and PostgreSQL when reachable).
// Called by bench/run.ts; runnable alone: node --import tsx bench/policy.ts
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { compilePolicy, type PolicyInput } from '../src/core/policy/index.ts';
import type { Finding, Severity } from '../src/core/types.ts';
import { parseConfig } from '../src/gateway/config.ts';
import { PolicyHolder } from '../src/gateway/policy-loader.ts';
import { Gateway } from '../src/gateway/server.ts';
import { MockProvider } from '../src/probe/mock-provider.ts';
import { openStore } from '../src/store/index.ts';
import type { Store } from '../src/store/types.ts';

const TEAMS = ['payments', 'web', 'research', 'mobile', 'data', 'infra', 'security', 'support'];
const SEGS = ['tool_result', 'user', 'system', 'tool_call'];
const SEV: Severity[] = ['low', 'medium', 'high', 'critical'];

/** 50 rules of every shape, plus clients, routes, an exception and limits. */
export function policy50(): string {
  const rules: string[] = [];
  for (let i = 0; i < 50; i++) {
    const team = TEAMS[i % TEAMS.length]!;
    const kind = i % 10;
    const when =
      kind === 0 ? `{ detectors: [secrets], segments: [${SEGS[i % 4]}] }`
      : kind === 1 ? `{ tags: [pii], teams: [${team}] }`
      : kind === 2 ? `{ findings: ["aws-*", "secrets/github-*"], severity: ${SEV[i % 4]} }`
      : kind === 3 ? `{ models: ["claude-opus-*", "gpt-5*"], teams: [${team}] }`
      : kind === 4 ? `{ tools: [{ name: claude-cli, versions: "<2.0.${i}" }] }`
      : kind === 5 ? `{ detectors: [internal-infra], count: ${1 + (i % 3)} }`
      : kind === 6 ? `{ tags: [obfuscation], segments: [system, tool_definition] }`
      : kind === 7 ? `{ users: [user${i}, user${i + 1}], upstreams: [openai] }`
      : kind === 8 ? `{ detectors: [pii], confidence: 0.${5 + (i % 5)}, roles: [developer] }`
      : `{ teams: [${team}], severity: critical }`;
    const action = ['block', 'alert', 'redact', 'alert', 'block', 'alert', 'block', 'alert', 'redact', 'route(inhouse)'][kind]!;
    rules.push(`  - id: rule-${i}\n    when: ${when}\n    action: ${action}`);
  }
  return `version: 1
clients:
  unknown: alert
  tools:
    - { name: claude-cli, versions: ">=2.1.91 <2.1.93", action: block, reason: covert signalling in system prompt }
    - { name: claude-cli, action: allow }
    - { name: codex, action: allow }
    - { name: anthropic-sdk-typescript, action: allow }
routes:
  - { teams: [research], upstreams: [inhouse] }
  - { upstreams: [anthropic, openai, inhouse] }
rules:
${rules.join('\n')}
exceptions:
  - { rule: rule-0, team: payments, valueHash: 0123456789abcdef0123456789abcdef, expires: 2099-01-01 }
limits:
  - { scope: user, requestsPerMinute: 100000 }
  - { scope: team, tokensPerDay: 1000000000 }
`;
}

function findings(n: number): Finding[] {
  const out: Finding[] = [];
  const kinds: [string, string, string][] = [['secrets', 'aws-secret-key', 'tool_result'], ['pii', 'email', 'user'], ['internal-infra', 'internal-host', 'tool_result'], ['secrets', 'github-pat', 'user'], ['hidden-chars', 'tag-characters', 'system']];
  for (let i = 0; i < n; i++) {
    const [detector, rule, role] = kinds[i % kinds.length]!;
    out.push({ detector, rule, severity: SEV[i % 4]!, role: role as Finding['role'], segmentPath: `messages[${i}].content`, start: 0, end: 10, preview: 'xxxx… (10 chars)', confidence: 0.9, valueHash: `${i}`.padStart(32, '0') });
  }
  return out;
}

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const r3 = (x: number): number => Math.round(x * 1000) / 1000;

function evalCost(quick: boolean): Record<string, unknown> {
  const r = compilePolicy(policy50(), { upstreams: ['anthropic', 'openai', 'inhouse'] });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  const p = r.policy;
  const out: Record<string, unknown> = {};
  const t0 = performance.now();
  for (let i = 0; i < 100; i++) compilePolicy(policy50());
  out['compileMs'] = r3((performance.now() - t0) / 100);
  for (const n of [0, 5, 50]) {
    const input: PolicyInput = {
      identity: { keyId: 'key_1', user: 'alice', team: 'payments', role: 'developer' },
      client: { tool: 'claude-cli', version: '2.1.90' }, dialect: 'anthropic', upstream: 'anthropic', model: 'claude-sonnet-4-5', findings: findings(n),
    };
    const iters = quick ? 20_000 : 100_000;
    for (let i = 0; i < 2000; i++) p.evaluate(input);
    const samples: number[] = [];
    const batch = 100;
    for (let i = 0; i < iters / batch; i++) {
      const t = performance.now();
      for (let j = 0; j < batch; j++) p.evaluate(input);
      samples.push(((performance.now() - t) / batch) * 1000); // µs per evaluation
    }
    out[`eval${n}FindingsUs`] = { p50: r3(pct(samples, 50)), p99: r3(pct(samples, 99)) };
  }
  return out;
}

async function gatewayCost(quick: boolean): Promise<Record<string, unknown>> {
  const mock = new MockProvider({ capture: false });
  const mockUrl = await mock.listen();
  const dir = mkdtempSync(join(tmpdir(), 'airlock-bench-policy-'));
  const policyFile = join(dir, 'policy.yaml');
  writeFileSync(policyFile, policy50());
  const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
  const body = Buffer.from(JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 16, messages: [{ role: 'user', content: 'Please refactor this function.\n'.repeat(60) }] }));
  const out: Record<string, unknown> = {};
  try {
    for (const withPolicy of [false, true]) {
      const store = await openStore(`sqlite:${join(dir, `${withPolicy ? 'p' : 'n'}.db`)}`);
      const config = parseConfig({
        listen: { host: '127.0.0.1', port: 0 }, dataDir: dir,
        upstreams: [
          { name: 'anthropic', baseUrl: mockUrl, dialects: ['anthropic'], auth: 'managed', apiKeyEnv: 'K' },
          { name: 'openai', baseUrl: mockUrl, dialects: ['openai-chat', 'openai-responses'], auth: 'managed', apiKeyEnv: 'K' },
          { name: 'inhouse', baseUrl: mockUrl, dialects: ['anthropic'], models: ['inhouse-*'], auth: 'managed', apiKeyEnv: 'K' },
        ],
      });
      const holder = withPolicy ? new PolicyHolder(policyFile, { logger: silent, upstreams: ['anthropic', 'openai', 'inhouse'] }) : undefined;
      const gw = new Gateway({ config, store, logger: silent, env: { K: 'sk' }, hashSecret: 'b', ...(holder !== undefined ? { policy: holder } : {}) });
      await gw.listen(0, '127.0.0.1');
      const { key } = await store.createKey({ user: 'alice', team: 'payments', role: 'developer' });
      const pool = new Pool(gw.url, { connections: 4 });
      const headers = { 'content-type': 'application/json', 'x-api-key': key, 'user-agent': 'claude-cli/2.1.90 (external, cli)' };
      const lat: number[] = [];
      const n = quick ? 600 : 3000;
      for (let i = 0; i < n; i++) {
        const t = performance.now();
        const r = await pool.request({ path: '/v1/messages', method: 'POST', headers, body });
        await r.body.dump();
        if (r.statusCode !== 200) throw new Error(`status ${r.statusCode}`);
        if (i >= 100) lat.push(performance.now() - t);
      }
      out[withPolicy ? 'gatewayWith50Rules' : 'gatewayNoPolicy'] = { p50Ms: r3(pct(lat, 50)), p99Ms: r3(pct(lat, 99)) };
      await pool.close();
      await gw.close(1000);
      holder?.close();
      await store.close();
    }
  } finally {
    await mock.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const a = out['gatewayNoPolicy'] as { p50Ms: number; p99Ms: number };
  const b = out['gatewayWith50Rules'] as { p50Ms: number; p99Ms: number };
  out['policyAddedP50Ms'] = r3(b.p50Ms - a.p50Ms);
  out['note'] = 'with-policy includes the rate limiter (counted locally far from the limit) and the token charge after the response';
  return out;
}

async function counterCost(store: Store, n: number): Promise<{ p50Us: number; p99Us: number }> {
  await store.migrate();
  const lat: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await store.bumpCounters([{ name: 'rpm:user:alice', win: i >> 8, by: 1, expiresAt: Date.now() + 120_000 }, { name: 'rpm:team:payments', win: i >> 8, by: 1, expiresAt: Date.now() + 120_000 }, { name: 'tpd:team:payments', win: 1, by: 0, expiresAt: Date.now() + 120_000 }]);
    lat.push((performance.now() - t) * 1000);
  }
  return { p50Us: r3(pct(lat, 50)), p99Us: r3(pct(lat, 99)) };
}

export async function benchPolicy(opts: { quick?: boolean } = {}): Promise<Record<string, unknown>> {
  const quick = opts.quick === true;
  const res: Record<string, unknown> = { rules: 50, evaluation: evalCost(quick) };
  res['gateway'] = await gatewayCost(quick);
  const dir = mkdtempSync(join(tmpdir(), 'airlock-bench-rl-'));
  const sqlite = await openStore(`sqlite:${join(dir, 'c.db')}`);
  res['rateLimitRoundTripSqlite'] = await counterCost(sqlite, quick ? 500 : 2000);
  await sqlite.close();
  rmSync(dir, { recursive: true, force: true });
  const pgUrl = process.env['AIRLOCK_TEST_PG'] ?? 'postgres://postgres@127.0.0.1:5432/test';
  const schema = `airlock_bench_${process.pid}`;
  try {
    const pgStore = await openStore(`${pgUrl}?schema=${schema}`);
    res['rateLimitRoundTripPostgres'] = await counterCost(pgStore, quick ? 500 : 2000);
    await pgStore.close();
    const { default: pg } = await import('pg');
    const c = new pg.Client({ connectionString: pgUrl });
    await c.connect();
    await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await c.end();
  } catch (e) {
    res['rateLimitRoundTripPostgres'] = `skipped: ${(e as Error).message}`;
  }
  process.stdout.write(`${JSON.stringify(res, null, 2)}\n`);
  return res;
}

if (process.argv[1] !== undefined && /bench[\\/]policy\.ts$/.test(process.argv[1])) await benchPolicy({ quick: process.argv.includes('--quick') });

// Rate limits across gateway instances: two gateways on one PostgreSQL store (an isolated schema)
// share the counters, so a limit of N per minute admits exactly N requests in total, and the
// counters stay exact under concurrent upserts. Skipped with the reason when PostgreSQL is absent.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import Anthropic from '@anthropic-ai/sdk';
import { PostgresStore } from '../../src/store/postgres.ts';
import { randomBase62 } from '../../src/store/keys.ts';
import { startPolicyGateway, type PolicyGateway } from './helpers.ts';

const PG_URL = process.env.AIRLOCK_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';
const admin = new pg.Pool({ connectionString: PG_URL, max: 2, connectionTimeoutMillis: 3000 });
const reachable = await admin.query('SELECT 1').then(() => true, () => false);
const schema = `airlock_test_${process.pid}_${randomBase62(8).toLowerCase()}`;
const stores: PostgresStore[] = [];
after(async () => {
  for (const s of stores) await s.close().catch(() => undefined);
  if (reachable) await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin.end();
});

const open = async (): Promise<PostgresStore> => {
  const s = new PostgresStore({ connectionString: PG_URL, schema, max: 4 });
  await s.migrate();
  stores.push(s);
  return s;
};

const skip = reachable ? false : `PostgreSQL not reachable at ${PG_URL}`;

test('concurrent bumps from several stores add up exactly', { skip }, async () => {
  const [a, b] = [await open(), await open()];
  const bump = (s: PostgresStore): Promise<number[]> => s.bumpCounters([{ name: 'rpm:user:x', win: 1, by: 1, expiresAt: Date.now() + 60_000 }, { name: 'tpd:user:x', win: 1, by: 0, expiresAt: Date.now() + 60_000 }]);
  const results = await Promise.all(Array.from({ length: 40 }, (_, i) => bump(i % 2 === 0 ? a : b)));
  const counts = results.map((r) => r[0]!).sort((x, y) => x - y);
  assert.deepEqual(counts, Array.from({ length: 40 }, (_, i) => i + 1), 'every request saw a distinct count');
  assert.ok(results.every((r) => r[1] === 0));
  assert.equal(await a.pruneCounters(Date.now() + 120_000), 2);
});

test('two gateways on one PostgreSQL store enforce one limit together (429 + retry-after)', { skip }, async () => {
  // A second attempt (when the first straddled a minute) uses a team of its own: the sliding window
  // would still count the first attempt's requests in the previous minute.
  const policy = 'version: 1\nlimits:\n  - { scope: team, name: shared0, requestsPerMinute: 4 }\n  - { scope: team, name: shared1, requestsPerMinute: 4 }\n';
  const gws: PolicyGateway[] = [];
  try {
    for (let i = 0; i < 2; i++) gws.push(await startPolicyGateway(policy, { store: await open(), keepStore: true }));
    for (let attempt = 0; attempt < 2; attempt++) {
      const key = await gws[0]!.key('sam', `shared${attempt}`);
      const minute = Math.floor(Date.now() / 60_000);
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) =>
        new Anthropic({ baseURL: gws[i % 2]!.url, apiKey: key, maxRetries: 0 }).messages.create({ model: 'claude-x', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }).then(() => 200, (e: unknown) => e)));
      if (Math.floor(Date.now() / 60_000) !== minute) continue;
      assert.equal(results.filter((r) => r === 200).length, 4, `exactly the limit, across both instances; got ${results.map((r) => (r === 200 ? 200 : String((r as Error).message).slice(0, 160))).join(' | ')}`);
      const limited = results.filter((r): r is InstanceType<typeof Anthropic.RateLimitError> => r instanceof Anthropic.RateLimitError);
      assert.equal(limited.length, 6);
      assert.ok(limited.every((e) => Number(e.headers?.get('retry-after')) >= 1 && /team shared\d made \d+ requests in the last minute \(limit 4\)/.test(e.message)));
      return;
    }
    assert.fail('could not stay within one minute window');
  } finally {
    for (const g of gws) await g.close();
  }
});

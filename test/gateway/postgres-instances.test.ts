// Several gateway instances sharing one PostgreSQL store: every exchange recorded once, one
// gapless chain that verifies, keys created through one instance accepted by the other.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { openStore } from '../../src/store/index.ts';
import { randomBase62 } from '../../src/store/keys.ts';
import { startHarness, type Harness } from '../helpers/harness.ts';

const PG_URL = process.env['AIRLOCK_TEST_PG'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `airlock_gw_${process.pid}_${randomBase62(6).toLowerCase()}`;
const admin = new pg.Pool({ connectionString: PG_URL, max: 2, connectionTimeoutMillis: 3000 });
const reachable = await admin.query('SELECT 1').then(() => true, () => false);
if (!reachable && process.env['CI'] === 'true') throw new Error('PostgreSQL is unreachable; CI needs it (AIRLOCK_TEST_PG)');

const harnesses: Harness[] = [];
after(async () => {
  for (const h of harnesses) await h.close();
  if (reachable) await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin.end();
});

test('two gateways on one PostgreSQL store keep one consistent chain (one appending from a worker thread)', { skip: reachable ? false : 'PostgreSQL unreachable' }, async () => {
  await admin.query(`CREATE SCHEMA ${schema}`);
  const url = `${PG_URL}?schema=${schema}`;
  // One instance appends from a worker thread (as `serve` does), the other on its own thread.
  const a = await startHarness({ store: await openStore(url), storeUrl: url });
  const b = await startHarness({ store: await openStore(url) });
  harnesses.push(a, b);
  const ca = new Anthropic({ baseURL: a.url, apiKey: a.key, maxRetries: 0 });
  const cb = new OpenAI({ baseURL: `${b.url}/v1`, apiKey: a.key, maxRetries: 0 }); // a's key, b's gateway
  const n = 40;
  await Promise.all([
    ...Array.from({ length: n }, (_, i) => ca.messages.create({ model: 'claude-x', max_tokens: 5, messages: [{ role: 'user', content: `a${i}` }] })),
    ...Array.from({ length: n }, (_, i) => cb.chat.completions.create({ model: 'gpt-x', messages: [{ role: 'user', content: `b${i}` }] })),
  ]);
  await a.gw.close(2_000);
  await b.gw.close(2_000);
  const recs = await a.store.readAudit({ limit: 1000 });
  assert.equal(recs.length, 2 * n);
  assert.deepEqual(recs.map((r) => r.seq), Array.from({ length: 2 * n }, (_, i) => i + 1), 'gapless');
  assert.equal(new Set(recs.map((r) => r.id)).size, 2 * n, 'each exchange once');
  assert.equal(recs.filter((r) => r.dialect === 'openai-chat').length, n);
  assert.ok(recs.every((r) => r.user === 'alice' && r.outcome === 'ok'));
  const v = await b.store.verifyAudit();
  assert.equal(v.ok, true, JSON.stringify(v.firstBroken));
});

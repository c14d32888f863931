// Audit appends from a worker thread (store/audit-thread.ts): the records land in the gateway's
// store in order and verify, on SQLite and PostgreSQL; a store failure and a crashed worker are
// failed batches that the writer retries without losing or doubling a record.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it, test } from 'node:test';
import type { Worker } from 'node:worker_threads';
import pg from 'pg';
import { ThreadedAppender } from '../../src/store/audit-thread.ts';
import { AuditWriter } from '../../src/store/audit-writer.ts';
import { openStore } from '../../src/store/index.ts';
import { randomBase62 } from '../../src/store/keys.ts';
import { makeEntries, makeEntry } from './entries.ts';

const dir = mkdtempSync(join(tmpdir(), 'airlock-audit-thread-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const PG_URL = process.env.AIRLOCK_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Writes `n` entries through a writer on a threaded appender, closes both, returns the store's view. */
async function roundTrip(url: string, n: number): Promise<void> {
  const store = await openStore(url);
  const appender = new ThreadedAppender(url);
  const errors: unknown[] = [];
  const w = new AuditWriter(appender, { maxBatch: 64, flushMs: 5, onError: (e) => errors.push(e) });
  const entries = makeEntries(1, n);
  for (const e of entries) w.write(e);
  await w.close();
  await appender.close();
  try {
    assert.deepEqual(errors, []);
    const rows = await store.readAudit({ limit: 10_000 });
    assert.deepEqual(rows.map((r) => r.id), entries.map((e) => e.id), 'every record, in the order written');
    assert.deepEqual(rows.map((r) => r.seq), entries.map((_, i) => i + 1));
    assert.equal(rows[7]!.findings[0]?.preview, entries[7]!.findings[0]?.preview, 'nested fields survive the thread hop');
    const v = await store.verifyAudit();
    assert.equal(v.ok, true);
    assert.equal(v.checked, n);
  } finally {
    await store.close();
  }
}

describe('ThreadedAppender', () => {
  it('appends to an SQLite file from a worker: every record, in order, chain verified', async () => {
    await roundTrip(`sqlite:${join(dir, 'a.db')}`, 500);
  });

  it('writes rate-limit counters and prompt-baseline variants from the worker between batches: increments, reads (by 0), pruning, variants land in the store', async () => {
    const url = `sqlite:${join(dir, 'counters.db')}`;
    const store = await openStore(url);
    const appender = new ThreadedAppender(url);
    const w = new AuditWriter(appender, { maxBatch: 16, flushMs: 1, onError: () => {} });
    try {
      const now = Date.now();
      const bump = (by: number, expiresAt = now + 60_000) => [{ name: 'rpm:user:ann', win: 7, by, expiresAt }, { name: 'rpm:team:web', win: 7, by: by * 2, expiresAt }];
      for (const e of makeEntries(1, 50)) w.write(e); // batches queued before and between the bumps
      assert.deepEqual(await appender.bumpCounters(bump(1)), [1, 2]);
      assert.deepEqual(await appender.bumpCounters(bump(3)), [4, 8]);
      assert.deepEqual(await appender.bumpCounters([]), []);
      assert.deepEqual(await store.bumpCounters(bump(0)), [4, 8], 'the gateway\'s own connection sees them');
      await appender.bumpCounters([{ name: 'old', win: 1, by: 5, expiresAt: now - 1 }]);
      assert.equal(await appender.pruneCounters(now), 1);
      const at = new Date(now).toISOString();
      await appender.saveBaselineVariants([{ tool: 'claude-cli', version: '2.1.90', group: 'system', hash: 'h1', fields: [['system', 'You are…']], users: ['u'], count: 1, firstSeen: at, lastSeen: at }]);
      assert.deepEqual((await store.loadBaselineVariants()).rows.map((r) => [r.tool, r.hash, r.fields]), [['claude-cli', 'h1', [['system', 'You are…']]]]);
      await w.close();
      assert.equal((await store.readAudit({ limit: 100 })).length, 50, 'the audit batches landed too');
    } finally {
      await appender.close();
      await store.close();
    }
  });

  it('hashes the request bodies handed over with the entries in the worker, and stores none of them', async () => {
    const url = `sqlite:${join(dir, 'bodies.db')}`;
    const store = await openStore(url);
    const appender = new ThreadedAppender(url);
    const w = new AuditWriter(appender, { maxBatch: 8, flushMs: 1, onError: () => {} });
    try {
      // The small body is a view of Node's 8 KiB buffer pool, shared with other buffers.
      const bodies = [Buffer.from('{"model":"m","messages":[{"role":"user","content":"hi"}]}'), Buffer.alloc(100_000, 'a')];
      assert.ok(bodies[0]!.buffer.byteLength > bodies[0]!.byteLength, 'a pooled view');
      const drafts = makeEntries(1, 2).map((e, i) => ({ ...e, requestSha256: null, requestBody: bodies[i]! }));
      for (const d of drafts) w.write(d);
      assert.equal(drafts[0]!.requestBody!.buffer.byteLength, bodies[0]!.byteLength, 'the pooled view is held as a copy of its own bytes');
      assert.equal(drafts[1]!.requestBody, bodies[1], 'a body with its own buffer is held as it is');
      // One with its digest already known keeps it (the inspection worker hashed it).
      w.write({ ...makeEntry(3), requestSha256: 'cd'.repeat(32), requestBody: bodies[0]! });
      assert.equal(w.heldBodyBytes, bodies[0]!.byteLength + bodies[1]!.byteLength, 'the known digest holds no body');
      await w.close();
      assert.equal(w.heldBodyBytes, 0, 'stored entries let their bodies go');
      const byId = new Map((await store.readAudit({ limit: 10 })).map((r) => [r.id, r]));
      assert.equal(byId.get(drafts[0]!.id)!.requestSha256, createHash('sha256').update(bodies[0]!).digest('hex'));
      assert.equal(byId.get(drafts[1]!.id)!.requestSha256, createHash('sha256').update(bodies[1]!).digest('hex'));
      assert.equal(byId.get(makeEntry(3).id)!.requestSha256, 'cd'.repeat(32));
      assert.ok(!JSON.stringify([...byId.values()]).includes('requestBody'), 'no body in any record');
      assert.equal((await store.verifyAudit()).ok, true, 'the chain covers the digest');
    } finally {
      await appender.close();
      await store.close();
    }
  });

  it('appends to PostgreSQL from a worker', async (t) => {
    const admin = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
    try {
      await admin.connect();
    } catch (e) {
      if (process.env.CI === 'true') throw e;
      t.skip(`PostgreSQL unreachable (${(e as Error).message})`);
      return;
    }
    const schema = `airlock_test_${process.pid}_${randomBase62(8).toLowerCase()}`;
    await admin.query(`CREATE SCHEMA ${schema}`);
    try {
      await roundTrip(`${PG_URL}?schema=${schema}`, 300);
    } finally {
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin.end();
    }
  });

  it('a store that cannot be opened rejects the batch; the writer keeps it pending and lands it once the store is there', async () => {
    // A directory where the database file should be: opening fails until it is replaced by a store.
    const file = join(dir, 'b.db');
    mkdirSync(file);
    const url = `sqlite:${file}`;
    const appender = new ThreadedAppender(url);
    const errors: string[] = [];
    const w = new AuditWriter(appender, { maxBatch: 10, flushMs: 1, retryBaseMs: 5, retryMaxMs: 20, onError: (e) => errors.push((e as Error).message) });
    const entries = makeEntries(1, 25);
    for (const e of entries) w.write(e);
    for (let i = 0; errors.length < 2 && i < 1000; i++) await new Promise((r) => setTimeout(r, 5));
    assert.ok(errors.length >= 2, 'the failure is reported, and retried');
    assert.equal(w.pending, 25, 'nothing dropped while the store is missing');
    assert.match(errors[0]!, /unable to open|directory/i);
    rmSync(file, { recursive: true });
    (await openStore(url)).close();
    await w.close();
    await appender.close();
    const store = await openStore(url);
    try {
      assert.deepEqual((await store.readAudit()).map((r) => r.id), entries.map((e) => e.id));
      assert.equal((await store.verifyAudit()).ok, true);
    } finally {
      await store.close();
    }
  });

  it('a worker that dies fails its batch; the retry runs on a new worker and no record is lost or doubled', async () => {
    const url = `sqlite:${join(dir, 'c.db')}`;
    (await openStore(url)).close();
    const appender = new ThreadedAppender(url);
    await appender.appendAudit(makeEntries(1, 5));
    const first = (appender as unknown as { client: { worker: Worker } }).client.worker;
    // A batch sent to a thread that is going: rejected, not left hanging. (Terminating after the
    // send would race the worker's reply; once terminate() is called the worker runs no more JS.)
    const dying = first.terminate();
    const inFlight = appender.appendAudit(makeEntries(6, 5));
    await dying;
    await assert.rejects(inFlight, /audit worker exited/);
    const errors: unknown[] = [];
    const w = new AuditWriter(appender, { maxBatch: 100, flushMs: 1, retryBaseMs: 5, onError: (e) => errors.push(e) });
    for (const e of makeEntries(6, 10)) w.write(e); // 6..10 again: appends are idempotent by id
    await w.close();
    await appender.close();
    const store = await openStore(url);
    try {
      const ids = (await store.readAudit()).map((r) => r.id);
      assert.deepEqual(ids, makeEntries(1, 15).map((e) => e.id));
      assert.equal((await store.verifyAudit()).ok, true);
    } finally {
      await store.close();
    }
  });
});

test('a batch that cannot be sent to the worker fails alone and does not hold the process', async () => {
  const url = `sqlite:${join(dir, 'd.db')}`;
  (await openStore(url)).close();
  const appender = new ThreadedAppender(url);
  const bad = makeEntries(1, 1).map((e) => ({ ...e, detail: () => 0 })) as unknown as ReturnType<typeof makeEntries>;
  await assert.rejects(appender.appendAudit(bad), /could not be cloned/);
  assert.equal((appender as unknown as { client: { pending: number } }).client.pending, 0, 'nothing left waiting');
  await appender.appendAudit(makeEntries(1, 2)); // the worker still serves the next batch
  await appender.close();
  const store = await openStore(url);
  try {
    assert.equal((await store.readAudit()).length, 2);
  } finally {
    await store.close();
  }
});

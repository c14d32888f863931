import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { AuditEntry, AuditRecord } from '../../src/core/types.ts';
import { AuditWriter } from '../../src/store/audit-writer.ts';
import { SqliteStore } from '../../src/store/sqlite.ts';
import { makeEntries, makeEntry } from './entries.ts';

/** A store double recording every batch; `failNext` makes the next calls throw. */
class FakeStore {
  batches: string[][] = [];
  failNext = 0;
  calls = 0;
  private waiting: { count: number; resolve: () => void }[] = [];

  async appendAudit(entries: AuditEntry[]): Promise<AuditRecord[]> {
    this.calls++;
    await new Promise((r) => setImmediate(r));
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('database is down');
    }
    this.batches.push(entries.map((e) => e.id));
    this.waiting = this.waiting.filter((w) => (this.ids.length >= w.count ? (w.resolve(), false) : true));
    return [];
  }

  get ids(): string[] {
    return this.batches.flat();
  }

  /** Resolves once `count` entries are stored (no wall-clock assertion). */
  stored(count: number): Promise<void> {
    return this.ids.length >= count ? Promise.resolve() : new Promise((resolve) => this.waiting.push({ count, resolve }));
  }
}

const idsOf = (entries: AuditEntry[]): string[] => entries.map((e) => e.id);
const HOUR = 3_600_000;

describe('AuditWriter', () => {
  it('writes full batches as soon as they fill, in order', async () => {
    const store = new FakeStore();
    const w = new AuditWriter(store, { maxBatch: 10, flushMs: HOUR });
    const entries = makeEntries(1, 25);
    for (const e of entries) w.write(e);
    await store.stored(20); // two full batches written without flush() or the timer
    await w.close();
    assert.deepEqual(store.ids, idsOf(entries));
    assert.ok(store.batches.every((b) => b.length <= 10));
    assert.deepEqual(store.batches.slice(0, 2).map((b) => b.length), [10, 10]);
  });

  it('entries that arrive during an append wait for the timer unless they fill a batch', async () => {
    // An append that lands only when the test says so.
    const batches: string[][] = [];
    let land: (() => void) | null = null;
    const store = {
      async appendAudit(entries: AuditEntry[]): Promise<void> {
        await new Promise<void>((r) => (land = r));
        batches.push(idsOf(entries));
      },
    };
    const w = new AuditWriter(store, { maxBatch: 5, flushMs: HOUR });
    const entries = makeEntries(1, 12);
    for (const e of entries.slice(0, 5)) w.write(e); // a full batch: appended at once
    await new Promise((r) => setImmediate(r));
    for (const e of entries.slice(5, 7)) w.write(e); // during the append: two, no batch
    land!();
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    assert.deepEqual(batches.map((b) => b.length), [5], 'the two wait for the timer (an hour here)');
    assert.equal(w.pending, 2);
    for (const e of entries.slice(7, 10)) w.write(e); // now five: a full batch again
    await new Promise((r) => setImmediate(r));
    land!();
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    assert.deepEqual(batches.map((b) => b.length), [5, 5]);
    for (const e of entries.slice(10)) w.write(e);
    const closing = w.close(); // close() writes the rest without waiting for the timer
    await new Promise((r) => setImmediate(r));
    land!();
    await closing;
    assert.deepEqual(batches.flat(), idsOf(entries));
  });

  it('writes a partial batch when the timer fires', async () => {
    const store = new FakeStore();
    const w = new AuditWriter(store, { maxBatch: 100, flushMs: 5 });
    for (const e of makeEntries(1, 3)) w.write(e);
    assert.equal(w.pending, 3);
    // The writer's timer is unref'd (it must not keep a process alive); hold the loop open here.
    const keepAlive = setInterval(() => {}, 1000);
    await store.stored(3).finally(() => clearInterval(keepAlive));
    assert.deepEqual(store.batches.map((b) => b.length), [3]);
    assert.equal(w.pending, 0);
    await w.close();
  });

  it('close() flushes everything queued', async () => {
    const store = new FakeStore();
    const w = new AuditWriter(store, { maxBatch: 64, flushMs: HOUR });
    const entries = makeEntries(1, 1000);
    for (const e of entries) w.write(e);
    await w.close();
    assert.deepEqual(store.ids, idsOf(entries));
    assert.equal(w.pending, 0);
  });

  it('flush() resolves only after entries written before it are stored', async () => {
    const store = new FakeStore();
    const w = new AuditWriter(store, { maxBatch: 7, flushMs: HOUR });
    for (const e of makeEntries(1, 30)) w.write(e);
    await w.flush();
    assert.equal(store.ids.length, 30);
    for (const e of makeEntries(31, 3)) w.write(e);
    await w.flush();
    assert.equal(store.ids.length, 33);
    await w.close();
  });

  it('flush() waits for earlier writes only, so steady traffic cannot starve it', async () => {
    const store = new FakeStore();
    const w = new AuditWriter(store, { maxBatch: 5, flushMs: HOUR });
    let next = 100;
    const append = store.appendAudit.bind(store);
    // Every stored batch brings five new entries, as a busy gateway would.
    store.appendAudit = async (entries) => {
      const out = await append(entries);
      if (next < 10_000) for (let k = 0; k < 5; k++) w.write(makeEntry(next++));
      return out;
    };
    const first = makeEntries(1, 10);
    for (const e of first) w.write(e);
    await w.flush();
    assert.deepEqual(store.ids.slice(0, 10), idsOf(first));
    assert.ok(store.ids.length < 100, `flush returned after ${store.ids.length} entries`);
    next = 10_000;
    await w.close();
    assert.equal(w.pending, 0);
  });

  it('a transiently failing store eventually persists everything, in order, reporting each failure', async () => {
    const store = new FakeStore();
    store.failNext = 4;
    const errors: unknown[] = [];
    const w = new AuditWriter(store, { maxBatch: 10, flushMs: 1, retryBaseMs: 1, retryMaxMs: 4, onError: (e) => errors.push(e) });
    const entries = makeEntries(1, 35);
    for (const e of entries) w.write(e);
    await w.close();
    assert.deepEqual(store.ids, idsOf(entries), 'nothing dropped, nothing duplicated, order kept');
    assert.equal(errors.length, 4);
    assert.match(String(errors[0]), /database is down/);
  });

  it('keeps failed entries queued (pending) until the store recovers', async () => {
    const store = new FakeStore();
    store.failNext = Infinity;
    let failures = 0;
    let sawFailures!: () => void;
    const threeFailures = new Promise<void>((r) => (sawFailures = r));
    const w = new AuditWriter(store, { maxBatch: 5, flushMs: 1, retryBaseMs: 1, retryMaxMs: 2, onError: () => ++failures === 3 && sawFailures() });
    for (const e of makeEntries(1, 12)) w.write(e);
    const keepAlive = setInterval(() => {}, 1000); // retry timers are unref'd until someone flushes
    await threeFailures.finally(() => clearInterval(keepAlive));
    assert.equal(w.pending, 12);
    assert.deepEqual(store.ids, []);
    store.failNext = 0;
    await w.close();
    assert.equal(store.ids.length, 12);
  });

  it('write() never throws, even with a throwing onError or after close', async () => {
    const store = new FakeStore();
    store.failNext = 1;
    const w = new AuditWriter(store, { maxBatch: 1, retryBaseMs: 1, onError: () => { throw new Error('bad handler'); } });
    assert.doesNotThrow(() => w.write(makeEntry(1)));
    await w.close();
    assert.deepEqual(store.ids, [makeEntry(1).id]);
    const reported: unknown[] = [];
    const w2 = new AuditWriter(store, { onError: (e) => reported.push(e) });
    await w2.close();
    assert.doesNotThrow(() => w2.write(makeEntry(2)));
    assert.match(String(reported[0]), /closed/, 'a write after close is reported, not silently lost');
  });

  it('holds request bodies for hashing at the store only up to maxBodyBytes: past it, and while a failing store keeps its batch, a body is hashed at write()', async () => {
    const store = new FakeStore();
    store.failNext = 3;
    const w = new AuditWriter(store, { maxBatch: 4, flushMs: 1, retryBaseMs: 1, maxBodyBytes: 250_000, onError: () => {} });
    const body = (c: string): Buffer => Buffer.alloc(100_000, c);
    const drafts = makeEntries(1, 3).map((e, i) => ({ ...e, requestSha256: null, requestBody: body('abc'[i]!) }));
    for (const d of drafts) w.write(d);
    assert.equal(w.heldBodyBytes, 200_000, 'two bodies held, within the bound');
    assert.equal(drafts[0]!.requestSha256, null);
    assert.equal(drafts[2]!.requestBody, undefined, 'the third would pass the bound: hashed now, let go');
    assert.equal(drafts[2]!.requestSha256, createHash('sha256').update(body('c')).digest('hex'));
    await w.close();
    assert.deepEqual(store.ids, idsOf(drafts), 'all stored after the failures');
    assert.equal(w.heldBodyBytes, 0);
    assert.equal(drafts[0]!.requestBody, undefined, 'a stored entry lets its body go');
  });

  describe('with a real SQLite store', () => {
    const dir = mkdtempSync(join(tmpdir(), 'airlock-writer-'));
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('persists a verifiable chain, and a retry after a lost reply does not duplicate', async () => {
      const store = new SqliteStore(join(dir, 'w.db'));
      await store.migrate();
      // The first append commits but its caller sees an error (e.g. connection lost after COMMIT).
      let lostReply = true;
      const flaky = {
        appendAudit: async (entries: AuditEntry[]) => {
          const out = await store.appendAudit(entries);
          if (lostReply) {
            lostReply = false;
            throw new Error('connection reset after commit');
          }
          return out;
        },
      };
      const w = new AuditWriter(flaky, { maxBatch: 50, flushMs: 1, retryBaseMs: 1 });
      for (const e of makeEntries(1, 120)) w.write(e);
      await w.close();
      const r = await store.verifyAudit();
      assert.equal(r.ok, true, r.firstBroken?.reason);
      assert.equal(r.checked, 120);
      await store.close();
    });
  });
});

// The behaviour every Store must have, registered once per implementation (sqlite.test.ts,
// postgres.test.ts). Tamper tests change the database behind the store's back, as an attacker
// with write access to it would, and expect verifyAudit to name the first broken record.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AuditEntry } from '../../src/core/types.ts';
import { GENESIS_HASH, recordHash } from '../../src/store/chain.ts';
import { AUDIT_COLUMNS, recordToParams } from '../../src/store/columns.ts';
import { hashKey, isWellFormedKey } from '../../src/store/keys.ts';
import type { BreakKind, Store, VerifyResult } from '../../src/store/types.ts';
import { makeEntries, makeEntry } from './entries.ts';

export type Row = Record<string, unknown>;

export interface StoreFixture {
  /** A fresh, migrated store on its own empty database (file or schema). */
  store: Store;
  /** Raw SQL behind the store's back; `?` placeholders (rewritten to $n for PostgreSQL). */
  sql(sql: string, params?: unknown[]): Promise<Row[]>;
  /** A second store instance on the same database (another gateway instance). */
  reopen(): Promise<Store>;
  /** Everything persisted, as text, to prove what is never stored. */
  dump(): Promise<string>;
  dispose(): Promise<void>;
}

export interface StoreHarness {
  kind: Store['kind'];
  create(): Promise<StoreFixture>;
}

export async function withFixture(h: StoreHarness, fn: (f: StoreFixture) => Promise<void>): Promise<void> {
  const f = await h.create();
  try {
    await fn(f);
  } finally {
    await f.dispose();
  }
}

function assertBroken(r: VerifyResult, seq: number, kind: BreakKind): void {
  assert.equal(r.ok, false, 'verify should fail');
  assert.ok(r.firstBroken, 'firstBroken is set');
  assert.deepEqual({ seq: r.firstBroken.seq, kind: r.firstBroken.kind }, { seq, kind }, r.firstBroken.reason);
  assert.ok(r.firstBroken.reason.length > 10);
}

export function storeContract(h: StoreHarness): void {
  const test = (name: string, fn: (f: StoreFixture) => Promise<void>): void => {
    it(name, () => withFixture(h, fn));
  };

  describe(`${h.kind} store: keys`, () => {
    test('createKey returns a well-formed key once and stores only its hash', async ({ store, dump }) => {
      const { key, row } = await store.createKey({ user: 'alice', team: 'payments', role: 'developer' });
      assert.match(key, /^alk_[0-9A-Za-z]{49}$/);
      assert.ok(isWellFormedKey(key));
      assert.match(row.keyId, /^key_[0-9A-Za-z]{16}$/);
      assert.equal(row.prefix, key.slice(0, 10));
      assert.deepEqual({ user: row.user, team: row.team, role: row.role, revokedAt: row.revokedAt }, { user: 'alice', team: 'payments', role: 'developer', revokedAt: null });
      const text = await dump();
      assert.ok(!text.includes(key), 'raw key must not be stored');
      assert.ok(!text.includes(key.slice(10, 40)), 'no part of the secret beyond the display prefix is stored');
      assert.ok(text.includes(hashKey(key)), 'the hash is stored');
    });

    test('findKeyByHash finds by SHA-256 of the key, null otherwise', async ({ store }) => {
      const { key, row } = await store.createKey({ user: 'bob', team: null, role: 'admin' });
      assert.deepEqual(await store.findKeyByHash(hashKey(key)), row);
      assert.equal(await store.findKeyByHash(hashKey(key + 'x')), null);
      assert.equal(await store.findKeyByHash(key), null, 'the raw key is not a lookup value');
    });

    test('listKeys lists every key without secrets', async ({ store }) => {
      const a = await store.createKey({ user: 'alice', team: 'payments', role: 'developer' });
      const b = await store.createKey({ user: 'carol', team: null, role: 'auditor' });
      const list = await store.listKeys();
      assert.deepEqual(new Set(list.map((k) => k.keyId)), new Set([a.row.keyId, b.row.keyId]));
      for (const k of list) assert.deepEqual(Object.keys(k).sort(), ['createdAt', 'keyId', 'prefix', 'revokedAt', 'role', 'team', 'user']);
    });

    test('revokeKey by keyId marks the key revoked, once', async ({ store }) => {
      const { key, row } = await store.createKey({ user: 'alice', team: null, role: 'developer' });
      const other = await store.createKey({ user: 'bob', team: null, role: 'developer' });
      assert.equal(await store.revokeKey(row.keyId), true);
      const found = await store.findKeyByHash(hashKey(key));
      assert.ok(found?.revokedAt, 'revoked keys are still found, with revokedAt');
      assert.equal(await store.revokeKey(row.keyId), false, 'already revoked');
      assert.equal((await store.findKeyByHash(hashKey(key)))?.revokedAt, found.revokedAt, 'first revocation time kept');
      assert.equal(await store.revokeKey('key_doesnotexist'), false);
      assert.equal((await store.findKeyByHash(hashKey(other.key)))?.revokedAt, null, 'other keys untouched');
    });

    test('revokeKey by display prefix only when unambiguous', async ({ store, sql }) => {
      const a = await store.createKey({ user: 'alice', team: null, role: 'developer' });
      const b = await store.createKey({ user: 'bob', team: null, role: 'developer' });
      await sql('UPDATE api_keys SET prefix = ? WHERE key_id = ?', [a.row.prefix, b.row.keyId]);
      assert.equal(await store.revokeKey(a.row.prefix), false, 'two active keys share the prefix');
      assert.equal(await store.revokeKey(b.row.keyId), true);
      assert.equal(await store.revokeKey(a.row.prefix), true, 'now only one active key has it');
      assert.ok((await store.findKeyByHash(hashKey(a.key)))?.revokedAt);
    });

    test('createKey rejects bad input', async ({ store }) => {
      await assert.rejects(store.createKey({ user: '', team: null, role: 'developer' }), /non-empty user/);
      await assert.rejects(store.createKey({ user: 'x', team: null, role: 'root' as 'admin' }), /role must be one of/);
      assert.deepEqual(await store.listKeys(), []);
    });
  });

  describe(`${h.kind} store: audit trail`, () => {
    test('appendAudit links records from the genesis hash, gapless', async ({ store }) => {
      const recs = await store.appendAudit(makeEntries(1, 3));
      assert.deepEqual(recs.map((r) => r.seq), [1, 2, 3]);
      assert.equal(recs[0]!.prevHash, GENESIS_HASH);
      assert.equal(recs[1]!.prevHash, recs[0]!.hash);
      assert.equal(recs[2]!.prevHash, recs[1]!.hash);
      for (const r of recs) assert.equal(r.hash, recordHash(r, r.seq, r.prevHash));
      const more = await store.appendAudit(makeEntries(4, 2));
      assert.deepEqual(more.map((r) => r.seq), [4, 5]);
      assert.equal(more[0]!.prevHash, recs[2]!.hash);
      assert.deepEqual(await store.auditHead(), { seq: 5, hash: more[1]!.hash });
    });

    test('readAudit and getAudit return exactly what appendAudit returned', async ({ store }) => {
      const recs = await store.appendAudit(makeEntries(1, 12));
      assert.deepEqual(await store.readAudit(), recs);
      assert.deepEqual(await store.getAudit(recs[4]!.id), recs[4]);
      assert.equal(await store.getAudit('nope'), null);
      assert.deepEqual((await store.readAudit({ afterSeq: 10 })).map((r) => r.seq), [11, 12]);
      assert.deepEqual((await store.readAudit({ beforeSeq: 3 })).map((r) => r.seq), [1, 2]);
      assert.deepEqual((await store.readAudit({ order: 'desc', limit: 3 })).map((r) => r.seq), [12, 11, 10]);
      assert.deepEqual((await store.readAudit({ user: 'alice' })).map((r) => r.seq), [2, 4, 6, 8, 10, 12]);
      assert.deepEqual((await store.readAudit({ team: 'payments', user: 'bob' })).map((r) => r.seq), [3, 9]);
      // A time window (entry i is at 00:00:i): since inclusive, until exclusive, as ISO-8601 text.
      assert.deepEqual((await store.readAudit({ since: '2026-01-01T00:00:10.000Z' })).map((r) => r.seq), [10, 11, 12]);
      assert.deepEqual((await store.readAudit({ until: '2026-01-01T00:00:03.000Z' })).map((r) => r.seq), [1, 2]);
      assert.deepEqual((await store.readAudit({ since: '2026-01-01T00:00:04.000Z', until: '2026-01-01T00:00:06.000Z', user: 'alice' })).map((r) => r.seq), [4]);
    });

    test('awkward values round-trip exactly and verify', async ({ store }) => {
      const e = makeEntry(1, {
        model: 'mödel-\u{1F600}-\uD800-\u0000-end', // emoji, lone surrogate, NUL
        latencyMs: 0.1 + 0.2,
        ttfbMs: null,
        inputTokens: null,
        findings: [{ ...makeEntry(4).findings[0]!, detail: 'quote " backslash \\ newline \n tab \t', confidence: 1e-7 }],
        decision: { action: 'route', ruleId: 'r-1', reason: 'ünïcode', upstream: 'local' },
        redactedBody: '{"messages":[{"content":"[REDACTED:aws-access-key]"}]}',
      });
      const [rec] = await store.appendAudit([e]);
      assert.equal(rec!.model, 'mödel-\u{1F600}-\uFFFD-\uFFFD-end', 'strings are stored as well-formed UTF-8 without NUL');
      assert.equal(rec!.latencyMs, 0.1 + 0.2);
      assert.deepEqual(await store.getAudit(e.id), rec);
      assert.equal((await store.verifyAudit()).ok, true);
    });

    test('gaps round-trip when present and stay absent when empty', async ({ store }) => {
      const gaps = [{ part: 'response' as const, reason: 'over the 16 MB read limit' }, { part: 'request' as const, detector: 'pii', reason: 'time budget exceeded' }];
      const recs = await store.appendAudit([makeEntry(1, { gaps }), makeEntry(2, { gaps: [] }), makeEntry(3)]);
      assert.deepEqual(recs[0]!.gaps, gaps);
      assert.equal('gaps' in recs[1]!, false);
      assert.deepEqual(await store.readAudit(), recs);
      assert.equal((await store.verifyAudit()).ok, true);
    });

    test('only AuditEntry fields are stored; undefined becomes null', async ({ store, dump }) => {
      const e = { ...makeEntry(1), promptText: 'TOP-SECRET-PROMPT', toolVersion: undefined } as unknown as AuditEntry;
      const [rec] = await store.appendAudit([e]);
      assert.equal(rec!.toolVersion, null);
      assert.equal('promptText' in rec!, false);
      assert.ok(!(await dump()).includes('TOP-SECRET-PROMPT'));
      assert.equal((await store.verifyAudit()).ok, true);
    });

    test('appendAudit is idempotent per entry id (retries cannot duplicate)', async ({ store }) => {
      const first = await store.appendAudit(makeEntries(1, 3));
      const again = await store.appendAudit([makeEntry(2), makeEntry(4), makeEntry(4), makeEntry(3)]);
      assert.deepEqual(again.map((r) => r.seq), [2, 4, 3]);
      assert.deepEqual(again[0], first[1]);
      assert.equal((await store.readAudit()).length, 4);
      assert.equal((await store.verifyAudit()).ok, true);
    });

    test('appendAudit is atomic: a failing batch stores nothing', async ({ store, sql }) => {
      await store.appendAudit(makeEntries(1, 2));
      // Occupy seq 4 behind the store's back: the batch's second insert collides.
      const intruder = { ...makeEntry(99), seq: 4, prevHash: GENESIS_HASH, hash: GENESIS_HASH };
      await sql(`INSERT INTO audit (${AUDIT_COLUMNS.join(', ')}) VALUES (${AUDIT_COLUMNS.map(() => '?').join(', ')})`, recordToParams(intruder));
      await assert.rejects(store.appendAudit(makeEntries(3, 3)));
      assert.deepEqual((await store.readAudit()).map((r) => r.seq), [1, 2, 4]);
      assert.equal((await store.auditHead()).seq, 2, 'head unchanged');
      assert.equal(await store.getAudit(makeEntry(3).id), null);
    });

    test('verifyAudit: empty trail is ok', async ({ store }) => {
      assert.deepEqual(await store.verifyAudit(), { ok: true, checked: 0, head: { seq: 0, hash: GENESIS_HASH } });
    });

    test('verifyAudit walks a trail longer than one batch', async ({ store }) => {
      for (let i = 0; i < 5; i++) await store.appendAudit(makeEntries(1 + i * 500, 500));
      const r = await store.verifyAudit();
      assert.equal(r.ok, true, r.firstBroken?.reason);
      assert.equal(r.checked, 2500);
      assert.deepEqual(r.head, await store.auditHead());
    });
  });

  describe(`${h.kind} store: tamper detection`, () => {
    const seeded = (fn: (f: StoreFixture) => Promise<void>) => async (f: StoreFixture): Promise<void> => {
      await f.store.appendAudit(makeEntries(1, 6));
      await f.store.appendAudit(makeEntries(7, 4));
      assert.equal((await f.store.verifyAudit()).ok, true);
      await fn(f);
    };

    test('an edited field is reported at its seq', seeded(async ({ store, sql }) => {
      await sql('UPDATE audit SET model = ? WHERE seq = ?', ['cheap-model', 5]);
      const r = await store.verifyAudit();
      assertBroken(r, 5, 'edited');
      assert.equal(r.firstBroken!.id, makeEntry(5).id);
      assert.equal(r.checked, 4);
    }));

    test('an edited finding (JSON) is reported', seeded(async ({ store, sql }) => {
      await sql('UPDATE audit SET findings = ? WHERE seq = ?', ['[]', 8]);
      assertBroken(await store.verifyAudit(), 8, 'edited');
    }));

    test('an edited number is reported', seeded(async ({ store, sql }) => {
      await sql('UPDATE audit SET output_tokens = ? WHERE seq = ?', [1, 2]);
      assertBroken(await store.verifyAudit(), 2, 'edited');
    }));

    test('a deleted record is reported as missing', seeded(async ({ store, sql }) => {
      await sql('DELETE FROM audit WHERE seq = ?', [4]);
      assertBroken(await store.verifyAudit(), 4, 'missing');
    }));

    test('swapped records are reported as reordered', seeded(async ({ store, sql }) => {
      await sql('UPDATE audit SET seq = -1 WHERE seq = 3');
      await sql('UPDATE audit SET seq = 3 WHERE seq = 7');
      await sql('UPDATE audit SET seq = 7 WHERE seq = -1');
      const r = await store.verifyAudit();
      assertBroken(r, 3, 'reordered');
      assert.match(r.firstBroken!.reason, /written as seq 7/);
    }));

    test('a deletion hidden by renumbering is reported', seeded(async ({ store, sql }) => {
      await sql('DELETE FROM audit WHERE seq = 5');
      await sql('UPDATE audit SET seq = -(seq - 1) WHERE seq > 5');
      await sql('UPDATE audit SET seq = -seq WHERE seq < 0');
      assertBroken(await store.verifyAudit(), 5, 'reordered');
    }));

    test('an edit with a recomputed hash breaks the next link', seeded(async ({ store, sql }) => {
      const rec = (await store.getAudit(makeEntry(6).id))!;
      const forged = { ...rec, status: 500 };
      await sql('UPDATE audit SET status = ?, hash = ? WHERE seq = ?', [500, recordHash(forged, 6, rec.prevHash), 6]);
      assertBroken(await store.verifyAudit(), 7, 'chain_broken');
    }));

    test('an edited last record is reported', seeded(async ({ store, sql }) => {
      await sql('UPDATE audit SET user_name = ? WHERE seq = ?', ['mallory', 10]);
      assertBroken(await store.verifyAudit(), 10, 'edited');
    }));

    test('a rewritten last record (hash recomputed) is caught by the checkpoint', seeded(async ({ store, sql }) => {
      const rec = (await store.getAudit(makeEntry(10).id))!;
      const forged = { ...rec, user: 'mallory' };
      await sql('UPDATE audit SET user_name = ?, hash = ? WHERE seq = ?', ['mallory', recordHash(forged, 10, rec.prevHash), 10]);
      assertBroken(await store.verifyAudit(), 10, 'head_mismatch');
    }));

    test('a truncated tail is caught by the checkpoint', seeded(async ({ store, sql }) => {
      await sql('DELETE FROM audit WHERE seq > ?', [7]);
      const r = await store.verifyAudit();
      assertBroken(r, 8, 'truncated');
      assert.match(r.firstBroken!.reason, /8\.\.10/);
      assert.equal(r.checked, 7);
    }));

    test('deleting every record is caught', seeded(async ({ store, sql }) => {
      await sql('DELETE FROM audit');
      assertBroken(await store.verifyAudit(), 1, 'truncated');
    }));

    test('records added past the checkpoint are reported', seeded(async ({ store, sql }) => {
      const head = await store.auditHead();
      const extra = { ...makeEntry(11), seq: 11, prevHash: head.hash, hash: recordHash(makeEntry(11), 11, head.hash) };
      await sql(`INSERT INTO audit (${AUDIT_COLUMNS.join(', ')}) VALUES (${AUDIT_COLUMNS.map(() => '?').join(', ')})`, recordToParams(extra));
      assertBroken(await store.verifyAudit(), 11, 'unexpected_tail');
    }));

    test('a deleted checkpoint is reported and appends refuse to restart the chain', seeded(async ({ store, sql }) => {
      await sql('DELETE FROM audit_head');
      assertBroken(await store.verifyAudit(), 10, 'head_mismatch');
      await assert.rejects(store.appendAudit([makeEntry(50)]), /checkpoint/);
    }));

    test('verify reports the first break when there are several', seeded(async ({ store, sql }) => {
      await sql('DELETE FROM audit WHERE seq = ?', [9]);
      await sql('UPDATE audit SET route = ? WHERE seq = ?', ['GET /x', 3]);
      assertBroken(await store.verifyAudit(), 3, 'edited');
    }));
  });

  describe(`${h.kind} store: instances`, () => {
    test('a second instance continues the same chain', async ({ store, reopen }) => {
      await store.appendAudit(makeEntries(1, 3));
      const other = await reopen();
      try {
        const recs = await other.appendAudit(makeEntries(4, 2));
        assert.deepEqual(recs.map((r) => r.seq), [4, 5]);
        await store.appendAudit(makeEntries(6, 1));
        const r = await other.verifyAudit();
        assert.equal(r.ok, true, r.firstBroken?.reason);
        assert.equal(r.checked, 6);
      } finally {
        await other.close();
      }
    });

    test('migrate is idempotent', async ({ store }) => {
      await store.appendAudit(makeEntries(1, 2));
      await store.migrate();
      await store.migrate();
      assert.equal((await store.verifyAudit()).checked, 2);
    });
  });
}

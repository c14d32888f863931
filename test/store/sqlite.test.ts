import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { SQLITE_MIGRATIONS } from '../../src/store/migrations/sqlite.ts';
import { SqliteStore } from '../../src/store/sqlite.ts';
import { storeContract, type Row, type StoreHarness } from './contract.ts';
import { makeEntries } from './entries.ts';

const root = mkdtempSync(join(tmpdir(), 'airlock-store-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

const harness: StoreHarness = {
  kind: 'sqlite',
  async create() {
    // A nested, not yet existing directory: the store creates it.
    const path = join(root, `t${++n}`, 'sub', 'airlock.db');
    const store = new SqliteStore(path);
    await store.migrate();
    const opened: SqliteStore[] = [store];
    const raw = new Database(path);
    raw.pragma('busy_timeout = 5000');
    return {
      store,
      async sql(sql: string, params: unknown[] = []) {
        const st = raw.prepare(sql);
        return st.reader ? (st.all(...params) as Row[]) : (st.run(...params), []);
      },
      async reopen() {
        const s = new SqliteStore(path);
        await s.migrate();
        opened.push(s);
        return s;
      },
      async dump() {
        // The bytes on disk, main file and write-ahead log: what a stolen disk would reveal.
        const files = [path, `${path}-wal`].filter((p) => existsSync(p));
        return files.map((p) => readFileSync(p).toString('latin1')).join('\n');
      },
      async dispose() {
        raw.close();
        for (const s of opened) await s.close();
      },
    };
  },
};

storeContract(harness);

describe('sqlite store: specifics', () => {
  it('uses WAL, synchronous=NORMAL, a busy timeout and versioned migrations', async () => {
    const path = join(root, 'pragmas', 'a.db');
    const store = new SqliteStore(path);
    await store.migrate();
    await store.close();
    const db = new Database(path, { readonly: true });
    try {
      assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
      const versions = db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all() as Row[];
      assert.deepEqual(versions.map((v) => v.version), SQLITE_MIGRATIONS.map((m) => m.version), 'each migration applied once');
    } finally {
      db.close();
    }
    const again = new SqliteStore(path);
    try {
      const d = (again as unknown as { db: Database.Database }).db;
      assert.equal(d.pragma('synchronous', { simple: true }), 1, 'NORMAL');
      assert.equal(d.pragma('busy_timeout', { simple: true }), 5000);
    } finally {
      await again.close();
    }
  });

  it('two connections appending alternately keep one chain', async () => {
    const path = join(root, 'two', 'a.db');
    const a = new SqliteStore(path);
    const b = new SqliteStore(path);
    await Promise.all([a.migrate(), b.migrate()]);
    try {
      for (let i = 0; i < 20; i++) await (i % 2 ? a : b).appendAudit(makeEntries(1 + i * 10, 10));
      const r = await a.verifyAudit();
      assert.equal(r.ok, true, r.firstBroken?.reason);
      assert.equal(r.checked, 200);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('verify sees a consistent snapshot while appends continue', async () => {
    const path = join(root, 'snap', 'a.db');
    const store = new SqliteStore(path);
    await store.migrate();
    try {
      for (let i = 0; i < 3; i++) await store.appendAudit(makeEntries(1 + i * 1000, 1000));
      // verify yields between batches; appends land meanwhile and must not confuse it.
      const v = store.verifyAudit();
      const appends = (async () => {
        for (let i = 0; i < 5; i++) {
          await new Promise((r) => setImmediate(r));
          await store.appendAudit(makeEntries(10_000 + i * 10, 10));
        }
      })();
      const [r] = await Promise.all([v, appends]);
      assert.equal(r.ok, true, r.firstBroken?.reason);
      assert.ok(r.checked >= 3000);
      assert.equal((await store.verifyAudit()).checked, 3050);
    } finally {
      await store.close();
    }
  });

  it('works in memory (sqlite::memory:)', async () => {
    const store = new SqliteStore(':memory:');
    await store.migrate();
    await store.appendAudit(makeEntries(1, 5));
    assert.equal((await store.verifyAudit()).checked, 5);
    await store.close();
  });
});

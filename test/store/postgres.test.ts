// The store contract against a real PostgreSQL, each fixture in its own schema
// (airlock_test_<pid>_<random>) dropped afterwards, so parallel runs never collide.
// Unreachable PostgreSQL fails the run when CI=true and skips it, with the reason, otherwise.

import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { openStore } from '../../src/store/index.ts';
import { randomBase62 } from '../../src/store/keys.ts';
import { PostgresStore } from '../../src/store/postgres.ts';
import { POSTGRES_MIGRATIONS } from '../../src/store/migrations/postgres.ts';
import { storeContract, type Row, type StoreHarness } from './contract.ts';
import { makeEntries } from './entries.ts';

const PG_URL = process.env.AIRLOCK_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';
const shownUrl = PG_URL.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');

async function probe(): Promise<string | null> {
  const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    await c.query('SELECT 1');
    return null;
  } catch (e) {
    return (e as Error).message || String(e);
  } finally {
    await c.end().catch(() => {});
  }
}

const unreachable = await probe();
const admin = unreachable ? null : new pg.Pool({ connectionString: PG_URL, max: 3 });
const schemas = new Set<string>();

const newSchema = async (): Promise<string> => {
  const name = `airlock_test_${process.pid}_${randomBase62(8).toLowerCase()}`;
  schemas.add(name);
  await admin!.query(`CREATE SCHEMA ${name}`);
  return name;
};
const dropSchema = async (name: string): Promise<void> => {
  await admin!.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
  schemas.delete(name);
};

after(async () => {
  if (!admin) return;
  for (const s of [...schemas]) await dropSchema(s); // leftovers of a failed test
  await admin.end();
});

const harness: StoreHarness = {
  kind: 'postgres',
  async create() {
    const schema = await newSchema();
    const open = async (): Promise<PostgresStore> => {
      const s = new PostgresStore({ connectionString: PG_URL, schema, max: 4 });
      await s.migrate();
      return s;
    };
    const store = await open();
    const opened: PostgresStore[] = [store];
    const sql = async (text: string, params: unknown[] = []): Promise<Row[]> => {
      let i = 0;
      const c = await admin!.connect();
      try {
        await c.query(`SET search_path TO ${schema}`);
        return (await c.query<Row>(text.replace(/\?/g, () => `$${++i}`), params)).rows;
      } finally {
        await c.query('RESET search_path').catch(() => {});
        c.release();
      }
    };
    return {
      store,
      sql,
      async reopen() {
        const s = await open();
        opened.push(s);
        return s;
      },
      async dump() {
        const tables = ['api_keys', 'audit', 'audit_head', 'schema_migrations'];
        const parts = await Promise.all(tables.map(async (t) => JSON.stringify(await sql(`SELECT * FROM ${t}`))));
        return parts.join('\n');
      },
      async dispose() {
        for (const s of opened) await s.close();
        await dropSchema(schema);
      },
    };
  },
};

if (unreachable) {
  const why = `PostgreSQL unreachable at ${shownUrl} (${unreachable}); start it or set AIRLOCK_TEST_PG`;
  if (process.env.CI === 'true') {
    it('postgres store: PostgreSQL is reachable (required when CI=true)', () => assert.fail(why));
  } else {
    it('postgres store', { skip: why }, () => {});
  }
} else {
  storeContract(harness);

  describe('postgres store: several instances', () => {
    it('two instances appending interleaved batches in parallel keep one gapless chain', async () => {
      const schema = await newSchema();
      const a = new PostgresStore({ connectionString: PG_URL, schema, max: 5 });
      const b = new PostgresStore({ connectionString: PG_URL, schema, max: 5 });
      try {
        await Promise.all([a.migrate(), b.migrate()]);
        // 2 × 200 records in batches of 1..20, all batches of both instances in flight at once.
        const batches = (from: number): number[][] => {
          const out: number[][] = [];
          for (let i = 0, size = 1; i < 200; i += size, size = (size % 20) + 1) out.push([from + i, Math.min(size, 200 - i)]);
          return out;
        };
        const run = (s: PostgresStore, from: number) => Promise.all(batches(from).map(([start, count]) => s.appendAudit(makeEntries(start!, count!))));
        const [ra, rb] = await Promise.all([run(a, 1), run(b, 10_001)]);
        const seqs = [...ra.flat(), ...rb.flat()].map((r) => r.seq).sort((x, y) => x - y);
        assert.deepEqual(seqs, Array.from({ length: 400 }, (_, i) => i + 1), 'every append got its own seqs, no gap, no duplicate');
        const r = await b.verifyAudit();
        assert.equal(r.ok, true, r.firstBroken?.reason);
        assert.equal(r.checked, 400);
        const head = await a.auditHead();
        assert.deepEqual(head, r.head);
        // Batches stay contiguous: each append's seqs are consecutive.
        for (const batch of [...ra, ...rb]) batch.forEach((rec, i) => assert.equal(rec.seq, batch[0]!.seq + i));
      } finally {
        await a.close();
        await b.close();
        await dropSchema(schema);
      }
    });

    it('instances migrating at the same time apply each migration once', async () => {
      const schema = `airlock_test_${process.pid}_${randomBase62(8).toLowerCase()}`;
      schemas.add(schema); // not created: migrate creates it
      const stores = Array.from({ length: 4 }, () => new PostgresStore({ connectionString: PG_URL, schema, max: 2 }));
      try {
        await Promise.all(stores.map((s) => s.migrate()));
        const rows = (await admin!.query<Row>(`SELECT version FROM ${schema}.schema_migrations`)).rows;
        assert.deepEqual(rows.map((r) => Number(r.version)).sort((a, b) => a - b), POSTGRES_MIGRATIONS.map((m) => m.version), 'each migration applied once');
        await stores[0]!.appendAudit(makeEntries(1, 3));
        assert.equal((await stores[3]!.verifyAudit()).checked, 3);
      } finally {
        for (const s of stores) await s.close();
        await dropSchema(schema);
      }
    });

    it('verify sees one snapshot while another instance appends', async () => {
      const schema = await newSchema();
      const a = new PostgresStore({ connectionString: PG_URL, schema });
      const b = new PostgresStore({ connectionString: PG_URL, schema });
      try {
        await a.migrate();
        for (let i = 0; i < 3; i++) await a.appendAudit(makeEntries(1 + i * 1000, 1000));
        const [r] = await Promise.all([
          a.verifyAudit(),
          (async () => {
            for (let i = 0; i < 10; i++) await b.appendAudit(makeEntries(20_000 + i * 5, 5));
          })(),
        ]);
        assert.equal(r.ok, true, r.firstBroken?.reason);
        assert.equal((await a.verifyAudit()).checked, 3050);
      } finally {
        await a.close();
        await b.close();
        await dropSchema(schema);
      }
    });

    it('rejects a schema name that is not a plain identifier', () => {
      assert.throws(() => new PostgresStore({ connectionString: PG_URL, schema: 'x"; DROP TABLE y; --' }), /plain lower-case identifier/);
      assert.throws(() => new PostgresStore({ connectionString: PG_URL, schema: 'Mixed' }), /plain lower-case identifier/);
    });

    it('openStore(postgres://…?schema=) creates and uses that schema', async () => {
      const schema = `airlock_test_${process.pid}_${randomBase62(8).toLowerCase()}`;
      schemas.add(schema);
      const url = new URL(PG_URL);
      url.searchParams.set('schema', schema);
      const store = await openStore(url.toString());
      try {
        assert.equal(store.kind, 'postgres');
        await store.appendAudit(makeEntries(1, 2));
        const rows = (await admin!.query<Row>(`SELECT count(*)::int AS n FROM ${schema}.audit`)).rows;
        assert.equal(rows[0]!.n, 2);
      } finally {
        await store.close();
        await dropSchema(schema);
      }
    });
  });
}

// PostgreSQL store, for several gateway instances sharing one database. The chain stays linear
// because every append locks the single head row (SELECT ... FOR UPDATE) and reads the head
// under that lock; the lock is per schema, unlike an advisory lock, which is per database.

import pg from 'pg';
import type { Pool, PoolClient } from 'pg';
import type { AuditEntry, AuditRecord, Identity } from '../core/types.ts';
import { AUDIT_FIELDS, linkEntries } from './chain.ts';
import { AUDIT_COLUMNS, FIELD_KINDS, recordToParams, rowToRecord } from './columns.ts';
import { StoreError } from './errors.ts';
import { displayPrefix, generateKey, hashKey, newKeyId } from './keys.ts';
import { pending } from './migrations/migration.ts';
import { POSTGRES_MIGRATIONS } from './migrations/postgres.ts';
import { dedupe, normalizeEntry, requireHead } from './normalize.ts';
import { KEY_COLUMNS, WALK_BATCH, auditSelect, checkKeyInput, rowToKey } from './sql.ts';
import type { ApiKeyRow, AuditQuery, ChainHead, CounterBump, PolicyVersion, Store, VerifyResult } from './types.ts';
import { ChainVerifier } from './verify.ts';
import { mergeVariant, rowToVariant } from './baselines.ts';
import type { BaselineVariant } from '../core/covert/baseline.ts';

type Row = Record<string, unknown>;

export interface PostgresStoreOptions {
  connectionString: string;
  /** Schema holding the tables (created by migrate); default: the connection's search_path. */
  schema?: string;
  /** Pool size per instance (default 10). */
  max?: number;
}

// Lower case only: search_path folds unquoted names to lower case, CREATE SCHEMA "x" would not.
const SCHEMA_RE = /^[a-z_][a-z0-9_]{0,62}$/;

/** Array types for the unnest() insert, in AUDIT_COLUMNS order. */
const UNNEST_TYPES: readonly string[] = [
  'bigint',
  ...AUDIT_FIELDS.map((f) => ({ text: 'text', int: 'bigint', real: 'float8', json: 'text', list: 'text' })[FIELD_KINDS[f].replace('?', '') as 'text' | 'int' | 'real' | 'json' | 'list']),
  'text',
  'text',
];

// One statement for any batch size: column arrays through unnest() instead of a VALUES list,
// which would hit the 65535-parameter limit at ~2500 rows and need a new plan per batch size.
const INSERT_SQL = `INSERT INTO audit (${AUDIT_COLUMNS.join(', ')}) SELECT * FROM unnest(${UNNEST_TYPES.map((t, i) => `$${i + 1}::${t}[]`).join(', ')})`;

export class PostgresStore implements Store {
  readonly kind = 'postgres' as const;
  readonly schema: string | null;
  private readonly pool: Pool;
  private closed = false;

  constructor(opts: PostgresStoreOptions) {
    if (opts.schema !== undefined && !SCHEMA_RE.test(opts.schema)) {
      throw new StoreError('AIRLOCK_STORE_BAD_URL', 'The PostgreSQL schema name must be a plain lower-case identifier (a-z, 0-9, underscore).');
    }
    this.schema = opts.schema ?? null;
    this.pool = new pg.Pool({
      connectionString: opts.connectionString,
      max: opts.max ?? 10,
      // A startup parameter, so every pooled connection has it before its first query.
      ...(this.schema ? { options: `-c search_path=${this.schema}` } : {}),
    });
    // An idle client that loses its connection emits 'error' on the pool; unhandled, that event
    // would crash the gateway. The next query on a fresh client fails or succeeds on its own.
    this.pool.on('error', () => {});
  }

  async migrate(): Promise<void> {
    await this.tx(async (c) => {
      // Two instances starting together: the second waits here, then finds nothing pending.
      // (CREATE ... IF NOT EXISTS alone is not safe under concurrency in PostgreSQL.)
      await c.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`airlock.migrate:${this.schema ?? ''}`]);
      if (this.schema) await c.query(`CREATE SCHEMA IF NOT EXISTS "${this.schema}"`);
      await c.query('CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at text NOT NULL)');
      const applied = new Set((await c.query<Row>('SELECT version FROM schema_migrations')).rows.map((r) => Number(r.version)));
      for (const m of pending(POSTGRES_MIGRATIONS, applied)) {
        await c.query(m.sql);
        await c.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [m.version, m.name, new Date().toISOString()]);
      }
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }

  /** Run fn in a transaction on one pooled client; a client that fails to roll back is discarded. */
  private async tx<T>(fn: (c: PoolClient) => Promise<T>, begin = 'BEGIN'): Promise<T> {
    const c = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await c.query(begin);
      const out = await fn(c);
      await c.query('COMMIT');
      return out;
    } catch (e) {
      await c.query('ROLLBACK').catch((re: unknown) => {
        broken = re instanceof Error ? re : new Error(String(re));
      });
      throw e;
    } finally {
      c.release(broken);
    }
  }

  // ---- identities ----

  async createKey(input: { user: string; team: string | null; role: Identity['role'] }): Promise<{ key: string; row: ApiKeyRow }> {
    checkKeyInput(input);
    const key = generateKey();
    const row: ApiKeyRow = { keyId: newKeyId(), prefix: displayPrefix(key), user: input.user, team: input.team, role: input.role, createdAt: new Date().toISOString(), revokedAt: null };
    await this.pool.query(
      'INSERT INTO api_keys (key_id, key_hash, prefix, user_name, team, role, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      [row.keyId, hashKey(key), row.prefix, row.user, row.team, row.role, row.createdAt],
    );
    return { key, row };
  }

  async listKeys(): Promise<ApiKeyRow[]> {
    return (await this.pool.query<Row>(`SELECT ${KEY_COLUMNS} FROM api_keys ORDER BY created_at, key_id`)).rows.map(rowToKey);
  }

  async revokeKey(keyIdOrPrefix: string): Promise<boolean> {
    const now = new Date().toISOString();
    return this.tx(async (c) => {
      const byId = await c.query('UPDATE api_keys SET revoked_at = $1 WHERE key_id = $2 AND revoked_at IS NULL', [now, keyIdOrPrefix]);
      if ((byId.rowCount ?? 0) > 0) return true;
      if ((await c.query('SELECT 1 FROM api_keys WHERE key_id = $1', [keyIdOrPrefix])).rowCount) return false; // already revoked
      const active = (await c.query<Row>('SELECT key_id FROM api_keys WHERE prefix = $1 AND revoked_at IS NULL FOR UPDATE', [keyIdOrPrefix])).rows;
      if (active.length !== 1) return false;
      return ((await c.query('UPDATE api_keys SET revoked_at = $1 WHERE key_id = $2', [now, active[0]!.key_id])).rowCount ?? 0) > 0;
    });
  }

  async findKeyByHash(keyHash: string): Promise<ApiKeyRow | null> {
    const row = (await this.pool.query<Row>(`SELECT ${KEY_COLUMNS} FROM api_keys WHERE key_hash = $1`, [keyHash])).rows[0];
    return row ? rowToKey(row) : null;
  }

  // ---- audit trail ----

  async appendAudit(entries: AuditEntry[]): Promise<AuditRecord[]> {
    if (entries.length === 0) return [];
    const norm = entries.map(normalizeEntry);
    return this.tx(async (c) => {
      // The row lock serialises appends from every instance; under READ COMMITTED the row
      // returned after waiting is the one the previous holder committed, i.e. the current head.
      const head = requireHead(rowToHead((await c.query<Row>('SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE')).rows[0]));
      const ids = [...new Set(norm.map((e) => e.id))];
      const stored = new Map<string, AuditRecord>();
      for (const row of (await c.query<Row>('SELECT * FROM audit WHERE id = ANY($1::text[])', [ids])).rows) {
        const r = rowToRecord(row);
        stored.set(r.id, r);
      }
      const records = linkEntries(dedupe(norm.filter((e) => !stored.has(e.id))), head.seq, head.hash);
      const last = records.at(-1);
      if (last) {
        const columns: (string | number | null)[][] = AUDIT_COLUMNS.map(() => []);
        for (const r of records) recordToParams(r).forEach((v, i) => columns[i]!.push(v));
        await c.query(INSERT_SQL, columns);
        await c.query('UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1', [last.seq, last.hash]);
      }
      for (const r of records) stored.set(r.id, r);
      return dedupe(norm).map((e) => stored.get(e.id)!);
    });
  }

  async readAudit(q: AuditQuery = {}): Promise<AuditRecord[]> {
    const { sql, params } = auditSelect(q, (i) => `$${i}`);
    return (await this.pool.query<Row>(sql, params)).rows.map(rowToRecord);
  }

  async getAudit(id: string): Promise<AuditRecord | null> {
    const row = (await this.pool.query<Row>('SELECT * FROM audit WHERE id = $1', [id])).rows[0];
    return row ? rowToRecord(row) : null;
  }

  async auditHead(): Promise<ChainHead> {
    return requireHead(rowToHead((await this.pool.query<Row>('SELECT seq, hash FROM audit_head WHERE id = 1')).rows[0]));
  }

  async bumpCounters(bumps: CounterBump[]): Promise<number[]> {
    if (bumps.length === 0) return [];
    const rows = (await this.pool.query<Row>(BUMP_SQL, [bumps.map((b) => b.name), bumps.map((b) => Math.trunc(b.win)), bumps.map((b) => Math.trunc(b.by)), bumps.map((b) => Math.trunc(b.expiresAt))])).rows;
    // RETURNING order is not guaranteed to follow the input: match by key.
    const byKey = new Map(rows.map((r) => [`${String(r.name)}\u0000${String(r.win)}`, Number(r.count)]));
    return bumps.map((b) => byKey.get(`${b.name}\u0000${Math.trunc(b.win)}`) ?? 0);
  }

  async pruneCounters(now: number): Promise<number> {
    return (await this.pool.query('DELETE FROM rate_counters WHERE expires_at < $1', [Math.trunc(now)])).rowCount ?? 0;
  }

  async savePolicyVersion(v: Omit<PolicyVersion, 'loadedAt'>): Promise<void> {
    await this.pool.query('INSERT INTO policy_versions (hash, source, text, loaded_at) VALUES ($1, $2, $3, $4) ON CONFLICT (hash) DO NOTHING', [v.hash, v.source, v.text, new Date().toISOString()]);
  }

  async getPolicyVersion(hash: string): Promise<PolicyVersion | null> {
    const row = (await this.pool.query<Row>('SELECT hash, source, text, loaded_at FROM policy_versions WHERE hash = $1', [hash])).rows[0];
    return row ? { hash: String(row.hash), source: String(row.source), text: String(row.text), loadedAt: String(row.loaded_at) } : null;
  }

  async saveBaselineVariants(rows: BaselineVariant[]): Promise<void> {
    if (rows.length === 0) return;
    await this.tx(async (c) => {
      // Saves are serialised so that revisions follow commit order: an instance that loaded up
      // to revision n never misses a row committed later with a revision below n.
      await c.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`airlock.covert:${this.schema ?? ''}`]);
      const rev = Number((await c.query<Row>('SELECT coalesce(max(rev), 0) AS r FROM covert_baselines')).rows[0]!.r) + 1;
      for (const r of rows) {
        const old = (await c.query<Row>('SELECT users, count, last_seen FROM covert_baselines WHERE tool = $1 AND version = $2 AND grp = $3 AND hash = $4', [r.tool, r.version, r.group, r.hash])).rows[0];
        const m = mergeVariant(r, old ? { users: JSON.parse(String(old.users)) as string[], count: Number(old.count), lastSeen: String(old.last_seen) } : null);
        await c.query(
          `INSERT INTO covert_baselines (tool, version, grp, hash, fields, users, count, first_seen, last_seen, rev) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
           ON CONFLICT (tool, version, grp, hash) DO UPDATE SET users = EXCLUDED.users, count = EXCLUDED.count, last_seen = EXCLUDED.last_seen, rev = EXCLUDED.rev`,
          [r.tool, r.version, r.group, r.hash, JSON.stringify(r.fields), JSON.stringify(m.users), m.count, r.firstSeen, m.lastSeen, rev],
        );
      }
    });
  }

  async loadBaselineVariants(q: { afterRev?: number; limit?: number } = {}): Promise<{ rows: BaselineVariant[]; rev: number }> {
    const rows = (await this.pool.query<Row>('SELECT * FROM covert_baselines WHERE rev > $1 ORDER BY rev, first_seen LIMIT $2', [Math.trunc(q.afterRev ?? 0), Math.trunc(q.limit ?? 10_000)])).rows;
    return { rows: rows.map(rowToVariant), rev: rows.reduce((m, r) => Math.max(m, Number(r.rev)), q.afterRev ?? 0) };
  }

  async verifyAudit(): Promise<VerifyResult> {
    // REPEATABLE READ: the head and every batch come from one snapshot, while other instances
    // keep appending; keyset batches keep memory flat however long the trail is.
    return this.tx(async (c) => {
      const head = rowToHead((await c.query<Row>('SELECT seq, hash FROM audit_head WHERE id = 1')).rows[0]);
      const v = new ChainVerifier();
      let after = 0;
      for (;;) {
        const rows = (await c.query<Row>('SELECT * FROM audit WHERE seq > $1 ORDER BY seq LIMIT $2', [after, WALK_BATCH])).rows;
        if (rows.length === 0) break;
        if (!rows.every((r) => v.push(rowToRecord(r)))) break;
        after = Number(rows.at(-1)!.seq);
      }
      return v.finish(head);
    }, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  }
}

// One statement, one round trip for every counter of a request: the upsert takes the row lock,
// so concurrent instances add up exactly; RETURNING gives each instance the count after its own add.
const BUMP_SQL = `INSERT INTO rate_counters (name, win, count, expires_at)
SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::bigint[])
ON CONFLICT (name, win) DO UPDATE SET count = rate_counters.count + EXCLUDED.count
RETURNING name, win, count`;

const rowToHead = (row: Row | undefined): ChainHead | null => (row ? { seq: Number(row.seq), hash: String(row.hash) } : null);

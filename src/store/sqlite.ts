// Embedded default store: one SQLite file (better-sqlite3, synchronous and fast: each call is a
// few microseconds, so the async interface costs nothing real).

import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { setImmediate as yieldLoop } from 'node:timers/promises';
import Database from 'better-sqlite3';
import type { AuditEntry, AuditRecord, Identity } from '../core/types.ts';
import { linkEntries } from './chain.ts';
import { AUDIT_COLUMNS, recordToParams, rowToRecord } from './columns.ts';
import { displayPrefix, generateKey, hashKey, newKeyId } from './keys.ts';
import { pending } from './migrations/migration.ts';
import { SQLITE_MIGRATIONS } from './migrations/sqlite.ts';
import { dedupe, normalizeEntry, requireHead } from './normalize.ts';
import { KEY_COLUMNS, WALK_BATCH, auditSelect, checkKeyInput, rowToKey } from './sql.ts';
import type { ApiKeyRow, AuditQuery, ChainHead, CounterBump, PolicyVersion, Store, VerifyResult } from './types.ts';
import { ChainVerifier } from './verify.ts';
import { mergeVariant, rowToVariant } from './baselines.ts';
import type { BaselineVariant } from '../core/covert/baseline.ts';

type Row = Record<string, unknown>;
type Db = Database.Database;

const MEMORY = ':memory:';

export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  readonly path: string;
  private readonly db: Db;
  private stmtCache = new Map<string, Database.Statement>();

  constructor(path: string, opts: { busyTimeoutMs?: number } = {}) {
    this.path = path;
    if (path !== MEMORY) mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    // WAL: readers (verify, `airlock audit tail` in another process) never block the gateway's
    // appends. synchronous=NORMAL is durable against application crashes and in WAL mode loses at
    // most the last transactions on power loss, never corrupts; FULL would fsync every batch.
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma(`busy_timeout = ${Math.trunc(opts.busyTimeoutMs ?? 5000)}`);
    this.db.pragma('foreign_keys = ON');
  }

  async migrate(): Promise<void> {
    this.db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT');
    // IMMEDIATE takes the write lock first, so two processes starting together apply each
    // migration once: the second waits (busy_timeout), then sees it applied.
    this.db.transaction(() => {
      const applied = new Set((this.db.prepare('SELECT version FROM schema_migrations').all() as Row[]).map((r) => Number(r.version)));
      for (const m of pending(SQLITE_MIGRATIONS, applied)) {
        this.db.exec(m.sql);
        this.db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, new Date().toISOString());
      }
    }).immediate();
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  /** Prepared statements, cached by SQL text (prepared lazily: the tables exist only after migrate). */
  private stmt(sql: string): Database.Statement {
    let s = this.stmtCache.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.stmtCache.set(sql, s);
    }
    return s;
  }

  // ---- identities ----

  async createKey(input: { user: string; team: string | null; role: Identity['role'] }): Promise<{ key: string; row: ApiKeyRow }> {
    checkKeyInput(input);
    const key = generateKey();
    const row: ApiKeyRow = { keyId: newKeyId(), prefix: displayPrefix(key), user: input.user, team: input.team, role: input.role, createdAt: new Date().toISOString(), revokedAt: null };
    this.stmt('INSERT INTO api_keys (key_id, key_hash, prefix, user_name, team, role, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(row.keyId, hashKey(key), row.prefix, row.user, row.team, row.role, row.createdAt);
    return { key, row };
  }

  async listKeys(): Promise<ApiKeyRow[]> {
    return (this.stmt(`SELECT ${KEY_COLUMNS} FROM api_keys ORDER BY created_at, key_id`).all() as Row[]).map(rowToKey);
  }

  async revokeKey(keyIdOrPrefix: string): Promise<boolean> {
    const now = new Date().toISOString();
    return this.db.transaction(() => {
      const byId = this.stmt('UPDATE api_keys SET revoked_at = ? WHERE key_id = ? AND revoked_at IS NULL').run(now, keyIdOrPrefix);
      if (byId.changes > 0) return true;
      if (this.stmt('SELECT 1 FROM api_keys WHERE key_id = ?').get(keyIdOrPrefix)) return false; // already revoked
      const active = this.stmt('SELECT key_id FROM api_keys WHERE prefix = ? AND revoked_at IS NULL').all(keyIdOrPrefix) as Row[];
      if (active.length !== 1) return false;
      return this.stmt('UPDATE api_keys SET revoked_at = ? WHERE key_id = ?').run(now, active[0]!.key_id).changes > 0;
    }).immediate();
  }

  async findKeyByHash(keyHash: string): Promise<ApiKeyRow | null> {
    const row = this.stmt(`SELECT ${KEY_COLUMNS} FROM api_keys WHERE key_hash = ?`).get(keyHash) as Row | undefined;
    return row ? rowToKey(row) : null;
  }

  // ---- audit trail ----

  async appendAudit(entries: AuditEntry[]): Promise<AuditRecord[]> {
    if (entries.length === 0) return [];
    const norm = entries.map(normalizeEntry);
    const insert = this.stmt(`INSERT INTO audit (${AUDIT_COLUMNS.join(', ')}) VALUES (${AUDIT_COLUMNS.map(() => '?').join(', ')})`);
    const byId = this.stmt('SELECT * FROM audit WHERE id = ?');
    // One IMMEDIATE transaction: the head is read under the write lock, so another process
    // appending to the same file cannot interleave between reading the head and writing after it.
    return this.db.transaction((): AuditRecord[] => {
      const head = requireHead(this.readHead(this.db));
      const stored = new Map<string, AuditRecord>();
      for (const e of norm) {
        if (stored.has(e.id)) continue;
        const row = byId.get(e.id) as Row | undefined;
        if (row) stored.set(e.id, rowToRecord(row));
      }
      const fresh = dedupe(norm.filter((e) => !stored.has(e.id)));
      const records = linkEntries(fresh, head.seq, head.hash);
      for (const r of records) {
        insert.run(...recordToParams(r));
        stored.set(r.id, r);
      }
      const last = records.at(-1);
      if (last) this.stmt('UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1').run(last.seq, last.hash);
      return dedupe(norm).map((e) => stored.get(e.id)!);
    }).immediate();
  }

  async readAudit(q: AuditQuery = {}): Promise<AuditRecord[]> {
    const { sql, params } = auditSelect(q, () => '?');
    return (this.stmt(sql).all(...params) as Row[]).map(rowToRecord);
  }

  async getAudit(id: string): Promise<AuditRecord | null> {
    const row = this.stmt('SELECT * FROM audit WHERE id = ?').get(id) as Row | undefined;
    return row ? rowToRecord(row) : null;
  }

  async auditHead(): Promise<ChainHead> {
    return requireHead(this.readHead(this.db));
  }

  async verifyAudit(): Promise<VerifyResult> {
    // A separate read-only connection holding one read transaction sees a consistent snapshot
    // (WAL) while this process and others keep appending; batches keep memory flat and the event
    // loop free. An in-memory database has no second connection: walk it synchronously instead.
    const memory = this.path === MEMORY;
    const conn = memory ? this.db : new Database(this.path, { readonly: true, fileMustExist: true });
    try {
      if (!memory) conn.pragma('busy_timeout = 5000');
      conn.exec('BEGIN');
      try {
        const head = this.readHead(conn);
        const batch = conn.prepare('SELECT * FROM audit WHERE seq > ? ORDER BY seq LIMIT ?');
        const v = new ChainVerifier();
        let after = 0;
        for (;;) {
          const rows = batch.all(after, WALK_BATCH) as Row[];
          if (rows.length === 0) break;
          if (!rows.every((r) => v.push(rowToRecord(r)))) break;
          after = Number(rows.at(-1)!.seq);
          if (!memory) await yieldLoop();
        }
        return v.finish(head);
      } finally {
        conn.exec('COMMIT');
      }
    } finally {
      if (!memory) conn.close();
    }
  }

  // ---- rate counters and policy versions ----

  async bumpCounters(bumps: CounterBump[]): Promise<number[]> {
    if (bumps.length === 0) return [];
    const up = this.stmt('INSERT INTO rate_counters (name, win, count, expires_at) VALUES (?, ?, ?, ?) ON CONFLICT (name, win) DO UPDATE SET count = count + excluded.count RETURNING count');
    // IMMEDIATE: other processes on the same file see every bump of a request or none.
    return this.db.transaction(() => bumps.map((b) => Number((up.get(b.name, Math.trunc(b.win), Math.trunc(b.by), Math.trunc(b.expiresAt)) as Row).count))).immediate();
  }

  async pruneCounters(now: number): Promise<number> {
    return this.stmt('DELETE FROM rate_counters WHERE expires_at < ?').run(Math.trunc(now)).changes;
  }

  async savePolicyVersion(v: Omit<PolicyVersion, 'loadedAt'>): Promise<void> {
    this.stmt('INSERT INTO policy_versions (hash, source, text, loaded_at) VALUES (?, ?, ?, ?) ON CONFLICT (hash) DO NOTHING').run(v.hash, v.source, v.text, new Date().toISOString());
  }

  async getPolicyVersion(hash: string): Promise<PolicyVersion | null> {
    const row = this.stmt('SELECT hash, source, text, loaded_at FROM policy_versions WHERE hash = ?').get(hash) as Row | undefined;
    return row ? { hash: String(row.hash), source: String(row.source), text: String(row.text), loadedAt: String(row.loaded_at) } : null;
  }

  // ---- covert-channel baselines ----

  async saveBaselineVariants(rows: BaselineVariant[]): Promise<void> {
    if (rows.length === 0) return;
    const get = this.stmt('SELECT users, count, last_seen FROM covert_baselines WHERE tool = ? AND version = ? AND grp = ? AND hash = ?');
    const put = this.stmt(`INSERT INTO covert_baselines (tool, version, grp, hash, fields, users, count, first_seen, last_seen, rev) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (tool, version, grp, hash) DO UPDATE SET users = excluded.users, count = excluded.count, last_seen = excluded.last_seen, rev = excluded.rev`);
    // IMMEDIATE: revisions follow commit order across processes on the same file.
    this.db.transaction(() => {
      const rev = Number((this.stmt('SELECT coalesce(max(rev), 0) AS r FROM covert_baselines').get() as Row).r) + 1;
      for (const r of rows) {
        const old = get.get(r.tool, r.version, r.group, r.hash) as Row | undefined;
        const m = mergeVariant(r, old ? { users: JSON.parse(String(old.users)) as string[], count: Number(old.count), lastSeen: String(old.last_seen) } : null);
        put.run(r.tool, r.version, r.group, r.hash, JSON.stringify(r.fields), JSON.stringify(m.users), m.count, r.firstSeen, m.lastSeen, rev);
      }
    }).immediate();
  }

  async loadBaselineVariants(q: { afterRev?: number; limit?: number } = {}): Promise<{ rows: BaselineVariant[]; rev: number }> {
    const rows = this.stmt('SELECT * FROM covert_baselines WHERE rev > ? ORDER BY rev, first_seen LIMIT ?').all(Math.trunc(q.afterRev ?? 0), Math.trunc(q.limit ?? 10_000)) as Row[];
    return { rows: rows.map(rowToVariant), rev: rows.reduce((m, r) => Math.max(m, Number(r.rev)), q.afterRev ?? 0) };
  }

  private readHead(conn: Db): ChainHead | null {
    const row = conn.prepare('SELECT seq, hash FROM audit_head WHERE id = 1').get() as Row | undefined;
    return row ? { seq: Number(row.seq), hash: String(row.hash) } : null;
  }
}

// Entry point of the store layer: open a store from a URL, plus the pieces the gateway and the
// CLI use (key hashing, batching writer, streaming reads).

import { resolve } from 'node:path';
import { StoreError } from './errors.ts';
import type { AuditRecord, Identity } from '../core/types.ts';
import type { ApiKeyRow, AuditQuery, Store } from './types.ts';
import { WALK_BATCH } from './sql.ts';

export type { ApiKeyRow, AuditQuery, BreakKind, ChainHead, CounterBump, PolicyVersion, Store, VerifyResult } from './types.ts';
export { AuditWriter, type AuditWriterOptions } from './audit-writer.ts';
export { canonicalJson, recordHash, GENESIS_HASH } from './chain.ts';
export { StoreError } from './errors.ts';
export { KEY_PREFIX, hashKey, isWellFormedKey } from './keys.ts';

export const DEFAULT_STORE_URL = 'sqlite:./data/airlock.db';

/** AIRLOCK_STORE, else an SQLite file under ./data. */
export const defaultStoreUrl = (env: NodeJS.ProcessEnv): string => env.AIRLOCK_STORE?.trim() || DEFAULT_STORE_URL;

export type StoreLocation =
  | { kind: 'sqlite'; path: string }
  | { kind: 'postgres'; connectionString: string; schema?: string };

/**
 * `postgres://…` or `postgresql://…` (optional `?schema=name`, removed before connecting);
 * `sqlite:<path>`, `sqlite://<path>`, `sqlite::memory:`; anything else is an SQLite file path.
 */
export function parseStoreUrl(url: string): StoreLocation {
  const u = url.trim();
  if (u === '') throw new StoreError('AIRLOCK_STORE_BAD_URL', 'The store URL is empty.');
  if (/^postgres(ql)?:\/\//i.test(u)) {
    let parsed: URL;
    try {
      parsed = new URL(u);
    } catch {
      throw new StoreError('AIRLOCK_STORE_BAD_URL', 'The PostgreSQL store URL is not a valid URL.');
    }
    const schema = parsed.searchParams.get('schema');
    parsed.searchParams.delete('schema');
    return { kind: 'postgres', connectionString: parsed.toString(), ...(schema ? { schema } : {}) };
  }
  let path = u;
  if (/^sqlite:/i.test(path)) path = path.slice('sqlite:'.length).replace(/^\/\/(?=\/|[^/])/, '');
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(u) && !/^sqlite:/i.test(u)) {
    throw new StoreError('AIRLOCK_STORE_BAD_URL', `Unsupported store URL scheme (use sqlite:<path> or postgres://…).`);
  }
  if (path === '') throw new StoreError('AIRLOCK_STORE_BAD_URL', 'The SQLite store URL has no path.');
  return { kind: 'sqlite', path: path === ':memory:' ? path : resolve(path) };
}

/** Open and (by default) migrate a store. Drivers load lazily: SQLite users never load pg. */
export async function openStore(url: string, opts: { migrate?: boolean } = {}): Promise<Store> {
  const loc = parseStoreUrl(url);
  let store: Store;
  if (loc.kind === 'postgres') {
    const { PostgresStore } = await import('./postgres.ts');
    store = new PostgresStore(loc.schema ? { connectionString: loc.connectionString, schema: loc.schema } : { connectionString: loc.connectionString });
  } else {
    const { SqliteStore } = await import('./sqlite.ts');
    store = new SqliteStore(loc.path);
  }
  if (opts.migrate !== false) {
    try {
      await store.migrate();
    } catch (e) {
      await store.close().catch(() => {});
      throw e;
    }
  }
  return store;
}

/** Every record matching q (afterSeq/user/team), ascending, fetched in batches: for exports. */
export async function* iterateAudit(store: Store, q: Omit<AuditQuery, 'order' | 'limit'> = {}): AsyncGenerator<AuditRecord> {
  let after = q.afterSeq ?? 0;
  for (;;) {
    const batch = await store.readAudit({ ...q, afterSeq: after, limit: WALK_BATCH, order: 'asc' });
    yield* batch;
    if (batch.length < WALK_BATCH) return;
    after = batch.at(-1)!.seq;
  }
}

/** The identity a key row stands for (what the gateway attaches to an exchange). */
export const identityOf = (row: ApiKeyRow): Identity => ({ keyId: row.keyId, user: row.user, team: row.team, role: row.role });

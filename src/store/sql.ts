// SQL text and row mapping shared by the two stores (the schemas use the same names; only the
// placeholder syntax differs: `?` for SQLite, `$n` for PostgreSQL).

import type { ApiKeyRow, AuditQuery } from './types.ts';
import { StoreError } from './errors.ts';
import { isRole } from './keys.ts';
import type { Identity } from '../core/types.ts';

export const DEFAULT_READ_LIMIT = 1000;
export const MAX_READ_LIMIT = 10_000;
/** Rows per round trip when walking the whole chain (verify, export). */
export const WALK_BATCH = 1000;

export const KEY_COLUMNS = 'key_id, prefix, user_name, team, role, created_at, revoked_at';

export function rowToKey(row: Record<string, unknown>): ApiKeyRow {
  return {
    keyId: String(row.key_id),
    prefix: String(row.prefix),
    user: String(row.user_name),
    team: row.team === null || row.team === undefined ? null : String(row.team),
    role: String(row.role) as Identity['role'],
    createdAt: String(row.created_at),
    revokedAt: row.revoked_at === null || row.revoked_at === undefined ? null : String(row.revoked_at),
  };
}

/** Validate createKey input (user errors, so they get a StoreError with a clear message). */
export function checkKeyInput(input: { user: string; team: string | null; role: Identity['role'] }): void {
  if (typeof input.user !== 'string' || input.user.trim() === '') throw new StoreError('AIRLOCK_STORE_BAD_INPUT', 'A key needs a non-empty user.');
  if (input.team !== null && typeof input.team !== 'string') throw new StoreError('AIRLOCK_STORE_BAD_INPUT', 'team must be a string or null.');
  if (!isRole(input.role)) throw new StoreError('AIRLOCK_STORE_BAD_INPUT', `role must be one of admin, auditor, developer (got ${JSON.stringify(String(input.role)).slice(0, 40)}).`);
}

/** SELECT for readAudit; `ph(i)` renders the i-th (1-based) placeholder. */
export function auditSelect(q: AuditQuery, ph: (i: number) => string): { sql: string; params: (string | number)[] } {
  const where: string[] = [];
  const params: (string | number)[] = [];
  const add = (cond: string, v: string | number): void => {
    params.push(v);
    where.push(cond.replace('?', ph(params.length)));
  };
  if (q.afterSeq !== undefined) add('seq > ?', Math.trunc(q.afterSeq));
  if (q.beforeSeq !== undefined) add('seq < ?', Math.trunc(q.beforeSeq));
  if (q.user !== undefined) add('user_name = ?', q.user);
  if (q.team !== undefined) add('team = ?', q.team);
  // Times are stored as toISOString() gives them: as text they sort as the instants do.
  if (q.since !== undefined) add('time >= ?', q.since);
  if (q.until !== undefined) add('time < ?', q.until);
  const limit = Math.min(Math.max(1, Math.trunc(q.limit ?? DEFAULT_READ_LIMIT)), MAX_READ_LIMIT);
  params.push(limit);
  const order = q.order === 'desc' ? 'DESC' : 'ASC';
  const sql = `SELECT * FROM audit${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY seq ${order} LIMIT ${ph(params.length)}`;
  return { sql, params };
}

// How AuditEntry fields map to SQL columns in both stores. One table so the two schemas, the row
// readers and the normaliser cannot drift apart.

import type { AuditEntry, AuditRecord } from '../core/types.ts';
import { AUDIT_FIELDS } from './chain.ts';

/** text/int/real/json; a trailing '?' means nullable. json columns hold JSON text (not jsonb:
 * jsonb reorders keys and rejects \u0000, and the hash is computed over the parsed value anyway). */
export type FieldKind = 'text' | 'text?' | 'int' | 'int?' | 'real' | 'real?' | 'json' | 'json?' | 'list?';
// 'list?': a JSON array that is absent from the entry (SQL NULL) when empty, for fields added
// after the chain's format version 1: records written before them keep their hash.

export const FIELD_KINDS: Record<keyof AuditEntry, FieldKind> = {
  id: 'text', time: 'text', keyId: 'text?', user: 'text?', team: 'text?', tool: 'text?',
  toolVersion: 'text?', dialect: 'text?', route: 'text', upstream: 'text?', model: 'text?',
  status: 'int', outcome: 'text', errorCode: 'text?', latencyMs: 'real', ttfbMs: 'real?',
  inputTokens: 'int?', outputTokens: 'int?', requestBytes: 'int', responseBytes: 'int',
  requestSha256: 'text?', findings: 'json', decision: 'json?', policyHash: 'text?', redactedBody: 'text?',
  gaps: 'list?',
};

/** snake_case column name of a field (`user` is reserved in PostgreSQL, hence user_name). */
export const columnOf = (f: keyof AuditEntry): string =>
  f === 'user' ? 'user_name' : f.replace(/[A-Z]/g, (m) => `_${m.toLowerCase()}`);

export const ENTRY_COLUMNS: readonly string[] = AUDIT_FIELDS.map(columnOf);
/** Columns of the audit table, in insert order. */
export const AUDIT_COLUMNS: readonly string[] = ['seq', ...ENTRY_COLUMNS, 'prev_hash', 'hash'];

/** SQL parameter values for one record, in AUDIT_COLUMNS order. */
export function recordToParams(r: AuditRecord): (string | number | null)[] {
  const out: (string | number | null)[] = [r.seq];
  for (const f of AUDIT_FIELDS) {
    const v = r[f];
    const kind = FIELD_KINDS[f];
    if (kind === 'json' || kind === 'json?' || kind === 'list?') out.push(v === null || v === undefined ? null : JSON.stringify(v));
    else out.push(v as string | number | null);
  }
  out.push(r.prevHash, r.hash);
  return out;
}

/** A row (either driver) back to a record. PostgreSQL returns bigint as string, hence Number(). */
export function rowToRecord(row: Record<string, unknown>): AuditRecord {
  const rec: Record<string, unknown> = {};
  for (const f of AUDIT_FIELDS) {
    const v = row[columnOf(f)];
    const kind = FIELD_KINDS[f];
    if (v === null || v === undefined) {
      if (kind !== 'list?') rec[f] = kind === 'json' ? [] : null;
    }
    else if (kind.startsWith('json') || kind === 'list?') rec[f] = JSON.parse(String(v));
    else if (kind.startsWith('int') || kind.startsWith('real')) rec[f] = Number(v);
    else rec[f] = String(v);
  }
  rec.seq = Number(row.seq);
  rec.prevHash = String(row.prev_hash);
  rec.hash = String(row.hash);
  return rec as unknown as AuditRecord;
}

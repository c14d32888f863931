// Entries are normalised before hashing so that what is hashed is exactly what both databases
// give back. The function is total (never throws): the audit writer retries failed batches, and
// an entry that could never be stored would block the trail behind it forever.

import { hash, randomUUID } from 'node:crypto';
import type { AuditEntry } from '../core/types.ts';
import type { ChainHead } from './types.ts';
import { AUDIT_FIELDS } from './chain.ts';
import { FIELD_KINDS } from './columns.ts';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Both databases store UTF-8, which cannot hold a lone surrogate (it comes back as U+FFFD), and
 * PostgreSQL text cannot hold U+0000 at all. Replace both with U+FFFD up front.
 */
export const cleanText = (s: string): string => s.replace(LONE_SURROGATE, '\uFFFD').replace(/\0/g, '\uFFFD');

/** JSON round trip: drops undefined, turns NaN into null and Dates into strings, as storage will. */
const cleanJson = (v: unknown): unknown => (v === undefined ? null : JSON.parse(JSON.stringify(v)) as unknown);

/**
 * Keep only AuditEntry fields (a stray property, e.g. a raw body, is never stored), with
 * requestSha256 taken from a draft's `requestBody` when the gateway left it to be hashed here, and
 * undefined → null, numbers finite (integers rounded where the column is an integer), strings
 * clean, findings/decision as plain JSON.
 */
export function normalizeEntry(e: AuditEntry): AuditEntry {
  const src = e as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const f of AUDIT_FIELDS) {
    const v = src[f];
    const kind = FIELD_KINDS[f];
    const nullable = kind.endsWith('?');
    switch (kind) {
      case 'text':
      case 'text?':
        if (typeof v === 'string') out[f] = cleanText(v);
        else if (v instanceof Date && !Number.isNaN(v.getTime())) out[f] = v.toISOString();
        else if (typeof v === 'number' || typeof v === 'boolean') out[f] = String(v);
        else out[f] = nullable ? null : '';
        break;
      case 'int':
      case 'int?':
      case 'real':
      case 'real?': {
        const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
        if (!Number.isFinite(n)) {
          out[f] = nullable ? null : 0;
          break;
        }
        const num = kind.startsWith('int') ? Math.round(n) : n;
        out[f] = num === 0 ? 0 : num; // folds -0, which a database returns as 0
        break;
      }
      case 'json': {
        const j = cleanJson(v);
        out[f] = Array.isArray(j) ? j : [];
        break;
      }
      case 'json?': {
        const j = cleanJson(v);
        out[f] = j !== null && typeof j === 'object' ? j : null;
        break;
      }
      case 'list?': {
        const j = cleanJson(v);
        if (Array.isArray(j) && j.length > 0) out[f] = j;
        break;
      }
    }
  }
  // A body handed over for hashing here (AuditDraft), off the gateway's thread; never stored.
  const body = src['requestBody'];
  if (out.requestSha256 === null && body instanceof Uint8Array) out.requestSha256 = hash('sha256', body);
  if (out.id === '') out.id = randomUUID();
  if (out.time === '') out.time = new Date().toISOString();
  return out as unknown as AuditEntry;
}

/** First occurrence of each id (a batch may carry the same exchange twice). */
export function dedupe(entries: readonly AuditEntry[]): AuditEntry[] {
  const seen = new Set<string>();
  return entries.filter((e) => (seen.has(e.id) ? false : (seen.add(e.id), true)));
}

/**
 * Appending without a checkpoint would restart the chain at seq 1 over existing records; refuse
 * loudly instead (the row is created by the first migration, so its absence means tampering).
 */
export function requireHead(head: ChainHead | null): ChainHead {
  if (!head) throw new Error('The audit head checkpoint (audit_head) is missing; the trail was tampered with. Run `airlock audit verify`.');
  return head;
}

// The audit hash chain, shared by every store so that a trail written by one can be verified by
// the code of another (and by anyone re-implementing these few lines).
//
// Record hash (format version 1):
//
//   hash = hex(SHA-256(UTF-8("airlock-audit-v1\n" + canonicalJson(body))))
//   body = every AuditEntry field (see AUDIT_FIELDS, nested findings/decision included)
//          + seq (number) + prevHash (hex string); `hash` itself is excluded.
//
// canonicalJson is deterministic, in the spirit of RFC 8785 (JCS):
//   - object keys sorted by UTF-16 code units (Array.prototype.sort default), recursively;
//   - no whitespace; strings and numbers as JSON.stringify writes them (ECMAScript
//     Number-to-String, so 1 and 1.0 are the same value and -0 is "0");
//   - properties whose value is undefined are omitted (as in JSON); null is kept;
//   - non-finite numbers are rejected: they cannot round-trip through JSON or SQL.
// Fields added after format version 1 (`gaps`) are absent, not null, when empty: a record
// written before them hashes as it did.
// The first record's prevHash is GENESIS_HASH (64 zeros). seq starts at 1 and has no gaps.
//
// A chain alone cannot reveal a deleted *tail* (the remaining prefix is still a valid chain), so
// the stores also keep a head checkpoint (seq + hash of the last record) updated in the same
// transaction as every append; verify compares the walked chain with it. Someone able to rewrite
// the checkpoint and re-hash everything after an edit is not detectable from inside the
// database: publish the head hash printed by `airlock audit verify` elsewhere to anchor it.

import { hash } from 'node:crypto';
import type { AuditEntry, AuditRecord } from '../core/types.ts';

export const GENESIS_HASH = '0'.repeat(64);
export const CHAIN_DOMAIN = 'airlock-audit-v1\n';

/** Every field of an AuditEntry, in declaration order; the stores persist exactly these. */
export const AUDIT_FIELDS = [
  'id', 'time', 'keyId', 'user', 'team', 'tool', 'toolVersion', 'dialect', 'route', 'upstream',
  'model', 'status', 'outcome', 'errorCode', 'latencyMs', 'ttfbMs', 'inputTokens', 'outputTokens',
  'requestBytes', 'responseBytes', 'requestSha256', 'findings', 'decision', 'policyHash', 'redactedBody',
  'gaps',
] as const satisfies readonly (keyof AuditEntry)[];

// Compile-time check that AUDIT_FIELDS lists every AuditEntry key: adding a field to AuditEntry
// without hashing it would leave that field silently unprotected.
type MissingField = Exclude<keyof AuditEntry, (typeof AUDIT_FIELDS)[number]>;
const _allFieldsListed: [MissingField] extends [never] ? true : MissingField = true;
void _allFieldsListed;

export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('canonicalJson: non-finite number');
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) {
        // JSON writes undefined array slots as null; do the same so a round trip keeps the hash.
        return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
      }
      const obj = value as Record<string, unknown>;
      const parts: string[] = [];
      for (const key of Object.keys(obj).sort()) {
        const v = obj[key];
        if (v === undefined) continue;
        parts.push(`${JSON.stringify(key)}:${canonicalJson(v)}`);
      }
      return `{${parts.join(',')}}`;
    }
    default:
      throw new TypeError(`canonicalJson: unsupported type ${typeof value}`);
  }
}

/** The hash of a record at position `seq` whose predecessor has hash `prevHash`. */
export function recordHash(entry: AuditEntry, seq: number, prevHash: string): string {
  const body: Record<string, unknown> = { seq, prevHash };
  for (const f of AUDIT_FIELDS) body[f] = entry[f];
  return hash('sha256', CHAIN_DOMAIN + canonicalJson(body));
}

/** Link normalised entries onto a chain whose head is (headSeq, headHash). */
export function linkEntries(entries: readonly AuditEntry[], headSeq: number, headHash: string): AuditRecord[] {
  const out: AuditRecord[] = [];
  let seq = headSeq;
  let prev = headHash;
  for (const e of entries) {
    seq += 1;
    const hash = recordHash(e, seq, prev);
    out.push({ ...e, seq, prevHash: prev, hash });
    prev = hash;
  }
  return out;
}

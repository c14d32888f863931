import type { BaselineVariant } from '../core/covert/baseline.ts';
import type { AuditEntry, AuditRecord, Identity } from '../core/types.ts';

export interface ApiKeyRow {
  keyId: string; // public id, e.g. 'key_3f9a...'; shown in lists and audit records
  user: string;
  team: string | null;
  role: Identity['role'];
  createdAt: string;
  revokedAt: string | null;
  /** First characters of the key, for recognition in lists (never enough to use it). */
  prefix: string;
}

/** Position of the last record of a chain (seq 0 and the genesis hash when empty). */
export interface ChainHead {
  seq: number;
  hash: string;
}

/**
 * Why verification stopped:
 * - edited: a record's content no longer matches its own hash;
 * - missing: a seq gap (records deleted from the middle);
 * - reordered: a record's content was hashed at another seq (moved, swapped or renumbered);
 * - chain_broken: a self-consistent record whose prevHash is not its predecessor's hash;
 * - truncated: the head checkpoint is ahead of the last record (tail deleted);
 * - unexpected_tail: records exist past the checkpoint (not appended by the store);
 * - head_mismatch: the last record or the checkpoint itself was rewritten or deleted.
 */
export type BreakKind = 'edited' | 'missing' | 'reordered' | 'chain_broken' | 'truncated' | 'unexpected_tail' | 'head_mismatch';

export interface VerifyResult {
  ok: boolean;
  /** Records verified good before the first break (all of them when ok). */
  checked: number;
  /** First broken record, if any: its seq (or the seq where a gap/reorder was found) and why. */
  firstBroken?: { seq: number; id: string | null; reason: string; kind: BreakKind };
  /** Last good position of the chain: publish `head.hash` elsewhere to anchor the trail. */
  head?: ChainHead;
}

/** One counter increment: add `by` to counter `name` in window `win` (by 0 reads it). */
export interface CounterBump {
  name: string;
  win: number;
  by: number;
  /** Epoch ms after which the row may be pruned. */
  expiresAt: number;
}

export interface PolicyVersion {
  hash: string;
  source: string;
  text: string;
  loadedAt: string;
}

export interface AuditQuery {
  afterSeq?: number;
  /** Only records with seq below this (exclusive). */
  beforeSeq?: number;
  /** Default 1000, at most 10000. */
  limit?: number;
  /** By seq; 'desc' gives the most recent first (for tail). Default 'asc'. */
  order?: 'asc' | 'desc';
  user?: string;
  team?: string;
  /** Only records whose time (ISO-8601, UTC) is at or after this one. */
  since?: string;
  /** Only records whose time is before this one (exclusive). */
  until?: string;
}

/**
 * One interface, two real stores (SQLite embedded default, PostgreSQL for several instances).
 * Writes to the audit trail are appended in batches by the gateway (see store/audit-writer.ts).
 */
export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  migrate(): Promise<void>;
  close(): Promise<void>;

  // identities
  createKey(input: { user: string; team: string | null; role: Identity['role'] }): Promise<{ key: string; row: ApiKeyRow }>;
  listKeys(): Promise<ApiKeyRow[]>;
  /**
   * Revoke by keyId, or by display prefix when exactly one active key has it. True when this call
   * revoked a key; false when unknown, ambiguous or already revoked (the first revokedAt is kept).
   */
  revokeKey(keyIdOrPrefix: string): Promise<boolean>;
  /** Look up by SHA-256 of the presented key; null when unknown. Revoked keys are returned with revokedAt set. */
  findKeyByHash(keyHash: string): Promise<ApiKeyRow | null>;

  // audit trail: hash-chained, appended in order
  /**
   * Append a batch atomically (all or nothing) at the end of the chain. Entries are normalised
   * first (only AuditEntry fields are kept; see normalize.ts). Idempotent per entry id: an id
   * already stored is not appended again (a retried batch cannot duplicate records), and its
   * stored record is returned in its place.
   */
  appendAudit(entries: AuditEntry[]): Promise<AuditRecord[]>;
  readAudit(q?: AuditQuery): Promise<AuditRecord[]>;
  getAudit(id: string): Promise<AuditRecord | null>;
  /** Walk the whole chain in batches, on a consistent snapshot, and report the first break. */
  verifyAudit(): Promise<VerifyResult>;
  /** The head checkpoint: seq and hash of the last appended record. */
  auditHead(): Promise<ChainHead>;

  // rate limits and budgets: counters per window (minute, UTC day) shared by every instance on the store
  /** Apply every bump atomically in one round trip; returns the new counts in input order. Names+windows must be unique. */
  bumpCounters(bumps: CounterBump[]): Promise<number[]>;
  /** Delete counters whose expiresAt is before `now`; returns how many. */
  pruneCounters(now: number): Promise<number>;

  // policy versions, so a recorded decision can be explained with the policy that made it
  /** Keep a loaded policy text by its hash (idempotent). */
  savePolicyVersion(v: Omit<PolicyVersion, 'loadedAt'>): Promise<void>;
  getPolicyVersion(hash: string): Promise<PolicyVersion | null>;

  // covert-channel prompt baselines, shared by every instance (src/gateway/baselines.ts)
  /**
   * Merge learned variants: a new (tool, version, group, hash) is inserted; a known one gets the
   * union of users (capped), its count increased by `count` and the later lastSeen. Every row
   * written gets a revision above all earlier ones, so other instances can load what is new.
   */
  saveBaselineVariants(rows: BaselineVariant[]): Promise<void>;
  /** Variants written after revision `afterRev` (default 0), oldest revision first, and the highest revision returned. */
  loadBaselineVariants(q?: { afterRev?: number; limit?: number }): Promise<{ rows: BaselineVariant[]; rev: number }>;
}

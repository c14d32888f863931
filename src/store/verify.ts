// Walks an audit chain record by record (in seq order, fed by a store in batches) and stops at
// the first break. Shared by both stores so they report the same kinds with the same words.

import type { AuditRecord } from '../core/types.ts';
import { GENESIS_HASH, recordHash } from './chain.ts';
import type { BreakKind, ChainHead, VerifyResult } from './types.ts';

/**
 * How far around a record's position we look for the seq its content was hashed at, to tell a
 * moved record from an edited one. Only runs once, on the first mismatch, so its cost is bounded.
 */
const MOVE_SEARCH_WINDOW = 10_000;

export class ChainVerifier {
  private expectedSeq = 1;
  private prevHash = GENESIS_HASH;
  private checked = 0;
  private broken: VerifyResult['firstBroken'];

  /** Feed the next record in seq order. Returns false once the chain is broken (stop feeding). */
  push(r: AuditRecord): boolean {
    if (this.broken) return false;
    if (r.seq !== this.expectedSeq) {
      if (r.seq > this.expectedSeq) {
        const range = r.seq - 1 > this.expectedSeq ? `${this.expectedSeq}..${r.seq - 1}` : `${this.expectedSeq}`;
        return this.fail(this.expectedSeq, null, 'missing', `record seq ${range} is missing (deleted); the next stored record is seq ${r.seq}`);
      }
      return this.fail(r.seq, r.id, 'reordered', `seq ${r.seq} appears after seq ${this.expectedSeq - 1} (records out of order)`);
    }
    if (recordHash(r, r.seq, r.prevHash) !== r.hash) {
      const from = this.hashedAt(r);
      if (from !== null) {
        return this.fail(r.seq, r.id, 'reordered', `the record stored at seq ${r.seq} was written as seq ${from} (records were moved, swapped or renumbered)`);
      }
      return this.fail(r.seq, r.id, 'edited', `the record's content does not match its hash (a field was edited)`);
    }
    if (r.prevHash !== this.prevHash) {
      const before = r.seq === 1 ? 'the genesis value' : `the hash of seq ${r.seq - 1}`;
      return this.fail(r.seq, r.id, 'chain_broken', `prevHash does not match ${before} (a record was replaced, inserted or removed before this one)`);
    }
    this.checked += 1;
    this.expectedSeq += 1;
    this.prevHash = r.hash;
    return true;
  }

  /** Compare the walked chain with the head checkpoint (null when the store has none). */
  finish(head: ChainHead | null): VerifyResult {
    const last: ChainHead = { seq: this.expectedSeq - 1, hash: this.prevHash };
    if (this.broken) return { ok: false, checked: this.checked, firstBroken: this.broken, head: last };
    if (head === null) {
      if (last.seq === 0) return { ok: true, checked: 0, head: last };
      this.fail(last.seq, null, 'head_mismatch', 'the head checkpoint is missing (deleted)');
    } else if (head.seq > last.seq) {
      const range = head.seq > last.seq + 1 ? `${last.seq + 1}..${head.seq}` : `${head.seq}`;
      this.fail(last.seq + 1, null, 'truncated', `record seq ${range} is missing at the end of the trail (tail deleted; the checkpoint head is seq ${head.seq})`);
    } else if (head.seq < last.seq) {
      this.fail(head.seq + 1, null, 'unexpected_tail', `records after seq ${head.seq} were not appended by the store (the checkpoint head is seq ${head.seq})`);
    } else if (head.hash !== last.hash) {
      this.fail(last.seq, null, 'head_mismatch', `the last record does not match the head checkpoint (rewritten)`);
    }
    return this.broken
      ? { ok: false, checked: this.checked, firstBroken: this.broken, head: last }
      : { ok: true, checked: this.checked, head: last };
  }

  private fail(seq: number, id: string | null, kind: BreakKind, reason: string): false {
    this.broken = { seq, id, kind, reason };
    return false;
  }

  /** The seq this record's content was hashed at, if it is a valid record from elsewhere in the chain. */
  private hashedAt(r: AuditRecord): number | null {
    const lo = Math.max(1, r.seq - MOVE_SEARCH_WINDOW);
    const hi = r.seq + MOVE_SEARCH_WINDOW;
    for (let s = lo; s <= hi; s++) {
      if (s !== r.seq && recordHash(r, s, r.prevHash) === r.hash) return s;
    }
    return null;
  }
}

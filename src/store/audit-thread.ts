// Audit appends in a worker thread. Linking a record into the hash chain (canonical JSON, SHA-256)
// and inserting it cost ~40 µs of CPU per record: a quarter of the gateway's own CPU on a 2 KB
// exchange, spent in batches that stall every request arriving meanwhile. Here the gateway's
// thread only clones each batch into a message; a worker with its own connection to the same store
// does the rest. The worker is an appender only (AuditWriter keeps batching, ordering, retries and
// back-pressure on the gateway's side), so a crashed worker is a failed batch: it is retried on a
// fresh worker, and appendAudit's idempotence per entry id keeps a retried batch from doubling.
//
// On SQLite the gateway's other writes go here too: the rate limiter's counters (bumpCounters,
// pruneCounters) and new prompt-baseline variants (saveBaselineVariants). On the gateway's thread
// each was a write transaction that waited, blocking the event loop, for the worker's audit
// transaction to end (counter syncs: p90 18.7 ms, up to 34 ms, once every 250 ms under load).
// Here they take their turn between batches on the worker's own connection, and the gateway's
// thread only awaits the reply.
import type { AuditEntry } from '../core/types.ts';
import type { AuditAppender } from './audit-writer.ts';
import type { BaselineVariant } from '../core/covert/baseline.ts';
import type { CounterBump, Store } from './types.ts';
import { WorkerClient, spawnWorker } from './worker-client.ts';

/** What the worker is asked: an audit batch, counter increments, or expired counters removed. */
export type StoreJob = { append: AuditEntry[] } | { bump: CounterBump[] } | { prune: number } | { variants: BaselineVariant[] };

export class ThreadedAppender implements AuditAppender, Pick<Store, 'bumpCounters' | 'pruneCounters' | 'saveBaselineVariants'> {
  private readonly client: WorkerClient<StoreJob, null | number[] | number>;

  /** `storeUrl`: the store the gateway uses (an SQLite file or PostgreSQL), opened again in the worker. */
  constructor(storeUrl: string) {
    this.client = new WorkerClient(() => spawnWorker(import.meta.url, 'audit-worker', { storeUrl }), 'audit');
  }

  /** Starts the worker ahead of the first batch. */
  warm(): void {
    this.client.warm();
  }

  async appendAudit(entries: AuditEntry[]): Promise<void> {
    await this.client.request({ append: entries });
  }

  async bumpCounters(bumps: CounterBump[]): Promise<number[]> {
    if (bumps.length === 0) return [];
    return (await this.client.request({ bump: bumps })) as number[];
  }

  async pruneCounters(now: number): Promise<number> {
    return (await this.client.request({ prune: now })) as number;
  }

  async saveBaselineVariants(rows: BaselineVariant[]): Promise<void> {
    if (rows.length > 0) await this.client.request({ variants: rows });
  }

  /** Closes the worker's store and ends the thread (after the writer has flushed). */
  close(): Promise<void> {
    return this.client.close();
  }
}

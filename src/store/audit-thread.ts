// Audit appends in a worker thread. Linking a record into the hash chain (canonical JSON, SHA-256)
// and inserting it cost ~40 µs of CPU per record: a quarter of the gateway's own CPU on a 2 KB
// exchange, spent in batches that stall every request arriving meanwhile. Here the gateway's
// thread only clones each batch into a message; a worker with its own connection to the same store
// does the rest. The worker is an appender only (AuditWriter keeps batching, ordering, retries and
// back-pressure on the gateway's side), so a crashed worker is a failed batch: it is retried on a
// fresh worker, and appendAudit's idempotence per entry id keeps a retried batch from doubling.
import type { AuditEntry } from '../core/types.ts';
import type { AuditAppender } from './audit-writer.ts';
import { WorkerClient, spawnWorker } from './worker-client.ts';

export class ThreadedAppender implements AuditAppender {
  private readonly client: WorkerClient<AuditEntry[], null>;

  /** `storeUrl`: the store the gateway uses (an SQLite file or PostgreSQL), opened again in the worker. */
  constructor(storeUrl: string) {
    this.client = new WorkerClient(() => spawnWorker(import.meta.url, 'audit-worker', { storeUrl }), 'audit');
  }

  /** Starts the worker ahead of the first batch. */
  warm(): void {
    this.client.warm();
  }

  async appendAudit(entries: AuditEntry[]): Promise<void> {
    await this.client.request(entries);
  }

  /** Closes the worker's store and ends the thread (after the writer has flushed). */
  close(): Promise<void> {
    return this.client.close();
  }
}

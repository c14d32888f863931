// Audit appends in a worker thread. Linking a record into the hash chain (canonical JSON, SHA-256)
// and inserting it cost ~40 µs of CPU per record: a quarter of the gateway's own CPU on a 2 KB
// exchange, spent in batches that stall every request arriving meanwhile. Here the gateway's
// thread only clones each batch into a message; a worker with its own connection to the same store
// does the rest. The worker is an appender only (AuditWriter keeps batching, ordering, retries and
// back-pressure on the gateway's side), so a crashed worker is a failed batch: it is retried on a
// fresh worker, and appendAudit's idempotence per entry id keeps a retried batch from doubling.
import { Worker } from 'node:worker_threads';
import type { AuditEntry } from '../core/types.ts';
import type { AuditAppender } from './audit-writer.ts';

/** Gateway → worker. */
export type ToWorker = { type: 'append'; id: number; entries: AuditEntry[] } | { type: 'close' };
/** Worker → gateway. */
export type FromWorker = { type: 'appended'; id: number } | { type: 'failed'; id: number; message: string } | { type: 'closed' };

const fromSource = import.meta.url.endsWith('.ts');
const workerUrl = new URL(fromSource ? './audit-worker.ts' : './audit-worker.js', import.meta.url);

/** Running from TypeScript sources (tests, `npm run airlock`), the worker registers tsx first. */
function spawn(storeUrl: string): Worker {
  const workerData = { storeUrl };
  if (!fromSource) return new Worker(workerUrl, { workerData });
  const api = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(workerUrl.href)}); });`;
  return new Worker(boot, { eval: true, workerData });
}

export class ThreadedAppender implements AuditAppender {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();

  /** `storeUrl`: the store the gateway uses (an SQLite file or PostgreSQL), opened again in the worker. */
  constructor(private readonly storeUrl: string) {}

  appendAudit(entries: AuditEntry[]): Promise<void> {
    const w = this.worker ?? this.start();
    const id = this.nextId++;
    // A batch in flight holds the process (a flush on shutdown must finish); an idle worker does not.
    if (this.waiting.size === 0) w.ref();
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      w.postMessage({ type: 'append', id, entries } satisfies ToWorker);
    });
  }

  /** Closes the worker's store and ends the thread (after the writer has flushed). */
  async close(): Promise<void> {
    const w = this.worker;
    if (w === null) return;
    const exited = new Promise<void>((r) => w.once('exit', () => r()));
    w.ref();
    w.postMessage({ type: 'close' } satisfies ToWorker);
    await exited;
  }

  private start(): Worker {
    const w = spawn(this.storeUrl);
    w.on('message', (m: FromWorker) => {
      if (m.type === 'closed') return;
      const p = this.waiting.get(m.id);
      if (p === undefined) return;
      this.waiting.delete(m.id);
      if (this.waiting.size === 0) w.unref();
      if (m.type === 'appended') p.resolve();
      else p.reject(new Error(m.message));
    });
    const lost = (why: string): void => {
      if (this.worker === w) this.worker = null;
      const err = new Error(`audit worker ${why}`);
      for (const p of this.waiting.values()) p.reject(err);
      this.waiting.clear();
    };
    w.on('error', (e) => lost(`failed: ${e.message}`));
    w.on('exit', (code) => lost(`exited (code ${code})`));
    this.worker = w;
    return w;
  }
}

// Batches audit entries off the request path. write() only queues; a single pump appends the
// queue in order, one batch at a time, when the batch is full or the timer fires. A failing
// store is retried with capped exponential backoff and nothing is dropped: entries stay queued
// (see `pending`) and every failure is reported through onError. Because appendAudit is
// idempotent per entry id, a retry after an ambiguous failure (commit done, reply lost) cannot
// duplicate records.

import { hash } from 'node:crypto';
import type { AuditEntry } from '../core/types.ts';

/**
 * An entry as the gateway hands it over. `requestBody` (with requestSha256 null) is hashed into
 * requestSha256 where the record is written (normalizeEntry: in the audit worker under `serve`),
 * not on the gateway's thread: SHA-256 of a 100 KB body is ~60 µs. It is never stored.
 */
export type AuditDraft = AuditEntry & { requestBody?: Uint8Array };

/** Where batches go: a store, or a worker thread appending to one (audit-thread.ts). */
export interface AuditAppender {
  appendAudit(entries: AuditEntry[]): Promise<unknown>;
}

export interface AuditWriterOptions {
  /** Entries per appendAudit call (default 200). */
  maxBatch?: number;
  /** Longest time an entry waits before its batch is written (default 200 ms). */
  flushMs?: number;
  /** Called with every store failure (the batch is kept and retried) and misuse. Must not throw. */
  onError?: (e: unknown) => void;
  /**
   * Bytes of request bodies that queued entries may hold for hashing where they are written
   * (default 16 MiB); past it a body is hashed at write(), so a store that is down or slow cannot
   * make the queue hold bodies.
   */
  maxBodyBytes?: number;
  /** First retry delay (default 100 ms), doubled per consecutive failure up to retryMaxMs (default 5 s). */
  retryBaseMs?: number;
  retryMaxMs?: number;
}

export class AuditWriter {
  private readonly store: AuditAppender;
  private readonly maxBatch: number;
  private readonly flushMs: number;
  private readonly onError: (e: unknown) => void;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;
  private queue: AuditDraft[] = [];
  private readonly maxBodyBytes: number;
  /** Bytes of the bodies queued entries hold (AuditDraft.requestBody). */
  private bodyBytes = 0;
  private pump: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  /** flush()/close() callers waiting: while any wait, retry timers keep the process alive. */
  private waiters = 0;
  private closed = false;
  private failures = 0;
  /** Entries ever queued / ever persisted: flush() waits for persisted to reach a mark. */
  private enqueued = 0;
  private persisted = 0;
  /** Settled (and replaced) after every stored batch and whenever the pump stops. */
  private progress = deferred();

  constructor(store: AuditAppender, opts: AuditWriterOptions = {}) {
    this.store = store;
    this.maxBatch = Math.max(1, Math.trunc(opts.maxBatch ?? 200));
    this.flushMs = Math.max(0, opts.flushMs ?? 200);
    this.onError = opts.onError ?? (() => {});
    this.maxBodyBytes = Math.max(0, opts.maxBodyBytes ?? 16 * 1024 * 1024);
    this.retryBaseMs = Math.max(1, opts.retryBaseMs ?? 100);
    this.retryMaxMs = Math.max(this.retryBaseMs, opts.retryMaxMs ?? 5000);
  }

  /** Entries queued and not yet persisted (for health checks and back-pressure decisions). */
  get pending(): number {
    return this.queue.length;
  }

  /** Bytes of request bodies held by queued entries, to be hashed where they are written. */
  get heldBodyBytes(): number {
    return this.bodyBytes;
  }

  /** Queue one entry. Never blocks, never throws. */
  write(entry: AuditDraft): void {
    if (this.closed) {
      // Nobody will flush after close(): say so rather than queue an entry that can never land.
      this.report(new Error(`AuditWriter is closed; audit entry ${String(entry?.id)} was not recorded`));
      return;
    }
    const body = entry.requestBody;
    if (body !== undefined) {
      if (entry.requestSha256 !== null || this.bodyBytes + body.byteLength > this.maxBodyBytes) {
        if (entry.requestSha256 === null) entry.requestSha256 = hash('sha256', body);
        delete entry.requestBody;
      } else {
        // A view of a larger buffer (Node's pool holds small buffers of other requests) is copied
        // to its own bytes: the message to the audit worker carries this body only, and the bound
        // counts what is held.
        if (body.byteLength !== body.buffer.byteLength) entry.requestBody = new Uint8Array(body);
        this.bodyBytes += body.byteLength;
      }
    }
    this.queue.push(entry);
    this.enqueued++;
    if (this.pump) return; // the running pump picks it up
    if (this.queue.length >= this.maxBatch) this.startPump();
    else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.startPump();
      }, this.flushMs);
      this.timer.unref(); // a pending timer must not keep a CLI or test process alive; close() flushes
    }
  }

  /**
   * Resolves when every entry written before this call is persisted. It does not wait for later
   * writes, so a busy gateway cannot starve it (the pump itself may run on).
   */
  async flush(): Promise<void> {
    const target = this.enqueued;
    this.waiters++;
    this.retryTimer?.ref(); // a backoff started before anyone waited must now hold the process
    try {
      while (this.persisted < target) {
        if (!this.pump) this.startPump();
        await this.progress.promise;
      }
    } finally {
      this.waiters--;
    }
  }

  /** Stop accepting entries and persist everything queued. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
  }

  private startPump(): void {
    if (this.pump || this.queue.length === 0) return;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    this.pump = this.run().finally(() => {
      this.pump = null;
      this.tick();
      // Entries that arrived during the last append (fewer than a batch) wait for the timer.
      if (this.queue.length > 0 && !this.closed) {
        if (this.queue.length >= this.maxBatch) this.startPump();
        else if (!this.timer) {
          this.timer = setTimeout(() => {
            this.timer = null;
            this.startPump();
          }, this.flushMs);
          this.timer.unref();
        }
      }
    });
  }

  /**
   * Writes the head batch, retrying it until it lands, then goes on while full batches wait (or
   * a flush() or close() waits for everything). Entries that arrived during an append and fill no
   * batch wait for the timer: under steady traffic one append per flush interval, not one per
   * append's duration (each a message to the audit thread and a transaction there).
   */
  private async run(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.slice(0, this.maxBatch);
      try {
        await this.store.appendAudit(batch);
        this.queue.splice(0, batch.length); // only now: a failed batch stays at the head, in order
        for (const e of batch) {
          if (e.requestBody === undefined) continue;
          this.bodyBytes -= e.requestBody.byteLength;
          delete e.requestBody;
        }
        this.failures = 0;
        this.persisted += batch.length;
        this.tick();
        if (this.queue.length < this.maxBatch && this.waiters === 0 && !this.closed) return;
      } catch (e) {
        this.failures++;
        this.report(e);
        const delay = Math.min(this.retryMaxMs, this.retryBaseMs * 2 ** Math.min(this.failures - 1, 30));
        await new Promise<void>((res) => {
          this.retryTimer = setTimeout(res, delay);
          // Unless someone awaits flush()/close(), a retry must not keep the process alive.
          if (this.waiters === 0) this.retryTimer.unref();
        });
        this.retryTimer = null;
      }
    }
  }

  private tick(): void {
    const done = this.progress;
    this.progress = deferred();
    done.resolve();
  }

  private report(e: unknown): void {
    try {
      this.onError(e);
    } catch {
      // onError must not break the writer; there is nowhere further to report.
    }
  }
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

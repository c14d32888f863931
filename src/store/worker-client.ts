// Requests to a worker thread and their replies, for the gateway's helpers that own a store
// connection of their own (audit appends, deferred inspection). One worker at a time; a worker that
// exits or fails rejects every request in flight and the next request starts a fresh one, so a
// crash costs the requests it held, never the process. While requests are in flight the worker
// holds the process open (a flush on shutdown must finish); an idle worker does not.
import { Worker, type MessagePort } from 'node:worker_threads';

/** Worker → caller: the reply to request `id`, or its failure. */
export type Reply<R> = { id: number; ok: true; value: R } | { id: number; ok: false; message: string };

/**
 * Starts the worker module `file` (a sibling of the caller, named without extension). Running
 * from TypeScript sources (tests, `npm run airlock`), the worker registers tsx before loading it.
 */
export function spawnWorker(base: string, file: string, workerData: unknown): Worker {
  const fromSource = base.endsWith('.ts');
  const url = new URL(`./${file}${fromSource ? '.ts' : '.js'}`, base);
  if (!fromSource) return new Worker(url, { workerData });
  const api = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}); });`;
  return new Worker(boot, { eval: true, workerData });
}

export class WorkerClient<Q, R> {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (v: R) => void; reject: (e: Error) => void }>();

  /** `start` spawns a worker that answers each `{ id, request }` message with a Reply. */
  constructor(private readonly start: () => Worker, private readonly name: string) {}

  /** Requests in flight. */
  get pending(): number {
    return this.waiting.size;
  }

  /** Starts the worker ahead of the first request (its boot then costs no request anything). */
  warm(): void {
    if (this.worker === null) this.spawn().unref();
  }

  request(request: Q, transfer?: ArrayBuffer[]): Promise<R> {
    const w = this.worker ?? this.spawn();
    const id = this.nextId++;
    return new Promise<R>((resolve, reject) => {
      // A request that cannot be sent (a value that does not clone) fails alone, holding nothing.
      w.postMessage({ id, request }, transfer ?? []);
      if (this.waiting.size === 0) w.ref();
      this.waiting.set(id, { resolve, reject });
    });
  }

  /** Asks the worker to finish (`close` message: it closes its store and ends) and waits for it. */
  async close(): Promise<void> {
    const w = this.worker;
    if (w === null) return;
    const exited = new Promise<void>((r) => w.once('exit', () => r()));
    w.ref();
    w.postMessage({ close: true });
    await exited;
  }

  private spawn(): Worker {
    const w = this.start();
    w.on('message', (m: Reply<R>) => {
      const p = this.waiting.get(m.id);
      if (p === undefined) return;
      this.waiting.delete(m.id);
      if (this.waiting.size === 0) w.unref();
      if (m.ok) p.resolve(m.value);
      else p.reject(new Error(m.message));
    });
    const lost = (why: string): void => {
      if (this.worker === w) this.worker = null;
      const err = new Error(`${this.name} worker ${why}`);
      for (const p of this.waiting.values()) p.reject(err);
      this.waiting.clear();
    };
    w.on('error', (e) => lost(`failed: ${e.message}`));
    w.on('exit', (code) => lost(`exited (code ${code})`));
    this.worker = w;
    return w;
  }
}

/**
 * The worker side: answers each request with `handle`, one at a time in arrival order, and on the
 * `close` message runs `close` and lets the thread end.
 */
export function serveRequests<Q, R>(port: MessagePort, handle: (q: Q) => Promise<R> | R, close: () => Promise<void>): void {
  let chain = Promise.resolve();
  port.on('message', (m: { id: number; request: Q } | { close: true }) => {
    chain = chain.then(async () => {
      if ('close' in m) {
        await close().catch(() => {});
        port.close();
        return;
      }
      try {
        port.postMessage({ id: m.id, ok: true, value: await handle(m.request) } satisfies Reply<R>);
      } catch (e) {
        port.postMessage({ id: m.id, ok: false, message: e instanceof Error ? e.message : String(e) } satisfies Reply<R>);
      }
    });
  });
}

// A small worker pool for parsing and analysis. Workers inherit the parent's execArgv (so the
// TypeScript loader used in development applies to them too) and get a larger young generation:
// a piece's AST is allocated in one go and survives its whole analysis, and with the small default
// (capped by the old-generation limit) workers spent ~15% more time in scavenges.
import { Worker } from 'node:worker_threads';
import type { ChunkBase } from './analysis.ts';
import type { ChunkResult } from './analyze.ts';

export interface Piece { base: ChunkBase; text: string }
export interface Job { id: number; pieces: Piece[] }
export interface JobResult { id: number; results: ChunkResult[] }

const fromSource = import.meta.url.endsWith('.ts');
const workerUrl = new URL(fromSource ? './worker.ts' : './worker.js', import.meta.url);

/**
 * Running from TypeScript sources (tests, `npm run airlock`), a worker does not inherit the tsx
 * loader on Node 20, so it registers it before importing the worker module. Built code needs none.
 */
function spawn(): Worker {
  // A cap on each worker's heap makes it collect garbage between pieces instead of growing: peak
  // memory matters more than the last few percent of speed when two 13 MB versions are diffed.
  const opts = { resourceLimits: { maxOldGenerationSizeMb: 1024, maxYoungGenerationSizeMb: 64 } };
  if (!fromSource) return new Worker(workerUrl, opts);
  const api = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(workerUrl.href)}); });`;
  return new Worker(boot, { ...opts, eval: true });
}

export class Pool {
  private readonly workers: Worker[] = [];
  constructor(readonly size: number) {
    for (let i = 0; i < size; i++) {
      const w = spawn();
      w.unref();
      this.workers.push(w);
    }
  }

  /** Run jobs largest first; `done` is called as each job finishes. */
  run(jobs: Job[], done: (job: Job, r: JobResult) => void): Promise<void> {
    const queue = jobs.slice().sort((a, b) => weight(b) - weight(a));
    let pending = queue.length;
    if (pending === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const feed = (w: Worker): void => {
        const job = queue.shift();
        if (!job) return;
        const onMessage = (r: JobResult): void => {
          w.off('error', onError);
          done(job, r);
          if (--pending === 0) resolve();
          else feed(w);
        };
        const onError = (e: Error): void => { w.off('message', onMessage); reject(e); };
        w.once('message', onMessage);
        w.once('error', onError);
        w.postMessage(job);
      };
      for (const w of this.workers) feed(w);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

export const weight = (j: Job): number => j.pieces.reduce((n, p) => n + p.text.length, 0);

// A small worker pool for parsing and analysis. Workers get a larger young generation: a piece's AST
// is allocated in one go and survives its whole analysis, and with the small default (capped by the
// old-generation limit) workers spent ~15% more time in scavenges.
import { Worker } from 'node:worker_threads';
import type { ChunkBase } from './analysis.ts';
import type { ChunkResult } from './analyze.ts';
import type { Extern } from './definition.ts';

/**
 * `link`: a piece of a split file, which reports what it shares with its other pieces; `externs`:
 * what those pieces define that this one refers to (its second analysis, see link.ts).
 */
export interface Piece { base: ChunkBase; text: string; link?: boolean; externs?: Map<string, Extern> }
export interface Job { id: number; pieces: Piece[] }
export interface JobResult { id: number; results: ChunkResult[] }

const fromSource = import.meta.url.endsWith('.ts');
const workerUrl = new URL(fromSource ? './worker.ts' : './worker.js', import.meta.url);

/**
 * Running from TypeScript sources (tests, `npm run airlock`), a worker does not inherit the tsx
 * loader on Node 20, so it registers it before importing the worker module (~0.25 s per worker).
 * Built code (the `airlock` binary, the benchmark) needs none.
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

interface Task { job: Job; resolve: (r: JobResult) => void; reject: (e: Error) => void }

/**
 * A work queue: a job goes to the first idle worker, or waits for one. Jobs are submitted one by
 * one so that a piece starts while the rest of its file is still being split.
 */
export class Pool {
  private readonly idle: Worker[] = [];
  private readonly queue: Task[] = [];
  private readonly workers: Worker[] = [];
  constructor(readonly size: number) {
    for (let i = 0; i < size; i++) {
      const w = spawn();
      w.unref();
      this.workers.push(w);
      this.idle.push(w);
    }
  }

  submit(job: Job): Promise<JobResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      const w = this.idle.pop();
      if (w) this.feed(w);
    });
  }

  private feed(w: Worker): void {
    const task = this.queue.shift();
    if (!task) { this.idle.push(w); return; }
    const onMessage = (r: JobResult): void => {
      w.off('error', onError);
      task.resolve(r);
      this.feed(w);
    };
    // A worker that fails is not fed again; the scan that submitted the job fails with its error.
    const onError = (e: Error): void => { w.off('message', onMessage); task.reject(e); };
    w.once('message', onMessage);
    w.once('error', onError);
    w.postMessage(task.job);
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

export const weight = (j: Job): number => j.pieces.reduce((n, p) => n + p.text.length, 0);

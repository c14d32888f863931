// Worker entry: analyses pieces of source sent by the pool and returns findings only (the AST
// never crosses threads: cloning it would cost more than parsing).
import { parentPort } from 'node:worker_threads';
import { analyzeText } from './analyze.ts';
import { prepareRawTransfer } from './raw-parse.ts';
import type { Job, JobResult } from './pool.ts';

// Set up before the first piece arrives: the main thread is still splitting the file.
prepareRawTransfer();

parentPort?.on('message', (job: Job) => {
  const out: JobResult = { id: job.id, results: [] };
  for (const piece of job.pieces) {
    try {
      out.results.push(analyzeText(piece.base, piece.text, { collect: piece.link, externs: piece.externs }));
    } catch (e) {
      out.results.push({ findings: [], parseErrors: 1, firstError: e instanceof Error ? e.message : String(e), nodes: 0 });
    }
  }
  parentPort?.postMessage(out);
});

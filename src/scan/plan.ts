// Planning the work: large files are split into pieces, small files batched, so that jobs are of
// similar size. Job ids follow the files' order, which is the order the results are merged in.
import type { ChunkBase } from './analysis.ts';
import { weight, type Job, type Piece } from './pool.ts';
import { splitPoints } from './split.ts';
import type { SourceFile } from './types.ts';

/**
 * The jobs, in id order. `dispatch` gets every job once: a piece of a split file as soon as its
 * end is found (the first piece of a 13 MB bundle is analysed while the splitter tokenizes the
 * rest, ~0.1-0.3 s), the batches of small files at the end, largest first, so that no large job
 * starts last and keeps one worker busy after the others have finished.
 */
export function plan(files: SourceFile[], pieceBytes: number, dispatch: (job: Job) => void): Job[] {
  const jobs: Job[] = [];
  const batches: Job[] = [];
  let batch: Piece[] = [];
  let batchBytes = 0;
  const flush = (): void => {
    if (batch.length) { const job = { id: jobs.length, pieces: batch }; jobs.push(job); batches.push(job); }
    batch = [];
    batchBytes = 0;
  };
  for (const f of files) {
    if (f.text.length > pieceBytes * 1.5) {
      splitFile(f, pieceBytes, (piece) => {
        const job = { id: jobs.length, pieces: [piece] };
        jobs.push(job);
        dispatch(job);
      });
      continue;
    }
    batch.push({ base: { file: f.path, offset: 0, line: 1, column: 1 }, text: f.text });
    batchBytes += f.text.length;
    if (batchBytes >= pieceBytes) flush();
  }
  flush();
  // Stable: batches of equal size keep their order.
  for (const job of batches.sort((a, b) => weight(b) - weight(a))) dispatch(job);
  return jobs;
}

/** Cut a file at top-level statements; each piece carries the line and column it starts at. */
function splitFile(f: SourceFile, pieceBytes: number, emit: (piece: Piece) => void): void {
  let start = 0;
  let line = 1;
  let lastNl = -1;
  let scanned = 0;
  splitPoints(f.text, Math.round(f.text.length / pieceBytes), (end) => {
    for (let j = f.text.indexOf('\n', scanned); j !== -1 && j < start; j = f.text.indexOf('\n', j + 1)) { line++; lastNl = j; }
    scanned = start;
    const base: ChunkBase = { file: f.path, offset: start, line, column: start - lastNl };
    emit({ base, text: f.text.slice(start, end), link: true });
    start = end;
  });
}

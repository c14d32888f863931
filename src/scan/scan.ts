// The scan pipeline: resolve input -> plan pieces -> parse and analyse (workers for large input)
// -> package rules -> merge pieces -> rank, with what was not read (coverage.ts). Drawn in docs/scan.md.
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { analyzeText, type ChunkResult } from './analyze.ts';
import { isAnalysable, resolveInput } from './inputs.ts';
import { Pool, weight, type Job, type Piece } from './pool.ts';
import { plan } from './plan.ts';
import { applyRelink, relinks, type Relink } from './link.ts';
import { RULES } from './rules/index.ts';
import { rank } from './rank.ts';
import { findingText, hash } from './analysis.ts';
import { maskText } from './excerpt.ts';
import { enoughEvents, eventsReport, type FileScope } from './rules/telemetry-events.ts';
import { MAX_PER_FILE as MAX_UNUSUAL } from './rules/obf-unusual-unicode.ts';
import { coverageFindings } from './coverage.ts';
import type { ScanFinding, ScanInput, ScanResult, SourceFile } from './types.ts';

export interface Progress { phase: 'fetch' | 'analyse' | 'done'; done: number; total: number }

export interface ScanOptions {
  env?: NodeJS.ProcessEnv;
  /** Where fetched tarballs are cached. */
  cacheDir?: string;
  /** Worker threads; 0 analyses in this thread. Default: defaultWorkers() when the input is over 1 MB. */
  workers?: number;
  /** Target size of the pieces a large file is split into (default PIECE_BYTES, whatever the workers). */
  pieceBytes?: number;
  onProgress?: (p: Progress) => void;
  /** Reuse a pool across scans (the --diff of two versions). */
  pool?: Pool;
}

const PARALLEL_THRESHOLD = 1024 * 1024;

/**
 * One worker per core but one, at most 4: this thread splits the input, feeds the pool and draws
 * the progress bar while the workers parse. Parsing and analysis allocate heavily, and two threads
 * that allocate at once slow each other down; on a 2-core machine one worker beside this thread
 * scanned the 12.5 MB benchmark bundle ~7% faster than two, with a quarter less CPU time.
 */
export const defaultWorkers = (): number => Math.max(1, Math.min(4, availableParallelism() - 1));
/**
 * Target size of the pieces a large file is cut into. Data flow does not cross a piece's edges, so
 * the cuts depend on the input alone, never on the machine: the same package gives the same
 * findings on 2 cores, on 8, and in one thread (they used to follow the worker count). Small pieces
 * reuse the memory the previous one freed: 512 KiB pieces scanned a 13 MB bundle in 4.1-4.8 s where
 * 3 MiB pieces, each touching ~110 MB of fresh pages, took 5-7 s (docs/scan.md).
 */
export const PIECE_BYTES = 512 * 1024;

export async function scan(target: string, opts: ScanOptions = {}): Promise<ScanResult> {
  opts.onProgress?.({ phase: 'fetch', done: 0, total: 1 });
  const input = await resolveInput(target, { env: opts.env ?? process.env, cacheDir: opts.cacheDir ?? resolve('.tmp/scan-cache') });
  return scanInput(input, opts);
}

export async function scanInput(input: ScanInput, opts: ScanOptions = {}): Promise<ScanResult> {
  const t0 = performance.now();
  const files = input.files.filter(isAnalysable);
  const bytes = files.reduce((n, f) => n + f.text.length, 0);
  const gaps = coverageFindings(input, bytes);
  // An empty report would read as a clean package. Binaries, unread code and platform packages
  // are reported instead (high: the verdict cannot be clean), so only a true nothing is an error.
  if (files.length === 0 && gaps.length === 0 && (input.pkg.executables ?? []).length === 0) {
    const seen = input.files.length + input.skipped;
    throw new Error(`nothing to analyse: ${input.label}: ${seen === 0 ? 'no files' : `no JavaScript or TypeScript, nor a script with a node, bun or deno #! line, in ${seen} file(s)`}`);
  }
  const workers = opts.pool ? opts.pool.size : opts.workers ?? (bytes > PARALLEL_THRESHOLD ? defaultWorkers() : 0);
  const pieceBytes = opts.pieceBytes ?? PIECE_BYTES;
  // Workers start before the input is split: they load their modules while this thread splits.
  const pool = workers > 0 && files.length > 0 ? opts.pool ?? new Pool(workers) : null;
  let jobs: Job[];
  let byFile: Map<string, Array<{ piece: Piece; result: ChunkResult }>>;
  try {
    ({ jobs, byFile } = await analyseFiles(files, bytes, pool, pieceBytes, opts));
  } finally {
    // The result does not wait for the workers to exit (tearing down their heaps takes ~0.1 s);
    // they are unref'd, so they do not keep the process alive either.
    if (pool && !opts.pool) pool.close().catch(() => { /* already exiting */ });
  }

  let findings: ScanFinding[] = [];
  let parseErrors = 0;
  for (const parts of byFile.values()) {
    for (const p of parts) {
      findings.push(...p.result.findings);
      if (p.result.parseErrors > 0) parseErrors++;
    }
  }
  findings = mergePieces(findings);
  findings.push(...packageFindings(input), ...gaps);
  opts.onProgress?.({ phase: 'done', done: bytes, total: bytes });
  return {
    target: input.label,
    pkg: { name: input.pkg.name, version: input.pkg.version },
    findings: rank(findings),
    stats: { files: files.length, bytes, chunks: jobs.reduce((n, j) => n + j.pieces.length, 0), parseErrors, ms: Math.round(performance.now() - t0), workers },
  };
}

/** Analyse the files (in the pool when there is one); the results by file, in piece order. */
async function analyseFiles(files: SourceFile[], bytes: number, pool: Pool | null, pieceBytes: number, opts: ScanOptions): Promise<{
  jobs: Job[];
  byFile: Map<string, Array<{ piece: Piece; result: ChunkResult }>>;
}> {
  const results = new Map<number, ChunkResult[]>();
  let done = 0;
  const progress = (n: number): void => { done += n; opts.onProgress?.({ phase: 'analyse', done, total: bytes }); };
  progress(0);

  // In the pool a job starts as soon as it is planned; in this thread, after planning.
  const running: Array<Promise<void>> = [];
  const later: Job[] = [];
  const dispatch = (job: Job): void => {
    if (!pool) { later.push(job); return; }
    running.push(pool.submit(job).then((r) => { results.set(job.id, r.results); progress(weight(job)); }));
  };
  const runAll = async (): Promise<void> => {
    for (const job of later.splice(0)) {
      results.set(job.id, job.pieces.map((p) => analyzeText(p.base, p.text, { collect: p.link, externs: p.externs })));
      progress(weight(job));
    }
    await Promise.all(running.splice(0));
  };
  const jobs = plan(files, pieceBytes, dispatch);
  await runAll();

  // A split file whose pieces do not all parse is analysed again whole (the splitter guessed wrong).
  const byFile = new Map<string, Array<{ piece: Piece; result: ChunkResult }>>();
  for (const job of jobs) {
    const rs = results.get(job.id) ?? [];
    job.pieces.forEach((piece, i) => {
      const list = byFile.get(piece.base.file) ?? [];
      list.push({ piece, result: rs[i] as ChunkResult });
      byFile.set(piece.base.file, list);
    });
  }
  const retry: Job[] = [];
  for (const [file, parts] of byFile) {
    if (parts.length > 1 && parts.some((p) => p.result.parseErrors > 0)) {
      const f = files.find((x) => x.path === file) as SourceFile;
      retry.push({ id: jobs.length + retry.length, pieces: [{ base: { file, offset: 0, line: 1, column: 1 }, text: f.text }] });
      byFile.delete(file);
    }
  }
  if (retry.length > 0) {
    done -= retry.reduce((n, j) => n + weight(j), 0);
    for (const job of retry.slice().sort((x, y) => weight(y) - weight(x))) dispatch(job);
    await runAll();
    for (const job of retry) byFile.set(job.pieces[0]!.base.file, [{ piece: job.pieces[0]!, result: (results.get(job.id) ?? [])[0] as ChunkResult }]);
  }

  // Pieces that compare a fingerprint with a list another piece defines: analysed again with it.
  const again: Relink[] = [];
  for (const [file, parts] of byFile) {
    const text = parts.length > 1 ? files.find((x) => x.path === file)?.text : undefined;
    if (text !== undefined) again.push(...relinks(parts, text, jobs.length + retry.length + again.length));
  }
  if (again.length > 0) {
    done -= again.reduce((n, r) => n + weight(r.job), 0);
    for (const r of again) dispatch(r.job);
    await runAll();
    for (const r of again) applyRelink(r, (results.get(r.job.id) ?? [])[0]);
  }
  return { jobs, byFile };
}

/**
 * Findings that several pieces of one file report in part, made whole: per-file once-only findings
 * (endpoints, switches) keep one with the counts added, unusual characters keep the first of the
 * file up to the rule's limit, and a program-level telemetry logger's event names, gathered piece
 * by piece, become one group as in an analysis of the whole file.
 */
function mergePieces(findings: ScanFinding[]): ScanFinding[] {
  const seen = new Map<string, ScanFinding>();
  const loggers = new Map<string, { first: ScanFinding; names: Set<string>; parts: number; scope: FileScope }>();
  const unusual = new Map<string, number>();
  const out: ScanFinding[] = [];
  for (const f of findings) {
    if (f.rule === 'obf-unusual-unicode') {
      const n = (unusual.get(f.file) ?? 0) + 1;
      unusual.set(f.file, n);
      if (n <= MAX_UNUSUAL) out.push(f);
      continue;
    }
    const scope = f.rule === 'telemetry-events' ? f.data?.scope as FileScope | undefined : undefined;
    if (scope !== undefined) {
      const k = `${f.file}\u0000${scope}\u0000${String(f.data?.callee)}`;
      const g = loggers.get(k);
      const names = Array.isArray(f.data?.events) ? (f.data?.events as string[]) : [];
      if (!g) { loggers.set(k, { first: f, names: new Set(names), parts: 1, scope }); out.push(f); continue; }
      for (const n of names) g.names.add(n);
      g.parts++;
      continue;
    }
    if (f.rule !== 'net-endpoint' && f.rule !== 'telemetry-endpoint' && f.rule !== 'telemetry-switch' && f.rule !== 'obf-mangled-identifiers') { out.push(f); continue; }
    const k = `${f.file}\u0000${f.fingerprint}`;
    const prev = seen.get(k);
    if (!prev) { seen.set(k, f); out.push(f); continue; }
    const pc = prev.data?.count;
    const fc = f.data?.count;
    if (typeof pc === 'number' && typeof fc === 'number' && prev.data) prev.data.count = pc + fc;
  }
  const drop = new Set<ScanFinding>();
  for (const g of loggers.values()) {
    const callee = String(g.first.data?.callee);
    if (!enoughEvents(g.names.size, callee)) { drop.add(g.first); continue; }
    if (g.parts === 1 && g.first.data?.pending !== true) continue; // whole already: left as reported
    const e = eventsReport(g.names, callee, g.scope);
    Object.assign(g.first, findingText('telemetry-events', e.key, e.message, e.decoded), { data: e.data });
  }
  return drop.size > 0 ? out.filter((f) => !drop.has(f)) : out;
}

function packageFindings(input: ScanInput): ScanFinding[] {
  const out: ScanFinding[] = [];
  for (const r of RULES) {
    r.pkg?.(input.pkg, input.files, (p) => {
      const meta = r.meta;
      // What a package rule cites comes from the package (a compiled program's runtime arguments, an
      // install command): masked as the code rules' findings are (analysis.ts), nested data included.
      out.push({
        rule: p.rule, severity: p.severity, category: meta.category, message: maskText(p.message), file: p.file, line: 1, column: 1, offset: 0,
        excerpt: maskText(p.excerpt), ...(p.data ? { data: maskNested(p.data) } : {}),
        fingerprint: hash(`${p.rule}\u0000${p.excerpt}`), shape: hash(`${p.rule}\u0000${String(p.data?.hook ?? '')}`),
      });
    });
  }
  return out;
}

/** Masked as maskData masks a code rule's data (analysis.ts), nested records too (pkg-native-executable's `files: [{ path, … }]`). */
function maskNested(data: Record<string, unknown>): Record<string, unknown> {
  const deep = (v: unknown): unknown => typeof v === 'string' ? maskText(v)
    : Array.isArray(v) ? v.map(deep)
      : v !== null && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, deep(x)]))
        : v;
  return deep(data) as Record<string, unknown>;
}

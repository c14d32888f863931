// The scan pipeline: resolve input -> plan pieces -> parse and analyse (workers for large input)
// -> package rules -> merge pieces -> rank. Drawn in docs/scan.md.
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
import { MAX_FILE } from './tarball.ts';
import { mb } from './progress.ts';
import type { ScanFinding, ScanInput, ScanResult, Severity, SourceFile } from './types.ts';

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

/** Less code than this beside platform packages of the same tool: a launcher, the tool is in them. */
const LAUNCHER_BYTES = 512 * 1024;
const OS = new Set(['linux', 'linuxmusl', 'musl', 'darwin', 'macos', 'osx', 'mac', 'win32', 'windows', 'win', 'freebsd', 'openbsd', 'netbsd', 'sunos', 'android', 'aix']);
const ARCH = new Set(['x64', 'x86', 'amd64', 'arm64', 'aarch64', 'ia32', 'arm', 'armv7', 'armv6', 'ppc64', 'ppc64le', 's390x', 'riscv64', 'loong64', 'universal']);

/**
 * What the scan did not read although it is the tool's code, as findings of their own (category
 * coverage) so that every report shows them and `--fail-on high` fails on them: code over the size
 * limit, and platform packages (`@openai/codex-linux-x64`, `@esbuild/darwin-arm64`) that hold what a
 * launcher starts. High when the package's own code is a launcher: nothing of the tool was read.
 */
function coverageFindings(input: ScanInput, codeBytes: number): ScanFinding[] {
  const out: ScanFinding[] = [];
  const finding = (rule: string, severity: Severity, file: string, message: string, excerpt: string, fingerprint: string, data: Record<string, unknown>): void => {
    out.push({ rule, severity, category: 'coverage', message, file, line: 1, column: 1, offset: 0, excerpt, data, fingerprint: hash(fingerprint), shape: hash(`${rule}\u0000${file}`) });
  };
  for (const u of input.unread ?? []) {
    // Keyed by the target too, so that --diff never matches it away: unread in A was unreviewed as well.
    finding('coverage-unread-code', 'high', u.path,
      `Not analysed: ${mb(u.bytes)} of code, over the ${mb(MAX_FILE)} a file this scan reads. Code nobody has read cannot be called clean: review it another way.`,
      `${u.path} (${u.bytes} bytes)`, `coverage-unread-code\u0000${input.label}\u0000${u.path}\u0000${u.bytes}`, { bytes: u.bytes, limit: MAX_FILE });
  }
  const platforms = platformPackages(input.pkg.name, input.pkg.manifest);
  if (platforms.length > 0) {
    const launcher = codeBytes <= LAUNCHER_BYTES;
    const names = platforms.map((p) => p.name);
    const host = platforms.find((p) => p.tokens.includes(process.platform) && p.tokens.includes(process.arch)) ?? platforms[0]!;
    const message = launcher
      ? `The tool's code is not in this package: its ${Math.ceil(codeBytes / 1024)} KB of code launch platform packages this scan did not read (${names.join(', ')}). Scan the one of each platform you allow, e.g. airlock scan ${host.spec}`
      : `Part of the tool ships in platform packages this scan did not read (${names.join(', ')}). Scan them too, e.g. airlock scan ${host.spec}`;
    finding('coverage-platform-packages', launcher ? 'high' : 'medium', input.pkg.manifestPath ?? 'package.json', message,
      platforms.map((p) => `"${p.name}": "${p.range}"`).join(', '), `coverage-platform-packages\u0000${platforms.map((p) => p.spec).join('\u0001')}`,
      { packages: platforms.map((p) => ({ name: p.name, spec: p.spec })), launcherBytes: codeBytes, scan: host.spec });
  }
  return out;
}

const NPM_NAME = /^(?:@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*$/i;
const VERSION = /^\d+\.\d+\.\d+[\w.+-]*$/;
const ALIAS = /^(?:@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*@\d+\.\d+\.\d+[\w.+-]*$/i;

interface Platform { name: string; range: string; spec: string; tokens: string[] }

/** Dependencies named as builds of this package for one OS and CPU: `<name>-<os>-<arch>`, `@<name>/<os>-<arch>`, `@scope/<name>-<os>-<arch>`. */
export function platformPackages(own: string | undefined, manifest: Record<string, unknown> | undefined): Platform[] {
  if (own === undefined || manifest === undefined) return [];
  const split = (n: string): { scope: string | null; bare: string } => {
    const m = /^@([^/]+)\/(.+)$/.exec(n);
    return m ? { scope: m[1]!, bare: m[2]! } : { scope: null, bare: n };
  };
  const me = split(own);
  const out: Platform[] = [];
  const seen = new Set<string>();
  for (const field of ['optionalDependencies', 'dependencies']) {
    const deps = manifest[field];
    if (deps === null || typeof deps !== 'object') continue;
    for (const [name, range] of Object.entries(deps as Record<string, unknown>)) {
      // Only names npm could install: they end up in the report and the command it suggests.
      if (typeof range !== 'string' || seen.has(name) || !NPM_NAME.test(name)) continue;
      const dep = split(name);
      const tokens = dep.bare.toLowerCase().split(/[-_.]/);
      const at = tokens.findIndex((t) => OS.has(t) || ARCH.has(t));
      if (at < 0 || !tokens.some((t) => OS.has(t)) || !tokens.some((t) => ARCH.has(t))) continue;
      const stem = tokens.slice(0, at).join('-');
      const same = (me.scope !== null && dep.scope === me.scope) || dep.scope === me.bare
        || (stem !== '' && (me.bare === stem || me.bare.startsWith(`${stem}-`)));
      if (!same) continue;
      seen.add(name);
      // `npm:<name>@<version>` aliases (Codex's) name the package to fetch; a range is not shell-safe.
      const alias = range.startsWith('npm:') ? range.slice(4) : '';
      const spec = ALIAS.test(alias) ? alias : VERSION.test(range) ? `${name}@${range}` : name;
      out.push({ name, range, spec, tokens });
    }
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

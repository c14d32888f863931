// `airlock audit verify | tail | export`: a thin shell over the store. Also home of the small
// helpers keys.ts shares (opening the store from --store, tables safe for a terminal).

import { createWriteStream, existsSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { AuditRecord } from '../core/types.ts';
import { defaultStoreUrl, iterateAudit, openStore, parseStoreUrl } from '../store/index.ts';
import type { Store } from '../store/types.ts';
import type { CliIO } from './io.ts';

/** The CLI's io (each out/err call is one or more lines; the newline is added by main). */
export type CliIo = CliIO & {
  /** Ends `tail --follow`; without it, SIGINT/SIGTERM do. */
  signal?: AbortSignal;
};

const USAGE = `Usage: airlock audit <command> [--store URL]

Commands:
  verify                        Walk the hash chain; exit 1 and name the first broken record
  tail [-n 20] [--follow]       Recent records (--interval MS, --user NAME, --team NAME)
  export [--format jsonl] [--out FILE]
                                Every record, one JSON object per line (--user, --team, --after-seq N)

--store defaults to $AIRLOCK_STORE or sqlite:./data/airlock.db
`;

class UsageError extends Error {}

export async function run(args: string[], io: CliIo): Promise<number> {
  const [cmd, ...rest] = args;
  if (cmd === undefined || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    io.out(USAGE.trimEnd());
    return cmd === undefined ? 2 : 0;
  }
  try {
    switch (cmd) {
      case 'verify': return await withStore(rest, {}, io, (store) => verify(store, io));
      case 'tail': return await withStore(rest, TAIL_OPTIONS, io, (store, v) => tail(store, v, io));
      case 'export': return await withStore(rest, EXPORT_OPTIONS, io, (store, v) => exportJsonl(store, v, io));
      default: throw new UsageError(`Unknown audit command: ${cmd}`);
    }
  } catch (e) {
    return fail(e, io, USAGE);
  }
}

// ---- shared with keys.ts ----

type Options = NonNullable<ParseArgsConfig['options']>;
export type Values = Record<string, string | boolean | undefined>;

/** Print a usage error (exit 2) or an operational error (exit 1), never a stack or a secret. */
export function fail(e: unknown, io: CliIo, usage: string): number {
  if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    io.err(`${(e as Error).message}\n\n${usage.trimEnd()}`);
    return 2;
  }
  io.err(`error: ${e instanceof Error ? e.message : String(e)}`);
  return 1;
}

export const usageError = (message: string): Error => new UsageError(message);

/**
 * Parse flags (plus the common --store), open the store, run fn, always close. Read-only commands
 * refuse a missing SQLite file instead of creating an empty store and reporting on nothing.
 */
export async function withStore(
  args: string[],
  options: Options,
  io: CliIo,
  fn: (store: Store, values: Values, positionals: string[]) => Promise<number>,
  opts: { create?: boolean } = {},
): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { ...options, store: { type: 'string' } }, allowPositionals: true, strict: true });
  const url = (values.store as string | undefined) ?? defaultStoreUrl(io.env);
  const loc = parseStoreUrl(url);
  if (!opts.create && loc.kind === 'sqlite' && loc.path !== ':memory:' && !existsSync(loc.path)) {
    throw new Error(`no Airlock store at ${loc.path} (use --store or AIRLOCK_STORE)`);
  }
  const store = await openStore(url);
  try {
    return await fn(store, values as Values, positionals);
  } finally {
    await store.close();
  }
}

// Cells come from clients (User-Agent, model names): show control, bidi and invisible characters
// as escapes so a record cannot rewrite the terminal or hide what it says.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]/g;
export const safeCell = (s: string, max = 48): string => {
  const clean = s.replace(UNSAFE, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`);
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
};

/** Left-aligned columns, lines joined by '\n' (no final newline); `widths` carries over between calls (tail --follow keeps alignment). */
export function renderTable(headers: string[] | null, rows: string[][], widths: number[] = []): { text: string; widths: number[] } {
  const all = headers ? [headers, ...rows] : rows;
  const w = [...widths];
  for (const r of all) r.forEach((c, i) => (w[i] = Math.max(w[i] ?? 0, c.length)));
  const line = (r: string[]): string => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(w[i]!))).join('  ').trimEnd();
  return { text: all.map(line).join('\n'), widths: w };
}

/** ISO-8601 → 'YYYY-MM-DD HH:MM:SS' (UTC), or the input when it is not a date. */
export const shortTime = (iso: string): string => (/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/.test(iso) ? `${iso.slice(0, 10)} ${iso.slice(11, 19)}` : safeCell(iso, 20));

// ---- verify ----

async function verify(store: Store, io: CliIo): Promise<number> {
  const r = await store.verifyAudit();
  if (r.ok) {
    io.out(`OK: ${r.checked} audit record${r.checked === 1 ? '' : 's'} verified, chain intact.`);
    if (r.head) io.out(`Head: seq ${r.head.seq} hash ${r.head.hash}`);
    return 0;
  }
  const b = r.firstBroken!;
  io.out(`BROKEN at seq ${b.seq}${b.id ? ` (id ${safeCell(b.id, 64)})` : ''}: ${b.kind}: ${b.reason}`);
  io.out(`${r.checked} record${r.checked === 1 ? '' : 's'} verified before the break.`);
  return 1;
}

// ---- tail ----

const TAIL_OPTIONS: Options = {
  n: { type: 'string', short: 'n', default: '20' },
  follow: { type: 'boolean', short: 'f', default: false },
  interval: { type: 'string', default: '1000' },
  user: { type: 'string' },
  team: { type: 'string' },
};

const TAIL_HEADERS = ['SEQ', 'TIME', 'USER', 'TOOL', 'ROUTE', 'MODEL', 'STATUS', 'OUTCOME', 'LATENCY', 'TOKENS', 'FINDINGS'];

const tailRow = (r: AuditRecord): string[] => [
  String(r.seq),
  shortTime(r.time),
  safeCell(r.user ?? '-', 24),
  safeCell(r.tool ? `${r.tool}@${r.toolVersion ?? '?'}` : '-', 32),
  safeCell(r.route, 32),
  safeCell(r.model ?? '-', 32),
  String(r.status),
  safeCell(r.decision && r.decision.action !== 'allow' ? `${r.outcome}/${r.decision.action}` : r.outcome, 24),
  `${Math.round(r.latencyMs)}ms`,
  r.inputTokens === null && r.outputTokens === null ? '-' : `${r.inputTokens ?? '?'}/${r.outputTokens ?? '?'}`,
  String(r.findings.length),
];

function positiveInt(v: unknown, flag: string, max: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new UsageError(`${flag} must be an integer from 1 to ${max}`);
  return n;
}

async function tail(store: Store, v: Values, io: CliIo): Promise<number> {
  const n = positiveInt(v.n, '-n', 10_000);
  const filter = { ...(v.user ? { user: v.user as string } : {}), ...(v.team ? { team: v.team as string } : {}) };
  const recent = (await store.readAudit({ ...filter, order: 'desc', limit: n })).reverse();
  if (recent.length === 0 && !v.follow) {
    io.out('No audit records yet.');
    return 0;
  }
  let { text, widths } = renderTable(TAIL_HEADERS, recent.map(tailRow));
  io.out(text);
  if (!v.follow) return 0;

  const interval = positiveInt(v.interval, '--interval', 3_600_000);
  const { signal, dispose } = stopSignal(io);
  let after = recent.at(-1)?.seq ?? (await store.auditHead()).seq;
  try {
    while (!signal.aborted) {
      await sleep(interval, signal);
      if (signal.aborted) break;
      for (;;) {
        const batch = await store.readAudit({ ...filter, afterSeq: after, limit: 1000 });
        if (batch.length === 0) break;
        ({ text, widths } = renderTable(null, batch.map(tailRow), widths));
        io.out(text);
        after = batch.at(-1)!.seq;
      }
    }
  } finally {
    dispose();
  }
  return 0;
}

function stopSignal(io: CliIo): { signal: AbortSignal; dispose: () => void } {
  if (io.signal) return { signal: io.signal, dispose: () => {} };
  const ac = new AbortController();
  const stop = (): void => ac.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return { signal: ac.signal, dispose: () => (process.off('SIGINT', stop), process.off('SIGTERM', stop)) };
}

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

// ---- export ----

const EXPORT_OPTIONS: Options = {
  format: { type: 'string', default: 'jsonl' },
  out: { type: 'string', short: 'o' },
  user: { type: 'string' },
  team: { type: 'string' },
  'after-seq': { type: 'string' },
};

async function exportJsonl(store: Store, v: Values, io: CliIo): Promise<number> {
  if (v.format !== 'jsonl') throw new UsageError(`Unsupported export format: ${String(v.format)} (supported: jsonl)`);
  const afterSeq = v['after-seq'] === undefined ? 0 : Number(v['after-seq']);
  if (!Number.isInteger(afterSeq) || afterSeq < 0) throw new UsageError('--after-seq must be a non-negative integer');
  const q = { afterSeq, ...(v.user ? { user: v.user as string } : {}), ...(v.team ? { team: v.team as string } : {}) };
  const file = v.out as string | undefined;
  let count = 0;
  // Records in chunks of lines: few writes, and memory stays flat whatever the trail's length.
  async function* lines(): AsyncGenerator<string> {
    let chunk = '';
    for await (const rec of iterateAudit(store, q)) {
      chunk += `${JSON.stringify(rec)}\n`;
      if (++count % 500 === 0) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk) yield chunk;
  }
  if (file) {
    // pipeline() applies back-pressure from the file; 'wx' never overwrites an earlier export.
    await pipeline(Readable.from(lines()), createWriteStream(file, { flags: 'wx' }));
  } else {
    for await (const chunk of lines()) io.out(chunk.slice(0, -1)); // io adds the last newline
  }
  io.err(`Exported ${count} record${count === 1 ? '' : 's'}${file ? ` to ${file}` : ''}.`);
  return 0;
}

// `airlock audit verify | tail | export`: a thin shell over the store.

import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { AuditRecord } from '../core/types.ts';
import { iterateAudit } from '../store/index.ts';
import type { Store } from '../store/types.ts';
import { parseTime, renderTable, safeCell, shortTime } from './io.ts';
import { subcommands, usageError, withStore, type CliIo, type Options, type Values } from './store-command.ts';

const USAGE = `Usage: airlock audit <command> [--store URL]

Commands:
  verify                        Walk the hash chain; exit 1 and name the first broken record
  tail [-n 20] [--follow]       Recent records (--interval MS, --user NAME, --team NAME)
  export [--format jsonl] [--out FILE]
                                Every record, one JSON object per line (--user, --team, --after-seq N,
                                --since T, --until T: a date (UTC), a date-time with an offset, or
                                7d / 24h / 30m before now)

--store defaults to $AIRLOCK_STORE or sqlite:./data/airlock.db
`;

export const run = (args: string[], io: CliIo): Promise<number> =>
  subcommands(args, io, USAGE, {
    verify: (rest) => withStore(rest, {}, io, (store) => verify(store, io)),
    tail: (rest) => withStore(rest, TAIL_OPTIONS, io, (store, v) => tail(store, v, io)),
    export: (rest) => withStore(rest, EXPORT_OPTIONS, io, (store, v) => exportJsonl(store, v, io)),
  });

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
  // A trailing '+' where part of the exchange went uninspected (`gaps`: `policy explain` says what).
  `${r.findings.length}${r.gaps !== undefined ? '+' : ''}`,
];

function positiveInt(v: unknown, flag: string, max: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > max) throw usageError(`${flag} must be an integer from 1 to ${max}`);
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
  since: { type: 'string' },
  until: { type: 'string' },
};

async function exportJsonl(store: Store, v: Values, io: CliIo): Promise<number> {
  if (v.format !== 'jsonl') throw usageError(`Unsupported export format: ${String(v.format)} (supported: jsonl)`);
  const afterSeq = v['after-seq'] === undefined ? 0 : Number(v['after-seq']);
  if (!Number.isInteger(afterSeq) || afterSeq < 0) throw usageError('--after-seq must be a non-negative integer');
  const q = {
    afterSeq, ...(v.user ? { user: v.user as string } : {}), ...(v.team ? { team: v.team as string } : {}),
    ...(typeof v.since === 'string' ? { since: parseTime(v.since, '--since') } : {}), ...(typeof v.until === 'string' ? { until: parseTime(v.until, '--until') } : {}),
  };
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

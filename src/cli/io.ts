// The shape every command module gets: where to print, the environment, and the terminal.
import { parseArgs } from 'node:util';
import { readInstant } from '../core/policy/schema.ts';

export interface CliIO {
  out: (s: string) => void;
  err: (s: string) => void;
  env: NodeJS.ProcessEnv;
  isTTY?: boolean;
}

export type Command = (args: string[], io: CliIO) => Promise<number>;

/** A command line the command cannot run: main prints it with a pointer to --help, exit code 2. */
export class UsageError extends Error {}

export type Flags = Record<string, string | boolean | string[] | undefined>;
type FlagSpec = Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>;

/**
 * Flags and positionals, strictly: an unknown flag, a missing value or a value given to a boolean
 * is a UsageError naming it (node:util parseArgs does the parsing). Every command accepts --help/-h.
 */
export function parseCli(args: string[], options: FlagSpec): { flags: Flags; positional: string[] } {
  try {
    const { values, positionals } = parseArgs({ args, options: { help: { type: 'boolean', short: 'h' }, ...options }, allowPositionals: true, strict: true });
    return { flags: values as Flags, positional: positionals };
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message.split('. To specify a positional')[0]! : String(e));
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

/** Rows under a header and a dashed rule, columns aligned. */
export function table(head: string[], rows: string[][]): string {
  const { widths } = renderTable(head, rows);
  return renderTable(head, [widths.map((n) => '-'.repeat(n)), ...rows]).text;
}

/**
 * `7d`, `24h`, `30m` before now, a date (its start, UTC) or a date-time with an offset, as
 * ISO-8601. Never local time: a window must select the same records on every machine, so a
 * date-time without an offset and an impossible day are refused (readInstant), not guessed.
 */
export function parseTime(v: string, flag: string, now = Date.now()): string {
  const rel = /^(\d+)([dhm])$/.exec(v);
  if (rel !== null) return new Date(now - Number(rel[1]) * { d: 86_400_000, h: 3_600_000, m: 60_000 }[rel[2] as 'd' | 'h' | 'm']).toISOString();
  const t = readInstant(v);
  if ('problem' in t) {
    throw new UsageError(`${flag}: expected ${t.problem ?? 'a date (2026-12-01), a date-time with an offset (2026-12-01T10:00:00Z) or a duration before now (7d, 24h, 30m)'}, got '${v.slice(0, 40)}'`);
  }
  return new Date(t.at).toISOString();
}

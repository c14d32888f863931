// Commands that work on the store (`keys`, `audit`): subcommand dispatch, the common --store
// flag, and errors that print a usage (exit 2) or a message (exit 1), never a stack or a secret.
import { existsSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { defaultStoreUrl, openStore, parseStoreUrl } from '../store/index.ts';
import type { Store } from '../store/types.ts';
import { UsageError, type CliIO } from './io.ts';

/** The CLI's io (each out/err call is one or more lines; the newline is added by main). */
export type CliIo = CliIO & {
  /** Ends `tail --follow`; without it, SIGINT/SIGTERM do. */
  signal?: AbortSignal;
};

/** Runs `args[0]` from the table; help, unknown subcommands and errors handled alike. */
export async function subcommands(args: string[], io: CliIo, usage: string, table: Record<string, (rest: string[]) => Promise<number>>): Promise<number> {
  const [cmd, ...rest] = args;
  if (cmd === undefined || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    io.out(usage.trimEnd());
    return cmd === undefined ? 2 : 0;
  }
  try {
    const f = table[cmd];
    if (f === undefined) throw new UsageError(`Unknown command: ${cmd}`);
    return await f(rest);
  } catch (e) {
    return fail(e, io, usage);
  }
}

export type Options = NonNullable<ParseArgsConfig['options']>;
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


#!/usr/bin/env node
// `airlock <command>`: a thin shell over the library; each command lives in its own module.
import { UsageError, type Command, type CliIO } from './io.ts';
import { loadNative } from '../native/load.ts';

loadNative();

const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  serve: { summary: 'run the gateway (embedded SQLite store and default policy unless configured)', load: async () => (await import('./serve.ts')).run },
  keys: { summary: 'create, list and revoke Airlock keys (identities)', load: async () => (await import('./keys.ts')).run },
  audit: { summary: 'verify, tail and export the tamper-evident audit trail', load: async () => (await import('./audit.ts')).run },
  policy: { summary: 'check, explain and dry-run policies; hash a value for an exception', load: async () => (await import('./policy.ts')).run },
  inspect: { summary: 'find secrets, personal data and hidden characters in a request body, text or directory', load: async () => (await import('./inspect.ts')).run },
  scan: { summary: "audit an AI tool's package for fingerprinting, hidden lists and telemetry", load: async () => (await import('./scan.ts')).run },
  probe: { summary: 'run an AI tool under environment personas and diff what it sends (covert channels)', load: async () => (await import('./probe.ts')).run },
};

function help(io: CliIO): void {
  io.out('usage: airlock <command> [options]\n\ncommands:');
  for (const [name, c] of Object.entries(COMMANDS)) io.out(`  ${name.padEnd(8)} ${c.summary}`);
  io.out('\nRun `airlock <command> --help` for the options of a command.');
}

export async function main(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    help(io);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === 'version') {
    io.out('airlock 0.1.0');
    return 0;
  }
  const cmd = COMMANDS[name];
  if (cmd === undefined) {
    io.err(`airlock: unknown command '${name}'`);
    help(io);
    return 2;
  }
  try {
    return await (await cmd.load())(rest, io);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.err(`airlock ${name}: ${e.message} (see \`airlock ${name} --help\`)`);
    return 2;
  }
}

const isMain = process.argv[1] !== undefined && /[\\/]cli[\\/]main\.[jt]s$/.test(process.argv[1]);
if (isMain) {
  const io: CliIO = { out: (s) => process.stdout.write(`${s}\n`), err: (s) => process.stderr.write(`${s}\n`), env: process.env, isTTY: process.stderr.isTTY };
  main(process.argv.slice(2), io).then(
    (code) => {
      // serve keeps the process alive itself; other commands end here.
      if (code >= 0) process.exitCode = code;
    },
    (e: unknown) => {
      io.err(`airlock: ${e instanceof Error ? e.message : String(e)}`);
      process.exitCode = 1;
    },
  );
}

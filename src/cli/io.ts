// The shape every command module gets: where to print, the environment, and the terminal.
export interface CliIO {
  out: (s: string) => void;
  err: (s: string) => void;
  env: NodeJS.ProcessEnv;
  isTTY?: boolean;
}

export type Command = (args: string[], io: CliIO) => Promise<number>;

/** Minimal flag parser: --flag value, --flag=value, boolean --flag, and positionals. */
export function parseFlags(args: string[], booleans: readonly string[] = []): { flags: Record<string, string | true>; positional: string[] } {
  const flags: Record<string, string | true> = {};
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      positional.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
      if (eq > 0) flags[name] = a.slice(eq + 1);
      else if (booleans.includes(name) || i + 1 >= args.length || args[i + 1]!.startsWith('--')) flags[name] = true;
      else flags[name] = args[++i]!;
    } else if (a.startsWith('-') && a.length === 2 && i + 1 < args.length) {
      flags[a.slice(1)] = args[++i]!;
    } else positional.push(a);
  }
  return { flags, positional };
}

/** Renders rows as an aligned text table. */
export function table(head: string[], rows: string[][]): string {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]): string => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(w[i]!))).join('  ');
  return [line(head), line(w.map((n) => '-'.repeat(n))), ...rows.map(line)].join('\n');
}

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

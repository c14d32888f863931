// Parsing with oxc-parser. The AST comes over from Rust by raw transfer where this runtime allows it
// (raw-parse.ts), else as JSON, which for a 13 MB bundle costs more than the parse itself; either
// way large files are split and parsed in workers.
import { parseSync, type ParserOptions } from 'oxc-parser';
import { parseRaw } from './raw-parse.ts';
import type { Node } from './types.ts';

export interface Parsed {
  program: Node | null;
  errors: number;
  firstError: string | null;
}

function langOf(file: string): ParserOptions['lang'] {
  if (/\.d\.[cm]?ts$/.test(file)) return 'dts';
  if (/\.[cm]?tsx$/.test(file)) return 'tsx';
  if (/\.[cm]?ts$/.test(file)) return 'ts';
  if (/\.jsx$/.test(file)) return 'jsx';
  return 'js';
}

function parseOnce(file: string, text: string, options: ParserOptions): { program: unknown; errors: Array<{ severity: string; message: string }> } {
  const raw = parseRaw(file, text, options);
  if (raw) return raw;
  const r = parseSync(file, text, options);
  // The JSON result parses its program lazily: only the attempt that is kept pays for it.
  return { get program() { return r.program; }, errors: r.errors };
}

/**
 * Parse as a module first (most bundles are ESM), then as CommonJS/script: sloppy-mode code
 * (`with`, octal escapes, top-level `return`) is an error only under module rules.
 */
export function parse(file: string, text: string): Parsed {
  const lang = langOf(file);
  const attempts: ParserOptions['sourceType'][] = file.endsWith('.cjs') ? ['commonjs', 'script'] : ['module', 'commonjs', 'script'];
  let best: Parsed = { program: null, errors: Number.MAX_SAFE_INTEGER, firstError: null };
  for (const sourceType of attempts) {
    let r;
    try {
      r = parseOnce(file, text, { lang, sourceType, preserveParens: false });
    } catch (e) {
      best = { program: null, errors: 1, firstError: e instanceof Error ? e.message : String(e) };
      continue;
    }
    const errors = r.errors.filter((e) => e.severity === 'Error');
    if (errors.length === 0) return { program: r.program as Node, errors: 0, firstError: null };
    if (errors.length < best.errors) best = { program: r.program as Node, errors: errors.length, firstError: errors[0]?.message ?? null };
  }
  return best;
}

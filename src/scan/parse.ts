// Parsing with oxc-parser. On Node 20 its raw-transfer and lazy APIs are unavailable (they need
// Node >= 22 for ArrayBuffers over 4 GiB), so the AST comes back as JSON; for a 13 MB bundle that
// JSON.parse is ~60% of the cost, which is why large files are split and parsed in workers.
import { parseSync, type ParserOptions } from 'oxc-parser';
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
      r = parseSync(file, text, { lang, sourceType, preserveParens: false });
    } catch (e) {
      best = { program: null, errors: 1, firstError: e instanceof Error ? e.message : String(e) };
      continue;
    }
    const errors = r.errors.filter((e) => e.severity === 'Error');
    if (errors.length === 0) return { program: r.program as unknown as Node, errors: 0, firstError: null };
    if (errors.length < best.errors) best = { program: r.program as unknown as Node, errors: errors.length, firstError: errors[0]?.message ?? null };
  }
  return best;
}

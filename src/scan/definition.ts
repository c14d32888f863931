// Where the constants a fingerprint is compared with come from, and whether they are written in
// the code (a plain list) or only appear once decoded (a hidden one). Shared by
// fp-compare-constant and by the cross-piece linking of a split bundle (link-collect.ts), which
// must answer both questions in the piece that defines a list for a comparison in another piece.
import type { Analysis } from './analysis.ts';
import type { Val } from './evaluate.ts';
import type { Location, Node } from './types.ts';
import { isFunction, lookup, type Scope } from './walk.ts';

/** Values a fingerprint compared with them tells nothing by (they are not region- or company-specific). */
export const TRIVIAL = new Set(['', 'undefined', 'null', 'true', 'false', '0', '1', 'UTC', 'GMT', 'Etc/UTC', 'C', 'POSIX', 'C.UTF-8', 'localhost', '127.0.0.1', '::1', '[::1]', 'http:', 'https:', 'http', 'https', '/', '{}', '[]']);

/**
 * A program-scope binding of another piece of the same file, as its piece analysed it. Plain data:
 * it crosses threads by structured clone.
 */
export interface Extern {
  value: Val;
  /** Its values that the defining piece decoded from a hidden list or string. */
  hiddenValues: string[];
  /** Whether every value appears literally in the code that defines it. */
  verbatim: boolean;
  /** The defining expression, cited as the list's place: where it is in the file, and its text. */
  at: Location;
  end: number;
  /** Filled by the linking, for the externs a piece uses only: masking secrets in every one costs. */
  excerpt: string;
}

/** Stands for a definition in another piece where a node of this piece is expected. */
export const EXTERN_NODE = 'AirlockExternDefinition';

/** The extern a free identifier of this piece names, if the linking found one. */
export function externOf(scope: Scope, name: string): Extern | null {
  let root = scope;
  while (root.parent) root = root.parent;
  return root.externs?.get(name) ?? null;
}

/** Where an identifier's constants come from (for the reviewer, and for the verbatim check). */
export function definition(n: Node, scope: Scope): Node | null {
  let x = n;
  for (let i = 0; i < 3 && x.type === 'Identifier'; i++) {
    const d = lookup(scope, x.name);
    const ext = d ? null : externOf(scope, x.name);
    if (ext) return { type: EXTERN_NODE, start: x.start, end: x.end, extern: ext };
    const src = d?.init ?? d?.assigns[0] ?? null;
    if (!src || isFunction(src)) return x === n ? null : x;
    x = src;
  }
  if (x.type === 'MemberExpression') return x;
  return x;
}

/** Whether every constant appears literally in the code that defines it (not hidden). */
export function verbatim(a: Analysis, n: Node, scope: Scope, values: string[]): boolean {
  const texts: string[] = [a.text.slice(n.start, n.end)];
  let x: Node | null = n;
  for (let i = 0; i < 4 && x; i++) {
    if (x.type === 'Identifier') {
      const d = lookup(scope, x.name);
      // A list defined in another piece: its piece said whether the values are written there.
      const ext = d ? null : externOf(scope, x.name);
      if (ext) { if (ext.verbatim) texts.push(JSON.stringify(ext.value)); break; }
      const src: Node | null = d?.init ?? d?.assigns[0] ?? null;
      if (src) texts.push(a.text.slice(src.start, Math.min(src.end, src.start + 200_000)));
      x = src;
    } else if (x.type === 'MemberExpression' || x.type === 'CallExpression' || x.type === 'NewExpression') {
      x = x.type === 'MemberExpression' ? x.object : x.type === 'NewExpression' ? (x.arguments[0] ?? null) : x.callee.type === 'MemberExpression' ? x.callee.object : null;
      if (x && x.type !== 'Identifier') texts.push(a.text.slice(x.start, Math.min(x.end, x.start + 200_000)));
    } else break;
  }
  const all = texts.join('\n');
  return values.every((v) => v.length < 3 || v.startsWith('/') || /^-?[\d.e+]+$/.test(v) || all.includes(v) || all.includes(JSON.stringify(v).slice(1, -1)));
}

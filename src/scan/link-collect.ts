// What one piece of a split bundle shares with the others (the worker side of link.ts): the
// constant values its program-scope bindings hold, and the free names it compared a fingerprint
// with. Only program-scope bindings are offered: minifiers reuse short names in nested scopes, and
// only a top-level binding is what a free name of another piece refers to.
import type { Analysis } from './analysis.ts';
import { isClosure, UNKNOWN, type Val } from './evaluate.ts';
import { definition, TRIVIAL, verbatim, type Extern } from './definition.ts';
import { strings } from './rule-helpers.ts';
import type { Node } from './types.ts';

export interface PieceLinks {
  provides: Map<string, Extern>;
  wants: string[];
}

/** An initialiser worth evaluating: data, not code (a 3 MiB piece has thousands of top-level bindings). */
const MAX_INIT_NODES = 4000;
const CODE = new Set(['FunctionExpression', 'ArrowFunctionExpression', 'ClassExpression', 'AssignmentExpression', 'UpdateExpression', 'AwaitExpression', 'YieldExpression']);

export function collectLinks(a: Analysis): PieceLinks {
  const provides = new Map<string, Extern>();
  const root = a.w.root;
  for (const [name, d] of root.decls) {
    if (d.kind !== 'var' && d.kind !== 'let' && d.kind !== 'const') continue;
    // The same choice as the evaluator's: the initialiser, or a single lazy assignment.
    const src = d.init && !(d.init.type === 'Identifier' && d.init.name === 'undefined') ? d.init : d.assigns.length === 1 ? d.assigns[0] : null;
    if (!src || !isData(src)) continue;
    const v = a.evaluate(d.id, root);
    if (v === UNKNOWN || !isPlain(v, 0)) continue;
    const values = strings(v)?.filter((s) => !TRIVIAL.has(s));
    if (!values || values.length === 0) continue;
    const def = definition(d.id, root) ?? src;
    provides.set(name, {
      value: v,
      hiddenValues: values.filter((s) => a.hiddenValues.has(s)),
      verbatim: verbatim(a, d.id, root, values),
      at: a.loc(def.start),
      end: a.base.offset + def.end,
      excerpt: '',
    });
  }
  return { provides, wants: a.wants ? [...a.wants] : [] };
}

/** Whether an expression is built from data only (no functions, assignments or awaits), and small. */
function isData(root: Node): boolean {
  const stack: Node[] = [root];
  let count = 0;
  while (stack.length > 0) {
    const n = stack.pop() as Node;
    if (++count > MAX_INIT_NODES || CODE.has(n.type)) return false;
    for (const key in n) {
      const v = n[key];
      if (v === null || typeof v !== 'object') continue;
      if (Array.isArray(v)) { for (const c of v) if (c && typeof c.type === 'string') stack.push(c); }
      else if (typeof v.type === 'string') stack.push(v as Node);
    }
  }
  return true;
}

/** Plain data that survives a structured clone unchanged: no closures, bounded depth. */
function isPlain(v: Val, depth: number): boolean {
  if (v === null || typeof v !== 'object') return typeof v !== 'function';
  if (depth > 4 || isClosure(v)) return false;
  if (v instanceof Uint8Array) return true;
  if (Array.isArray(v)) return v.every((x) => isPlain(x, depth + 1));
  return Object.values(v).every((x) => isPlain(x, depth + 1));
}

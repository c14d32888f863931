// Names read off the AST: the property of a member expression, the last name of a callee. Shared
// by the walk (which records them on sites) and the rules; kept apart from fingerprint.ts, which
// needs the walk's scopes, so that the walk can use them without an import cycle.
import type { Node } from './types.ts';

/** `a.b` -> 'b', `a["b"]` -> 'b', otherwise null. */
export const propName = (m: Node): string | null => {
  if (m.type !== 'MemberExpression') return null;
  if (!m.computed) return m.property.name ?? null;
  return m.property.type === 'Literal' && typeof m.property.value === 'string' ? m.property.value : null;
};

/** The callee's last name: `a.b.c()` -> 'c', `f()` -> 'f'. */
export const calleeName = (call: Node): string | null => nameOfCallee(call.callee);

function nameOfCallee(callee: Node | null | undefined): string | null {
  let c = callee;
  while (c && (c.type === 'ParenthesizedExpression' || c.type === 'ChainExpression')) c = c.expression;
  if (!c) return null;
  if (c.type === 'Identifier') return c.name;
  if (c.type === 'MemberExpression') return propName(c);
  // (0, x.y)(...) as emitted by bundlers for imported calls
  if (c.type === 'SequenceExpression') {
    const last = c.expressions[c.expressions.length - 1];
    return last ? nameOfCallee(last) : null;
  }
  return null;
}

// A character or format chosen by a fingerprint: look-alike letters, invisible characters. This is
// how a covert signal rides along in text a human reviewer would read as unchanged.
import type { Rule } from '../rule.ts';
import type { Node } from '../types.ts';
import type { Analysis } from '../analysis.ts';
import type { Taint } from '../derive.ts';
import { escapeUnusual, hasHiddenChars, lookAlike } from '../excerpt.ts';
import { decisionLabel, labels, record } from '../flow-helpers.ts';
import { isFunction, type Site } from '../walk.ts';

export const rule: Rule = {
  meta: {
    id: 'flow-fingerprint-selects-chars',
    category: 'flow',
    severity: 'critical',
    title: 'Look-alike or invisible characters chosen by a fingerprint',
    explanation:
      'Code chooses between characters that look the same (Latin "a" and Cyrillic "а", a space and a no-break space) or adds invisible ' +
      'characters, depending on a fingerprint or a comparison of one. Text that reads identically to a person then carries a signal ' +
      'about the machine or the user to whoever receives it. There is no benign reason for this in a coding tool.',
  },
  visit: {
    ConditionalExpression(s, a) {
      const n = s.node;
      const pair = chars(a, s, n.consequent, n.alternate);
      if (pair) check(a, s, a.derive(n.test, s.scope), pair);
    },
    MemberExpression(s, a) {
      const n = s.node;
      if (!n.computed || n.object.type !== 'ArrayExpression' || n.object.elements.length !== 2) return;
      const pair = chars(a, s, n.object.elements[0], n.object.elements[1]);
      if (pair) check(a, s, a.derive(n.property, s.scope), pair);
    },
    IfStatement(s, a) {
      // Invisible and look-alike characters are all non-ASCII; most branches hold no such string.
      const { consequent, alternate } = s.node;
      if (!a.mayHoldNonAscii(consequent.start, consequent.end) && !(alternate && a.mayHoldNonAscii(alternate.start, alternate.end))) return;
      const hidden = hiddenStrings(s.node.consequent, 3000).concat(s.node.alternate ? hiddenStrings(s.node.alternate, 3000) : []);
      if (hidden.length === 0) return;
      check(a, s, a.derive(s.node.test, s.scope), hidden.slice(0, 4).map(escapeUnusual));
    },
  },
};

function asText(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < 0x110000) return String.fromCodePoint(v);
  return null;
}

function chars(a: Analysis, s: Site, x: Node | null, y: Node | null): string[] | null {
  if (!x || !y) return null;
  const p = asText(a.evaluate(x, s.scope));
  const q = asText(a.evaluate(y, s.scope));
  if (p === null || q === null) return null;
  if (lookAlike(p, q) || (p.length <= 16 && hasHiddenChars(p)) || (q.length <= 16 && hasHiddenChars(q))) return [escapeUnusual(p), escapeUnusual(q)];
  return null;
}

function hiddenStrings(root: Node, limit: number): string[] {
  const out: string[] = [];
  const stack: Node[] = [root];
  let steps = 0;
  while (stack.length > 0 && steps++ < limit) {
    const n = stack.pop() as Node;
    if (n.type === 'Literal' && typeof n.value === 'string' && hasHiddenChars(n.value)) out.push(n.value);
    if (n.type === 'TemplateLiteral') for (const q of n.quasis) if (hasHiddenChars(q.value.cooked ?? '')) out.push(q.value.cooked);
    if (isFunction(n)) continue;
    for (const k in n) {
      const v = n[k];
      if (v && typeof v === 'object') {
        if (Array.isArray(v)) { for (const c of v) if (c && typeof c.type === 'string') stack.push(c); }
        else if (typeof v.type === 'string') stack.push(v);
      }
    }
  }
  return out;
}

function check(a: Analysis, s: Site, t: Taint | null, shown: string[]): void {
  if (!t || (t.kinds === 0 && t.sites.length === 0)) return;
  record(t, 'lookalike', s.node, `selects look-alike/invisible characters (${shown.join(' / ')})`);
  const what = [t.kinds ? `the ${labels(t.kinds)}` : '', decisionLabel(t)].filter(Boolean).join(' and ');
  a.report(rule, {
    node: s.node,
    kinds: t.kinds | t.sites.reduce((m, x) => m | x.kinds, 0),
    message: `chooses look-alike or invisible characters (${shown.join(' vs ')}) according to ${what}.`,
    decoded: shown,
  });
}

// Encoded lists: the blob the 2026 reverse-engineering found (companies and resellers, base64'd).
import type { Analysis } from '../analysis.ts';
import type { Rule } from '../rule.ts';
import { describeHit, fromArray, fromCall, fromLiteral, type HiddenHit } from '../hidden.ts';
import { rule as stringRule } from './hidden-encoded-string.ts';

export const rule: Rule = {
  meta: {
    id: 'hidden-encoded-list',
    category: 'hidden-list',
    severity: 'high',
    title: 'Encoded list of domains, companies, time zones or IP ranges',
    explanation:
      'A string or array that decodes (base64, hex, XOR with a constant key, char codes, reversal, split/join, or a chain of these) to a ' +
      'list of domains, company names, time zones, locale tags or IP ranges. Legitimate code has no reason to hide such a list; it is ' +
      'typically what a covert check compares the machine\'s fingerprint with. The decoded list is shown.',
  },
  // Calls first: a literal consumed by a decoding chain is not reported again on its own.
  visit: {
    CallExpression(s, a) { emit(a, fromCall(a, s)); },
    ArrayExpression(s, a) { emit(a, fromArray(a, s)); },
    Literal(s, a) { emit(a, fromLiteral(a, s)); },
  },
};

function emit(a: Analysis, h: HiddenHit | null): void {
  if (!h) return;
  for (const x of h.items) a.hiddenValues.add(x);
  a.consumed.add(h.node);
  if (h.single) {
    a.report(stringRule, { node: h.node, message: `hides ${describeHit(h)}: ${JSON.stringify(h.items[0])}.`, decoded: h.items, data: { via: h.via, kind: h.cls?.kind } });
    return;
  }
  a.report(rule, {
    node: h.node,
    message: `hides ${describeHit(h)}.`,
    decoded: h.items,
    data: { via: h.via, kind: h.cls?.kind, count: h.items.length },
  });
}

// Plain (unencoded) lists of region- or network-specific values: shown so that a reviewer can see
// what a comparison uses; info on their own, since date and i18n libraries carry such tables.
import type { Rule } from '../rule.ts';
import type { Node } from '../types.ts';
import { classifyList, describeKind } from '../classify.ts';
import { list } from '../rule-helpers.ts';

const KINDS = new Set(['timezone', 'locale', 'domain', 'ip-range']);

export const rule: Rule = {
  meta: {
    id: 'list-region-constants',
    category: 'hidden-list',
    severity: 'info',
    title: 'Plain list of time zones, locales, domains or IP ranges',
    explanation:
      'An array of three or more time-zone names, locale tags, domains or IP ranges written in plain text. Date and language libraries ' +
      'carry such tables; it matters when a fingerprint is compared with it (see fp-compare-constant).',
  },
  visit: {
    ArrayExpression(s, a) {
      const els: Array<Node | null> = s.node.elements;
      if (els.length < 3 || a.consumed.has(s.node)) return;
      if (!els.every((e) => e?.type === 'Literal' && typeof e.value === 'string')) return;
      const vals = els.map((e) => (e as Node).value as string);
      const cls = classifyList(vals);
      if (!cls || !KINDS.has(cls.kind) || cls.specific < 0.6) return;
      a.report(rule, {
        node: s.node,
        message: `lists ${vals.length} ${describeKind(cls.kind)}: ${list(vals, 5)}.`,
        decoded: vals,
        data: { kind: cls.kind, count: vals.length },
      });
    },
  },
};

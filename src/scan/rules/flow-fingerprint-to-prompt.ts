// Fingerprint values, or decisions taken on them, built into prompt text: the channel the 2026
// case used (the system prompt changed according to the user's time zone and API host).
import type { Rule } from '../rule.ts';
import type { Node } from '../types.ts';
import type { Analysis } from '../analysis.ts';
import { CONFIG_MASK, type Taint } from '../derive.ts';
import { decisionLabel, deriveAll, labels, record } from '../flow-helpers.ts';
import type { Site } from '../walk.ts';

const PROMPTISH = /\b(you are|assistant|instructions?|system prompt|respond|the user|language model)\b/i;

export function isPromptText(s: string): boolean {
  return s.length >= 200 || (s.length >= 40 && PROMPTISH.test(s));
}

export const rule: Rule = {
  meta: {
    id: 'flow-fingerprint-to-prompt',
    category: 'flow',
    severity: 'medium',
    title: 'Prompt text depends on a fingerprint',
    explanation:
      'A fingerprint value is interpolated into, or a comparison of it chooses between, long strings that look like prompt text. What ' +
      'a tool tells the model then differs by time zone, locale, host or API gateway, which can signal the user\'s identity upstream ' +
      'or treat some users differently. High when a decision chooses the text, medium for a value interpolated into it.',
  },
  visit: {
    TemplateLiteral(s, a) {
      const n = s.node;
      if (n.expressions.length === 0 || s.parent?.type === 'TaggedTemplateExpression') return;
      const text = n.quasis.map((q: Node) => q.value.cooked ?? '').join('');
      if (!isPromptText(text)) return;
      check(a, s, deriveAll(a, n.expressions, s.scope), 'interpolates');
    },
    BinaryExpression(s, a) {
      const n = s.node;
      if (n.operator !== '+' || (s.parent?.type === 'BinaryExpression' && s.parent.operator === '+')) return;
      const leaves: Node[] = [];
      const stack: Node[] = [n];
      let text = '';
      while (stack.length > 0 && leaves.length < 200) {
        const x = stack.pop() as Node;
        if (x.type === 'BinaryExpression' && x.operator === '+') { stack.push(x.right, x.left); continue; }
        if (x.type === 'Literal' && typeof x.value === 'string') text += x.value;
        else leaves.push(x);
      }
      if (leaves.length === 0 || !isPromptText(text)) return;
      check(a, s, deriveAll(a, leaves, s.scope), 'concatenates');
    },
    ConditionalExpression(s, a) {
      const n = s.node;
      const c = a.evaluate(n.consequent, s.scope);
      const alt = a.evaluate(n.alternate, s.scope);
      if (typeof c !== 'string' || typeof alt !== 'string' || !(isPromptText(c) || isPromptText(alt))) return;
      const t = a.derive(n.test, s.scope);
      if (!t) return;
      record(t, 'prompt', n, 'chooses the prompt text');
      const kinds = t.kinds & ~CONFIG_MASK;
      const strong = t.sites.filter((x) => x.severity !== 'low');
      if (!kinds && strong.length === 0) return;
      a.report(rule, {
        node: n,
        severity: 'high',
        kinds: t.kinds,
        message: `chooses between two prompt texts according to ${strong.length ? decisionLabel({ kinds: 0, sites: strong }) : `the ${labels(kinds)}`}.`,
      });
    },
  },
};

function check(a: Analysis, s: Site, t: Taint | null, verb: string): void {
  if (!t) return;
  record(t, 'prompt', s.node, 'builds prompt text');
  const kinds = t.kinds & ~CONFIG_MASK;
  const strong = t.sites.filter((x) => x.severity !== 'low');
  if (!kinds && strong.length === 0) return;
  a.report(rule, {
    node: s.node,
    severity: strong.length ? 'high' : 'medium',
    kinds: t.kinds,
    message: `${verb} ${[kinds ? `the ${labels(kinds)}` : '', strong.length ? decisionLabel({ kinds: 0, sites: strong }) : ''].filter(Boolean).join(' and ')} into prompt-like text.`,
  });
}

import type { Rule } from '../rule.ts';
import { constantCode, isGlobal } from '../code-helpers.ts';

export const rule: Rule = {
  meta: {
    id: 'dyn-eval',
    category: 'dynamic-code',
    severity: 'medium',
    title: 'eval of a string',
    explanation:
      'Runs a string as code with eval. Code that is decoded before it is run is hidden from review (high); eval of a non-constant ' +
      'string runs whatever reaches it. Some bundled libraries use eval to detect features; check the excerpt.',
  },
  visit: {
    CallExpression(s, a) {
      // A call of the global eval has eval as its callee's name; the name rules out most calls cheaply.
      if (s.name !== 'eval' || !isGlobal(s.node.callee, 'eval', s.scope) || s.node.arguments.length === 0) return;
      const c = constantCode(a, s.node.arguments[0], s.scope);
      a.report(rule, {
        node: s.node,
        severity: c?.decoded ? 'high' : c ? 'low' : 'medium',
        message: c ? `evaluates ${c.decoded ? 'decoded' : 'constant'} code: ${JSON.stringify(c.code.slice(0, 120))}` : 'evaluates a computed string as code.',
        decoded: c?.decoded ? [c.code] : undefined,
      });
    },
  },
};

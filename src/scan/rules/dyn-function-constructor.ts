import type { Rule } from '../rule.ts';
import type { Node } from '../types.ts';
import { constantCode, isGlobal } from '../code-helpers.ts';
import type { Analysis } from '../analysis.ts';
import type { Site } from '../walk.ts';

export const rule: Rule = {
  meta: {
    id: 'dyn-function-constructor',
    category: 'dynamic-code',
    severity: 'medium',
    title: 'Function constructor',
    explanation:
      'Builds a function from a string with new Function(...) or Function(...). Schema validators and template engines do this with ' +
      'generated code; a decoded constant body is hidden code (high).',
  },
  visit: {
    NewExpression(s, a) { check(s, a); },
    CallExpression(s, a) { check(s, a); },
  },
};

function check(s: Site, a: Analysis): void {
  // The global Function has Function as the callee's name; the name rules out most sites cheaply.
  if (s.name !== 'Function' || !isGlobal(s.node.callee, 'Function', s.scope) || s.node.arguments.length === 0) return;
  const body = s.node.arguments[s.node.arguments.length - 1] as Node;
  const c = constantCode(a, body, s.scope);
  a.report(rule, {
    node: s.node,
    severity: c?.decoded ? 'high' : c ? 'low' : 'medium',
    message: c ? `creates a function from ${c.decoded ? 'decoded' : 'constant'} code: ${JSON.stringify(c.code.slice(0, 120))}` : 'creates a function from a computed string.',
    decoded: c?.decoded ? [c.code] : undefined,
  });
}

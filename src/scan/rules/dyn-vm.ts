// Code run through node:vm. The method names are common (lodash's `_.runInContext()` makes a
// fresh lodash), so a call counts only when its callee resolves to the vm module: `vm.x()` on a
// binding of require('vm') or an import of 'vm' / 'node:vm', or a function taken from one.
import type { Rule } from '../rule.ts';
import type { Node } from '../types.ts';
import type { Analysis } from '../analysis.ts';
import type { Site } from '../walk.ts';
import { constantCode } from '../code-helpers.ts';
import { fromVm } from '../rule-helpers.ts';

const VM_CALLS = new Set(['runInNewContext', 'runInThisContext', 'runInContext', 'compileFunction']);

export const rule: Rule = {
  meta: {
    id: 'dyn-vm',
    category: 'dynamic-code',
    severity: 'medium',
    title: 'Code run through node:vm',
    explanation:
      'Runs a string as code through node:vm (runInNewContext, runInThisContext, vm.Script, compileFunction). node:vm is not a ' +
      'security boundary; check where the code comes from. A constant code string is low, a decoded one high.',
  },
  visit: {
    CallExpression(s, a) {
      const name = s.name;
      if (name && VM_CALLS.has(name) && fromVm(s.node.callee, s.scope, name)) report(s, a, `runs code with vm ${name}()`);
    },
    NewExpression(s, a) {
      if (s.name === 'Script' && fromVm(s.node.callee, s.scope, 'Script')) report(s, a, 'compiles code with new vm.Script()');
    },
  },
};

// Rated as the Function constructor is: what runs is reviewable when it is a constant in the code.
function report(s: Site, a: Analysis, what: string): void {
  const arg = s.node.arguments[0] as Node | undefined;
  const c = arg && arg.type !== 'SpreadElement' ? constantCode(a, arg, s.scope) : null;
  a.report(rule, {
    node: s.node,
    severity: c?.decoded ? 'high' : c ? 'low' : 'medium',
    message: c ? `${what} on ${c.decoded ? 'decoded' : 'constant'} code: ${JSON.stringify(c.code.slice(0, 120))}` : `${what}.`,
    decoded: c?.decoded ? [c.code] : undefined,
  });
}

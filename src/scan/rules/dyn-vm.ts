import type { Rule } from '../rule.ts';

const VM_CALLS = new Set(['runInNewContext', 'runInThisContext', 'runInContext', 'compileFunction']);

export const rule: Rule = {
  meta: {
    id: 'dyn-vm',
    category: 'dynamic-code',
    severity: 'medium',
    title: 'Code run through node:vm',
    explanation:
      'Runs a string as code through node:vm (runInNewContext, runInThisContext, vm.Script, compileFunction). node:vm is not a ' +
      'security boundary; check where the code comes from.',
  },
  visit: {
    CallExpression(s, a) {
      const name = s.name;
      if (name && VM_CALLS.has(name)) a.report(rule, { node: s.node, message: `runs code with vm ${name}().` });
    },
    NewExpression(s, a) {
      if (s.name !== 'Script') return;
      const c = s.node.callee;
      if (c.type === 'MemberExpression' && !c.computed && c.property.name === 'Script' && c.object.type === 'Identifier' && /^vm$/i.test(c.object.name)) {
        a.report(rule, { node: s.node, message: 'compiles code with new vm.Script().' });
      }
    },
  },
};

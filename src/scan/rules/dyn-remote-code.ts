import type { Rule } from '../rule.ts';
import type { Node } from '../types.ts';
import { fromNetwork, isGlobal } from '../code-helpers.ts';
import { fromVm } from '../rule-helpers.ts';

const RUNNERS = new Set(['runInNewContext', 'runInThisContext', 'runInContext', 'compileFunction']);

export const rule: Rule = {
  meta: {
    id: 'dyn-remote-code',
    category: 'dynamic-code',
    severity: 'high',
    title: 'Code loaded from the network',
    explanation:
      'Runs code that is downloaded at run time: eval, new Function or node:vm applied to a fetched response, or import()/require() of ' +
      'an http(s) or data: URL. The code that runs is then not the code that was reviewed and can change at any time. A vm method ' +
      'counts only when it resolves to node:vm, as for dyn-vm (lodash\'s `_.runInContext()` is not vm).',
  },
  visit: {
    CallExpression(s, a) {
      // Only these callee names can be a runner (a global eval or Function is named so) or require.
      const name = s.name;
      if (name === null || !(name === 'eval' || name === 'Function' || name === 'require' || RUNNERS.has(name))) return;
      const n = s.node;
      const arg = n.arguments[0] as Node | undefined;
      if (!arg) return;
      // A vm method counts only when its callee resolves to node:vm, as in dyn-vm: lodash's
      // `_.runInContext()` makes a fresh lodash.
      const runner = isGlobal(n.callee, 'eval', s.scope) || isGlobal(n.callee, 'Function', s.scope) || (RUNNERS.has(name) && fromVm(n.callee, s.scope, name));
      if (runner && fromNetwork(a, arg, s.scope)) {
        a.report(rule, { node: n, message: `runs code obtained from a network response (${name ?? 'eval'}).` });
        return;
      }
      if (name === 'require' && remoteSpecifier(a.evaluate(arg, s.scope))) a.report(rule, { node: n, message: `requires a remote module ${String(a.evaluate(arg, s.scope)).slice(0, 100)}.` });
    },
    NewExpression(s, a) {
      const n = s.node;
      if (s.name === 'Script') {
        const code = n.arguments[0] as Node | undefined;
        if (code && code.type !== 'SpreadElement' && fromVm(n.callee, s.scope, 'Script') && fromNetwork(a, code, s.scope)) a.report(rule, { node: n, message: 'compiles code obtained from a network response (new vm.Script).' });
        return;
      }
      if (s.name !== 'Function') return;
      const body = n.arguments[n.arguments.length - 1] as Node | undefined;
      if (body && isGlobal(n.callee, 'Function', s.scope) && fromNetwork(a, body, s.scope)) a.report(rule, { node: n, message: 'creates a function from code obtained from a network response.' });
    },
    ImportExpression(s, a) {
      const src = s.node.source as Node;
      const v = a.evaluate(src, s.scope);
      if (remoteSpecifier(v)) a.report(rule, { node: s.node, message: `imports code from ${String(v).slice(0, 100)}.` });
      else if (typeof v !== 'string' && fromNetwork(a, src, s.scope)) a.report(rule, { node: s.node, message: 'imports a module whose specifier comes from a network response.' });
    },
  },
};

function remoteSpecifier(v: unknown): boolean {
  return typeof v === 'string' && /^(https?:|data:|blob:)/i.test(v);
}

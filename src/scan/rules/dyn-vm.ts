// Code run through node:vm. The method names are common (lodash's `_.runInContext()` makes a
// fresh lodash), so a call counts only when its callee resolves to the vm module: `vm.x()` on a
// binding of require('vm') or an import of 'vm' / 'node:vm', or a function taken from one.
import type { Rule } from '../rule.ts';
import type { Node } from '../types.ts';
import type { Analysis } from '../analysis.ts';
import { lookup, type Scope, type Site } from '../walk.ts';
import { constantCode } from '../code-helpers.ts';

const VM_CALLS = new Set(['runInNewContext', 'runInThisContext', 'runInContext', 'compileFunction']);
const VM_MODULE = /^(node:)?vm$/;

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

/** Whether a callee (`vm.runInContext`, `runInContext` imported or destructured from vm) is node:vm's `name`. */
function fromVm(callee: Node, scope: Scope, name: string): boolean {
  let c = unwrap(callee);
  if (c.type === 'MemberExpression') return isVmModule(c.object, scope, 0);
  if (c.type !== 'Identifier') return false;
  const d = lookup(scope, c.name);
  if (!d) return false;
  if (d.importSource !== undefined) return VM_MODULE.test(d.importSource) && d.importName === name;
  // `const { runInNewContext } = require('vm')` keeps `require('vm').runInNewContext` as its initialiser.
  c = d.init ? unwrap(d.init) : c;
  return c.type === 'MemberExpression' && isVmModule(c.object, d.scope, 1);
}

/** Whether an expression is the vm module: require('vm'), its binding, an import, or a bundler's wrapper of one. */
function isVmModule(n: Node, scope: Scope, depth: number): boolean {
  const x = unwrap(n);
  if (depth > 4) return false;
  switch (x.type) {
    case 'Identifier': {
      const d = lookup(scope, x.name);
      if (!d) return x.name === 'vm';
      if (d.importSource !== undefined) return VM_MODULE.test(d.importSource) && (d.importName === '*' || d.importName === 'default');
      if (d.init) return isVmModule(d.init, d.scope, depth + 1);
      // `var vm; … vm = require('vm')` as bundlers initialise lazily; a parameter named vm.
      return d.assigns.some((v) => isVmModule(v, d.scope, depth + 1)) || (d.assigns.length === 0 && x.name === 'vm');
    }
    case 'CallExpression': {
      const arg = x.arguments[0];
      // require, esbuild's __require, webpack's __webpack_require__.
      if (x.callee.type === 'Identifier' && /require/i.test(x.callee.name)) return arg?.type === 'Literal' && VM_MODULE.test(String(arg.value));
      // esbuild's __toESM(require("vm")), TypeScript's __importStar(require("vm")).
      return x.arguments.length === 1 && isVmModule(arg, scope, depth + 1);
    }
    case 'ImportExpression': return x.source?.type === 'Literal' && VM_MODULE.test(String(x.source.value));
    case 'AwaitExpression': return isVmModule(x.argument, scope, depth + 1);
    // `import_vm.default.runInContext(...)`
    case 'MemberExpression': return !x.computed && x.property.name === 'default' && isVmModule(x.object, scope, depth + 1);
    default: return false;
  }
}

function unwrap(n: Node): Node {
  let x = n;
  while (x.type === 'ParenthesizedExpression' || x.type === 'ChainExpression' || (x.type === 'SequenceExpression' && x.expressions.length > 0)) {
    x = x.type === 'SequenceExpression' ? x.expressions[x.expressions.length - 1] : x.expression;
  }
  return x;
}

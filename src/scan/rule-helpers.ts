// Helpers several rules share. Kept outside rules/ so that every file there is exactly one rule.
import type { Analysis } from './analysis.ts';
import type { Rule } from './rule.ts';
import type { FpKind, Node, RuleMeta } from './types.ts';
import { FP_LABEL } from './types.ts';
import { fpMemberName, fpSource } from './fingerprint.ts';
import { kindBit } from './derive.ts';
import { lookup, type Scope } from './walk.ts';

interface SourceSite { node: Node; scope: Scope; kind: FpKind }
const sourceCache = new WeakMap<Analysis, SourceSite[]>();

/** Every direct fingerprint read in the analysed code, computed once per analysis. */
export function sources(a: Analysis): SourceSite[] {
  const cached = sourceCache.get(a);
  if (cached) return cached;
  const out: SourceSite[] = [];
  for (const type of ['MemberExpression', 'CallExpression']) {
    for (const s of a.sites(type)) {
      // Most member reads are ruled out by their property name alone, without reading the node.
      if (type === 'MemberExpression' && (s.name === null || !fpMemberName(s.name))) continue;
      const kind = fpSource(s.node, s.scope);
      // `resolvedOptions().timeZone` is one read, not also a read of its inner call.
      if (kind) out.push({ node: s.node, scope: s.scope, kind });
    }
  }
  out.sort((x, y) => x.node.start - y.node.start);
  sourceCache.set(a, out);
  return out;
}

const HOW: Partial<Record<FpKind, string>> = {
  timezone: 'Knowing the time zone places the user in a region.',
  locale: 'The locale reveals language and often country.',
  hostname: 'Host and user names often contain the company or the person.',
  username: 'Host and user names often contain the company or the person.',
  network: 'MAC addresses and interfaces identify the machine and its network.',
  proxy: 'Proxy settings reveal the corporate network.',
  'base-url': 'The API base URL reveals which gateway, reseller or company the tool is used through.',
  'machine-id': 'A machine id identifies this computer across sessions and tools.',
  software: 'The list of installed software fingerprints the user and the organisation.',
};

/** A rule that reports direct reads of some fingerprint kinds. */
export function readRule(meta: RuleMeta, kinds: readonly FpKind[]): Rule {
  const rule: Rule = {
    meta,
    after(a) {
      for (const s of sources(a)) {
        if (!kinds.includes(s.kind)) continue;
        a.report(rule, {
          node: s.node,
          message: `reads the ${FP_LABEL[s.kind]} (${describe(a, s.node)}). ${HOW[s.kind] ?? ''}`.trim(),
          kinds: kindBit(s.kind),
        });
      }
    },
  };
  return rule;
}

function describe(a: Analysis, n: Node): string {
  const t = a.text.slice(n.start, Math.min(n.end, n.start + 80)).replace(/\s+/g, ' ');
  const m = /([A-Za-z_$][\w$]*\s*\(\s*\)\s*\.\s*timeZone|getTimezoneOffset|hostname|userInfo|networkInterfaces|env\.[A-Z_a-z0-9]+|env\[["'][^"']+["']\]|\/etc\/machine-id|machine-id)/.exec(t);
  return m ? m[1] as string : t.length > 40 ? t.slice(0, 40) + '…' : t;
}

export function strings(v: unknown): string[] | null {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string')) return v as string[];
  if (Array.isArray(v) && v.length > 0 && v.every((x) => Array.isArray(x) && typeof x[0] === 'string')) return v.map((x) => (x as string[])[0] as string);
  if (v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array) && !('fn' in v)) {
    const keys = Object.keys(v);
    return keys.length > 0 ? keys : null;
  }
  return null;
}

export const list = (xs: readonly string[], max = 8): string =>
  xs.slice(0, max).map((x) => JSON.stringify(x)).join(', ') + (xs.length > max ? `, … (${xs.length} in all)` : '');

const VM_MODULE = /^(node:)?vm$/;

/**
 * Whether a callee (`vm.runInContext`, `runInContext` imported or destructured from vm) is node:vm's
 * `name`: lodash's `_.runInContext()` has the same name and is not vm (dyn-vm, dyn-remote-code).
 */
export function fromVm(callee: Node, scope: Scope, name: string): boolean {
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

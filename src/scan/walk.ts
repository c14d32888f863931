// The single AST walk. It builds a light scope tree (function-level: block-scoped names are put in
// the nearest function, which is enough for minified bundles where names are unique per function),
// indexes identifier references, and collects the nodes that rules subscribed to. Rules run after
// the walk, not during it, because bundles use hoisted names before their declaration (esbuild's
// `var x; ... x = [...]` lazy initialisers), so a rule needs every declaration to be known.
// The walk is iterative: minified code has left-deep `a+b+c+...` chains thousands of nodes deep.
import { visitorKeys } from 'oxc-parser';
import type { Node } from './types.ts';

export type DeclKind = 'var' | 'let' | 'const' | 'function' | 'param' | 'import' | 'catch' | 'class';

export interface Scope {
  id: number;
  parent: Scope | null;
  node: Node; // Program or a function
  decls: Map<string, Decl>;
}

export interface Decl {
  name: string;
  kind: DeclKind;
  scope: Scope;
  id: Node;
  /** Initialiser, or the function node for function declarations. */
  init: Node | null;
  /** Plain `name = value` assignments anywhere (bundlers initialise lazily). */
  assigns: Node[];
  importSource?: string;
  importName?: string;
}

export interface Site {
  node: Node;
  scope: Scope;
  parent: Node | null;
}

export interface WalkResult {
  program: Node;
  root: Scope;
  scopes: Map<Node, Scope>;
  sites: Map<string, Site[]>;
  /** Identifiers used as callees, by name: the call sites of local functions. */
  refs: Map<string, Site[]>;
  /** Every identifier name used in the code, with its first use (for the obfuscation rules). */
  names: Map<string, Node>;
  /** All function nodes, for the dynamic-code and flow rules. */
  nodeCount: number;
}

const FUNCTION_TYPES = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression']);
export const isFunction = (n: Node | null | undefined): boolean => !!n && FUNCTION_TYPES.has(n.type);

// Child keys to skip: type annotations and other TypeScript-only parts never hold behaviour.
const SKIP_KEYS = new Set(['typeAnnotation', 'typeParameters', 'typeArguments', 'returnType', 'decorators', 'superTypeArguments', 'implements']);

// Children to visit per node type, without TypeScript-only keys; unknown types fall back to all keys.
const KEYS = new Map<string, readonly string[]>();
for (const [type, keys] of Object.entries(visitorKeys)) KEYS.set(type, keys.filter((k) => !SKIP_KEYS.has(k)));

/** The walk's explicit stack, as parallel arrays: no tuple allocation per node. */
class Stack {
  nodes: Node[] = [];
  parents: Array<Node | null> = [];
  scopes: Scope[] = [];
  bindings: boolean[] = [];
  push(n: Node, parent: Node | null, scope: Scope, binding: boolean): void {
    this.nodes.push(n);
    this.parents.push(parent);
    this.scopes.push(scope);
    this.bindings.push(binding);
  }
}

export function walk(program: Node, subscribed: ReadonlySet<string>): WalkResult {
  let nextId = 0;
  const root: Scope = { id: nextId++, parent: null, node: program, decls: new Map() };
  const scopes = new Map<Node, Scope>([[program, root]]);
  const sites = new Map<string, Site[]>();
  const refs = new Map<string, Site[]>();
  const names = new Map<string, Node>();
  const pendingAssigns: Array<[string, Scope, Node]> = [];
  let nodeCount = 0;

  const declare = (name: string, kind: DeclKind, scope: Scope, id: Node, init: Node | null, extra?: Partial<Decl>): void => {
    const prev = scope.decls.get(name);
    if (prev && prev.init && !init) return; // `var x = 1; var x;` keeps the initialiser
    scope.decls.set(name, { name, kind, scope, id, init, assigns: prev?.assigns ?? [], ...extra });
  };
  const declarePattern = (p: Node | null, kind: DeclKind, scope: Scope, init: Node | null): void => {
    if (!p) return;
    switch (p.type) {
      case 'Identifier': declare(p.name, kind, scope, p, init); break;
      case 'ObjectPattern':
        for (const prop of p.properties) {
          if (prop.type === 'RestElement') declarePattern(prop.argument, kind, scope, null);
          // `const {TZ} = process.env` keeps a pseudo-initialiser: the member it reads.
          else declarePattern(prop.value, kind, scope, init && !prop.computed && prop.key.type === 'Identifier'
            ? { type: 'MemberExpression', object: init, property: prop.key, computed: false, optional: false, start: prop.start, end: prop.end }
            : null);
        }
        break;
      case 'ArrayPattern': for (const e of p.elements) declarePattern(e, kind, scope, null); break;
      case 'AssignmentPattern': declarePattern(p.left, kind, scope, init ?? p.right); break;
      case 'RestElement': declarePattern(p.argument, kind, scope, null); break;
      case 'TSParameterProperty': declarePattern(p.parameter, kind, scope, null); break;
      default: break;
    }
  };

  const st = new Stack();
  const stack = { push: (e: [Node, Node | null, Scope, boolean]): void => st.push(e[0], e[1], e[2], e[3]) };
  st.push(program, null, root, false);
  while (st.nodes.length > 0) {
    const node = st.nodes.pop() as Node;
    const parent = st.parents.pop() as Node | null;
    const scope0 = st.scopes.pop() as Scope;
    const binding = st.bindings.pop() as boolean;
    nodeCount++;
    const scope = scope0;
    const type = node.type;

    if (type === 'Identifier') {
      const name: string = node.name;
      if (!binding && parent !== null && parent.type === 'CallExpression' && parent.callee === node) {
        let list = refs.get(name);
        if (!list) refs.set(name, (list = []));
        list.push({ node, scope, parent });
      }
      if (!names.has(name)) names.set(name, node);
      if (subscribed.has(type)) push(sites, type, { node, scope, parent });
      continue;
    }
    if (subscribed.has(type)) push(sites, type, { node, scope, parent });

    switch (type) {
      case 'FunctionDeclaration':
      case 'FunctionExpression':
      case 'ArrowFunctionExpression': {
        const fnScope: Scope = { id: nextId++, parent: scope, node, decls: new Map() };
        scopes.set(node, fnScope);
        if (node.id) {
          if (type === 'FunctionDeclaration') declare(node.id.name, 'function', fnScopeOf(scope), node.id, node);
          else declare(node.id.name, 'function', fnScope, node.id, node);
        }
        for (const p of node.params) {
          declarePattern(p, 'param', fnScope, null);
          pushPatternExprs(stack, p, node, fnScope);
        }
        if (node.body) st.push(node.body, node, fnScope, false);
        continue;
      }
      case 'VariableDeclaration': {
        const target = node.kind === 'var' ? fnScopeOf(scope) : scope;
        for (const d of node.declarations) {
          declarePattern(d.id, node.kind === 'var' ? 'var' : node.kind === 'const' ? 'const' : 'let', target, d.init ?? null);
          if (subscribed.has('VariableDeclarator')) push(sites, 'VariableDeclarator', { node: d, scope, parent: node });
          pushPatternExprs(stack, d.id, d, scope);
          if (d.init) st.push(d.init, d, scope, false);
        }
        continue;
      }
      case 'ClassDeclaration':
        if (node.id) declare(node.id.name, 'class', scope, node.id, node);
        break;
      case 'CatchClause':
        if (node.param) declarePattern(node.param, 'catch', scope, null);
        if (node.body) st.push(node.body, node, scope, false);
        continue;
      case 'ImportDeclaration':
        for (const s of node.specifiers) {
          const importName = s.type === 'ImportSpecifier' ? (s.imported.name ?? s.imported.value) : s.type === 'ImportDefaultSpecifier' ? 'default' : '*';
          declare(s.local.name, 'import', scope, s.local, null, { importSource: node.source.value, importName });
        }
        continue;
      case 'AssignmentExpression':
        if (node.left.type === 'Identifier' && node.operator === '=') pendingAssigns.push([node.left.name, scope, node.right]);
        break;
      case 'MemberExpression':
        st.push(node.object, node, scope, false);
        if (node.computed) st.push(node.property, node, scope, false);
        continue;
      case 'Property':
      case 'MethodDefinition':
      case 'PropertyDefinition':
      case 'AccessorProperty':
        if (node.computed) st.push(node.key, node, scope, false);
        if (node.value) st.push(node.value, node, scope, binding);
        continue;
      case 'LabeledStatement':
        st.push(node.body, node, scope, false);
        continue;
      case 'BreakStatement':
      case 'ContinueStatement':
      case 'ExportAllDeclaration':
      case 'MetaProperty':
        continue;
      case 'ExportNamedDeclaration':
        if (node.declaration) st.push(node.declaration, node, scope, false);
        continue;
      default:
        break;
    }
    const keys = KEYS.get(type);
    if (keys) {
      for (let k = keys.length - 1; k >= 0; k--) {
        const v = node[keys[k] as string];
        if (v === null || v === undefined) continue;
        if (Array.isArray(v)) {
          for (let i = v.length - 1; i >= 0; i--) {
            const c = v[i];
            if (c !== null && typeof c === 'object') st.push(c, node, scope, binding);
          }
        } else if (typeof v === 'object' && typeof v.type === 'string') st.push(v as Node, node, scope, binding);
      }
      continue;
    }
    for (const key in node) {
      if (key === 'type' || key === 'start' || key === 'end' || SKIP_KEYS.has(key)) continue;
      const v = node[key];
      if (v === null || typeof v !== 'object') continue;
      if (Array.isArray(v)) {
        for (let i = v.length - 1; i >= 0; i--) {
          const c = v[i];
          if (c !== null && typeof c === 'object' && typeof c.type === 'string') st.push(c, node, scope, binding);
        }
      } else if (typeof v.type === 'string') st.push(v as Node, node, scope, binding);
    }
  }

  for (const [name, scope, rhs] of pendingAssigns) {
    const d = lookup(scope, name);
    if (d) d.assigns.push(rhs);
  }
  return { program, root, scopes, sites, refs, names, nodeCount };
}

function push(map: Map<string, Site[]>, key: string, site: Site): void {
  let list = map.get(key);
  if (!list) map.set(key, (list = []));
  list.push(site);
}

/** Scopes are per function, so `var` and block-scoped names share the current scope. */
const fnScopeOf = (scope: Scope): Scope => scope;

/** Default values and computed keys inside a binding pattern are expressions to walk. */
type Pusher = { push: (e: [Node, Node | null, Scope, boolean]) => void };
function pushPatternExprs(stack: Pusher, p: Node | null, parent: Node, scope: Scope): void {
  if (!p) return;
  switch (p.type) {
    case 'AssignmentPattern': stack.push([p.right, parent, scope, false]); pushPatternExprs(stack, p.left, parent, scope); break;
    case 'ObjectPattern':
      for (const prop of p.properties) {
        if (prop.type === 'RestElement') pushPatternExprs(stack, prop.argument, parent, scope);
        else { if (prop.computed) stack.push([prop.key, parent, scope, false]); pushPatternExprs(stack, prop.value, parent, scope); }
      }
      break;
    case 'ArrayPattern': for (const e of p.elements) pushPatternExprs(stack, e, parent, scope); break;
    case 'RestElement': pushPatternExprs(stack, p.argument, parent, scope); break;
    default: break;
  }
}

export function lookup(scope: Scope | null, name: string): Decl | null {
  for (let s = scope; s; s = s.parent) {
    const d = s.decls.get(name);
    if (d) return d;
  }
  return null;
}


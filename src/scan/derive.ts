// Backward data flow: "what does this value depend on?" Starting from a sink (a request argument,
// a prompt template, a chosen character) it follows variables to their initialisers and
// assignments, calls to the return values of local functions, parameters to the arguments at each
// call site, and records the fingerprint reads and the fingerprint comparisons (decisions) it meets.
// Demand-driven and memoised, so a 13 MB bundle costs only what its sinks reach, with a budget.
import type { FpKind, Node, Severity } from './types.ts';
import { fpSource } from './fingerprint.ts';
import { propName } from './ast-names.ts';
import { isFunction, lookup, type Decl, type Scope, type Site } from './walk.ts';

export const FP_KINDS: readonly FpKind[] = ['timezone', 'locale', 'hostname', 'username', 'network', 'proxy', 'base-url', 'machine-id', 'software'];
export const kindBit = (k: FpKind): number => 1 << FP_KINDS.indexOf(k);
export const kindsOf = (mask: number): FpKind[] => FP_KINDS.filter((k) => mask & kindBit(k));
/** Configuration-like reads that legitimately shape requests (proxy agent, API base URL). */
export const CONFIG_MASK = kindBit('proxy') | kindBit('base-url');

export type EffectType = 'network' | 'payload' | 'prompt' | 'lookalike';
export interface Effect { type: EffectType; node: Node; note: string }

/** A fingerprint compared with constants: the decision a covert check is built on. */
export interface CompareSite {
  id: number;
  node: Node;
  scope: Scope;
  kinds: number;
  constants: string[];
  hidden: boolean;
  specific: boolean;
  severity: Severity;
  listNode: Node | null;
  effects: Effect[];
}

export interface Taint { kinds: number; sites: CompareSite[] }

const MAX_DEPTH = 10;
/** Initialisers whose fields field() can tell apart (an object literal, a call of a known function, a choice of those). */
const FIELD_INITS = new Set(['ObjectExpression', 'CallExpression', 'ConditionalExpression', 'LogicalExpression', 'AwaitExpression']);
const MAX_CALLSITES = 3;
/** Methods whose result still carries the receiver's value. */
const RECEIVER_KEEPS = new Set(['toLowerCase', 'toUpperCase', 'toLocaleLowerCase', 'trim', 'trimStart', 'trimEnd', 'split', 'slice', 'substring', 'substr',
  'replace', 'replaceAll', 'normalize', 'at', 'charAt', 'concat', 'padStart', 'padEnd', 'toString', 'join', 'map', 'filter', 'find', 'match', 'exec',
  'includes', 'startsWith', 'endsWith', 'indexOf', 'test', 'digest', 'update', 'keys', 'values', 'entries', 'flat', 'reverse', 'then']);
/** Functions whose result carries their arguments' values. */
const ARGS_KEEP = new Set(['JSON', 'stringify', 'encodeURIComponent', 'encodeURI', 'escape', 'String', 'btoa', 'atob', 'from', 'URL', 'URLSearchParams',
  'assign', 'update', 'concat', 'push', 'format', 'createHash', 'resolve', 'join', 'test', 'exec', 'fromEntries', 'entries', 'Set', 'Map', 'Array', 'of']);

/** Memo entry of a value whose computation is under way. */
const BUSY: Taint = { kinds: 0, sites: [] };

export class Deriver {
  private memo = new Map<Node, Taint | null>();
  private returns = new Map<Node, Node[]>();
  private declMemo = new Map<Decl, Taint | null>();
  private callIndex = new Map<string, Map<Decl | null, Array<[Node, Scope]>>>();
  private budget = 0;
  constructor(
    private readonly refs: Map<string, Site[]>,
    private readonly fnParent: Map<Node, Node | null>,
    private readonly scopes: Map<Node, Scope>,
    private readonly compareAt: Map<Node, CompareSite>,
  ) {}

  /** One question, with its own step budget so that one pathological value cannot starve others. */
  query(n: Node | null | undefined, scope: Scope, steps = 20_000): Taint | null {
    this.budget = steps;
    return this.of(n, scope);
  }

  private of(n: Node | null | undefined, scope: Scope, depth = 0): Taint | null {
    if (!n || depth > MAX_DEPTH || --this.budget < 0) return null;
    const m = this.memo.get(n);
    if (m !== undefined) return m === BUSY ? null : m;
    // One map for results and for values being computed (a cycle): this runs for every node a
    // query reaches, and each map operation on a node key is a hash lookup.
    this.memo.set(n, BUSY);
    let t: Taint | null = null;
    let done = false;
    try {
      t = this.compute(n, scope, depth);
      done = true;
    } finally {
      if (!done) this.memo.delete(n);
    }
    this.memo.set(n, t);
    return t;
  }

  private compute(n: Node, scope: Scope, depth: number): Taint | null {
    const site = this.compareAt.get(n);
    if (site) return { kinds: 0, sites: [site] };
    const k = fpSource(n, scope);
    if (k) return { kinds: kindBit(k), sites: [] };
    const d = depth + 1;
    switch (n.type) {
      case 'Identifier': return this.ident(n, scope, d);
      case 'MemberExpression':
        if (!n.computed) return this.field(n.object, n.property.name, scope, d);
        return union(this.of(n.object, scope, d), this.of(n.property, scope, d));
      case 'CallExpression':
      case 'NewExpression': {
        let t: Taint | null = null;
        const fn = this.calleeFunction(n.callee, scope);
        if (fn) {
          const fnScope = this.scopes.get(fn);
          if (fnScope) for (const r of this.returnExprs(fn)) t = union(t, this.of(r, fnScope, d));
        } else {
          // Unknown callees do not pass taint from arguments to result (a request's response does
          // not "contain" its body); only value-preserving transforms do.
          const c = n.callee;
          const name = c.type === 'MemberExpression' ? propName(c) : c.type === 'Identifier' ? c.name : null;
          if (c.type === 'MemberExpression' && name && RECEIVER_KEEPS.has(name)) t = union(t, this.of(c.object, scope, d));
          if (name && ARGS_KEEP.has(name)) for (const a of n.arguments) t = union(t, this.of(a.type === 'SpreadElement' ? a.argument : a, scope, d));
        }
        return t;
      }
      case 'TemplateLiteral': return this.all(n.expressions, scope, d);
      case 'TaggedTemplateExpression': return this.all(n.quasi.expressions, scope, d);
      case 'BinaryExpression':
      case 'LogicalExpression':
        return union(this.of(n.left, scope, d), this.of(n.right, scope, d));
      case 'ConditionalExpression':
        return union(this.of(n.test, scope, d), union(this.of(n.consequent, scope, d), this.of(n.alternate, scope, d)));
      case 'ArrayExpression': return this.all(n.elements, scope, d);
      case 'ObjectExpression': {
        let t: Taint | null = null;
        for (const p of n.properties) {
          if (p.type === 'SpreadElement') t = union(t, this.of(p.argument, scope, d));
          else { t = union(t, this.of(p.value, scope, d)); if (p.computed) t = union(t, this.of(p.key, scope, d)); }
        }
        return t;
      }
      case 'SequenceExpression': return this.of(n.expressions[n.expressions.length - 1], scope, d);
      case 'AssignmentExpression': return this.of(n.right, scope, d);
      case 'SpreadElement':
      case 'AwaitExpression':
      case 'UnaryExpression':
      case 'YieldExpression':
        return this.of(n.argument, scope, d);
      case 'ParenthesizedExpression':
      case 'ChainExpression':
      case 'TSAsExpression':
      case 'TSNonNullExpression':
      case 'TSSatisfiesExpression':
        return this.of(n.expression, scope, d);
      default:
        return null;
    }
  }

  /**
   * `obj.p`: when obj is (or is bound to, or is passed, or is returned as) an object literal, only
   * p's value counts. Field sensitivity keeps `opts.mode` clean when `opts.machineName` holds the
   * host name, and `ctx().now` clean when `ctx()` returns `{ now, host: os.hostname() }`.
   */
  private field(obj: Node, p: string, scope: Scope, d: number): Taint | null {
    if (d > MAX_DEPTH) return null;
    // Through expressions that pick one object or another: the field of each. A choice made by a
    // comparison still counts (the test's taint), as it does for the value itself.
    switch (obj.type) {
      case 'ConditionalExpression':
        return union(this.of(obj.test, scope, d + 1), union(this.field(obj.consequent, p, scope, d + 1), this.field(obj.alternate, p, scope, d + 1)));
      case 'LogicalExpression':
        return union(this.field(obj.left, p, scope, d + 1), this.field(obj.right, p, scope, d + 1));
      case 'AwaitExpression':
        return this.field(obj.argument, p, scope, d + 1);
      case 'ParenthesizedExpression':
      case 'ChainExpression':
        return this.field(obj.expression, p, scope, d + 1);
      case 'CallExpression': {
        // A known function: the field of what it returns.
        const fn = this.calleeFunction(obj.callee, scope);
        const fnScope = fn ? this.scopes.get(fn) : undefined;
        if (!fn || !fnScope) break;
        let t: Taint | null = null;
        for (const r of this.returnExprs(fn)) t = union(t, this.field(r, p, fnScope, d + 1));
        return t;
      }
      default:
        break;
    }
    if (obj.type === 'ObjectExpression') {
      let t: Taint | null = null;
      for (const prop of obj.properties) {
        if (prop.type === 'SpreadElement') t = union(t, this.field(prop.argument, p, scope, d + 1));
        else if (prop.computed) t = union(t, this.of(prop.value, scope, d + 1));
        else if ((prop.key.name ?? prop.key.value) === p) t = union(t, this.of(prop.value, scope, d + 1));
      }
      return t;
    }
    if (obj.type === 'Identifier') {
      const decl = lookup(scope, obj.name);
      if (decl && decl.kind === 'param') {
        const fn = decl.scope.node;
        const index = isFunction(fn) ? fn.params.indexOf(decl.id) : -1;
        if (index < 0) return this.of(obj, scope, d);
        let t: Taint | null = null;
        for (const [call, sc] of this.callSites(fn)) {
          const a = call.arguments[index];
          if (a && a.type !== 'SpreadElement') t = union(t, this.field(a, p, sc, d + 1));
        }
        return t;
      }
      if (decl && (decl.kind === 'var' || decl.kind === 'let' || decl.kind === 'const') && decl.init !== null && FIELD_INITS.has(decl.init.type)) {
        let t = this.field(decl.init, p, decl.scope, d + 1);
        for (const a of decl.assigns.slice(0, 8)) t = union(t, this.field(a, p, decl.scope, d + 1));
        return t;
      }
    }
    const k = fpSource({ type: 'MemberExpression', object: obj, property: { type: 'Identifier', name: p, start: 0, end: 0 }, computed: false, start: obj.start, end: obj.end }, scope);
    if (k) return { kinds: kindBit(k), sites: [] };
    return this.of(obj, scope, d);
  }

  private all(nodes: Array<Node | null>, scope: Scope, d: number): Taint | null {
    let t: Taint | null = null;
    for (const e of nodes) if (e) t = union(t, this.of(e, scope, d));
    return t;
  }

  private ident(n: Node, scope: Scope, d: number): Taint | null {
    const decl = lookup(scope, n.name);
    if (!decl) return null;
    if (decl.kind === 'function' || decl.kind === 'import' || decl.kind === 'class' || decl.kind === 'catch') return null;
    const m = this.declMemo.get(decl);
    if (m !== undefined) return m;
    this.declMemo.set(decl, null); // cycle guard
    let t: Taint | null;
    if (decl.kind === 'param') t = this.param(decl, d);
    else {
      t = decl.init && !isFunction(decl.init) ? this.of(decl.init, decl.scope, d) : null;
      for (const a of decl.assigns.slice(0, 8)) t = union(t, this.of(a, decl.scope, d));
    }
    this.declMemo.set(decl, t);
    return t;
  }

  /** A parameter depends on what callers pass: find the call sites of its function. */
  private param(decl: Decl, d: number): Taint | null {
    const fn = decl.scope.node;
    if (!isFunction(fn)) return null;
    const index = fn.params.findIndex((p: Node) => p === decl.id || (p.type === 'AssignmentPattern' && p.left === decl.id));
    if (index < 0) return null;
    let t: Taint | null = null;
    for (const [call, scope] of this.callSites(fn)) {
      const a = call.arguments[index];
      if (a && a.type !== 'SpreadElement') t = union(t, this.of(a, scope, d));
    }
    return t;
  }

  private callSites(fn: Node): Array<[Node, Scope]> {
    const out: Array<[Node, Scope]> = [];
    const parent = this.fnParent.get(fn) ?? null;
    if (parent?.type === 'CallExpression' && parent.callee === fn) {
      const s = this.scopes.get(fn)?.parent;
      if (s) out.push([parent, s]);
      return out;
    }
    let name: string | null = null;
    if (fn.type === 'FunctionDeclaration' && fn.id) name = fn.id.name;
    else if (parent?.type === 'VariableDeclarator' && parent.id.type === 'Identifier') name = parent.id.name;
    else if (parent?.type === 'AssignmentExpression' && parent.left.type === 'Identifier') name = parent.left.name;
    if (!name) return out;
    const declScope = this.scopes.get(fn)?.parent;
    const target = declScope ? lookup(declScope, name) : null;
    const sites = this.callsByDecl(name).get(target) ?? [];
    // A helper called from many places is a utility: following all of its callers would make
    // every comparison inside it look fingerprint-dependent.
    return sites.length <= MAX_CALLSITES ? sites : [];
  }

  /** Call sites of every binding of one name, built once per name. */
  private callsByDecl(name: string): Map<Decl | null, Array<[Node, Scope]>> {
    let idx = this.callIndex.get(name);
    if (idx) return idx;
    idx = new Map();
    for (const r of this.refs.get(name) ?? []) {
      if (r.parent?.type !== 'CallExpression' || r.parent.callee !== r.node) continue;
      const decl = lookup(r.scope, name);
      let list = idx.get(decl);
      if (!list) idx.set(decl, (list = []));
      list.push([r.parent, r.scope]);
    }
    this.callIndex.set(name, idx);
    return idx;
  }

  /** The function a callee refers to, when it is declared in this file. */
  calleeFunction(c: Node, scope: Scope): Node | null {
    let x = c;
    while (x.type === 'ParenthesizedExpression' || x.type === 'ChainExpression') x = x.expression;
    if (isFunction(x)) return x;
    if (x.type !== 'Identifier') return null;
    const decl = lookup(scope, x.name);
    if (!decl) return null;
    if (decl.kind === 'function' && decl.init) return decl.init;
    if (decl.init && isFunction(decl.init)) return decl.init;
    const a = decl.assigns.length === 1 ? decl.assigns[0] : null;
    return a && isFunction(a) ? a : null;
  }

  returnExprs(fn: Node): Node[] {
    const cached = this.returns.get(fn);
    if (cached) return cached;
    const out: Node[] = [];
    if (fn.body && fn.body.type !== 'BlockStatement') out.push(fn.body);
    else if (fn.body) collectReturns(fn.body, out);
    this.returns.set(fn, out);
    return out;
  }
}

function collectReturns(body: Node, out: Node[]): void {
  const stack: Node[] = [body];
  let steps = 0;
  while (stack.length > 0 && steps++ < 50_000 && out.length < 32) {
    const n = stack.pop() as Node;
    if (n.type === 'ReturnStatement') { if (n.argument) out.push(n.argument); continue; }
    if (isFunction(n) || n.type === 'ClassBody') continue;
    for (const key in n) {
      const v = n[key];
      if (v === null || typeof v !== 'object') continue;
      if (Array.isArray(v)) { for (const c of v) if (c && typeof c.type === 'string') stack.push(c); }
      else if (typeof v.type === 'string' && key !== 'test') stack.push(v as Node);
    }
  }
}

export function union(a: Taint | null, b: Taint | null): Taint | null {
  if (!a) return b;
  if (!b) return a;
  if (b.kinds === 0 && b.sites.length === 0) return a;
  const sites = a.sites.slice();
  for (const s of b.sites) if (!sites.includes(s) && sites.length < 12) sites.push(s);
  return { kinds: a.kinds | b.kinds, sites };
}

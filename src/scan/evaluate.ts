// A small static evaluator: folds constant expressions and runs decoding chains without executing
// the package. It understands string/array methods, atob/Buffer/TextDecoder/String.fromCharCode,
// and interprets small pure functions declared in the file (a XOR loop with a constant key, a
// char-shift decoder) under a step budget. Anything it does not know becomes UNKNOWN; it never
// calls into Node, the network or the file system, so evaluating hostile code is safe.
import type { Node } from './types.ts';
import { isFunction, lookup, type Scope } from './walk.ts';

export const UNKNOWN: unique symbol = Symbol('unknown');
export interface Closure { fn: Node; scope: Scope | null; env: Env | null }
export type Val = string | number | boolean | null | undefined | Uint8Array | Val[] | { [k: string]: Val } | Closure;
export type Result = Val | typeof UNKNOWN;

type Env = { vars: Map<string, Val>; parent: Env | null };
// One shape for every budget (`free` always present): `tick` reads it on every step.
interface Budget { steps: number; depth: number; free: Set<string> | null }

const MAX_STEPS = 200_000;
const MAX_FN_NODES = 1200; // only small functions are interpreted
const MAX_STRING = 4_000_000;

// Thrown to abandon an evaluation; not an Error, so that throwing it does not capture a stack trace.
class Stop {}
class Return { constructor(readonly value: Val) {} }
const BREAK = Symbol('break');
const CONTINUE = Symbol('continue');

export const isClosure = (v: unknown): v is Closure => typeof v === 'object' && v !== null && 'fn' in v && 'env' in v;
const isList = (v: Result): v is Val[] => Array.isArray(v);

/**
 * `free`, when given, collects the names the evaluation met that no scope of this piece binds: in a
 * split bundle they may be top-level bindings of another piece (see link.ts).
 */
export function evaluate(node: Node, scope: Scope | null, free?: Set<string>): Result {
  const budget: Budget = { steps: 0, depth: 0, free: free ?? null };
  try {
    return ev(node, scope, null, budget, new Set());
  } catch (e) {
    if (e instanceof Stop || e instanceof RangeError || e instanceof TypeError) return UNKNOWN;
    throw e;
  }
}


function tick(b: Budget): void {
  if (++b.steps > MAX_STEPS) throw new Stop();
}

function ev(n: Node, scope: Scope | null, env: Env | null, b: Budget, seen: Set<Node>): Result {
  tick(b);
  switch (n.type) {
    case 'Literal':
      if (n.regex) return UNKNOWN;
      return n.value as Val;
    case 'ParenthesizedExpression':
    case 'ChainExpression':
    case 'TSAsExpression':
    case 'TSNonNullExpression':
    case 'TSSatisfiesExpression':
      return ev(n.expression, scope, env, b, seen);
    case 'TemplateLiteral': {
      let s = n.quasis[0]?.value.cooked ?? '';
      for (let i = 0; i < n.expressions.length; i++) {
        const v = ev(n.expressions[i], scope, env, b, seen);
        if (v === UNKNOWN || isClosure(v)) return UNKNOWN;
        s += str(v) + (n.quasis[i + 1]?.value.cooked ?? '');
      }
      return s;
    }
    case 'Identifier':
      return ident(n, scope, env, b, seen);
    case 'ArrayExpression': {
      const out: Val[] = [];
      for (const e of n.elements) {
        if (e === null) { out.push(undefined); continue; }
        if (e.type === 'SpreadElement') {
          const v = ev(e.argument, scope, env, b, seen);
          if (typeof v === 'string') out.push(...v);
          else if (isList(v)) out.push(...v);
          else return UNKNOWN;
          continue;
        }
        const v = ev(e, scope, env, b, seen);
        if (v === UNKNOWN) return UNKNOWN;
        out.push(v);
      }
      return out;
    }
    case 'ObjectExpression': {
      const out: { [k: string]: Val } = {};
      for (const p of n.properties) {
        if (p.type !== 'Property' || p.kind !== 'init') return UNKNOWN;
        const key = p.computed ? ev(p.key, scope, env, b, seen) : (p.key.name ?? p.key.value);
        if (key === UNKNOWN) return UNKNOWN;
        const v = ev(p.value, scope, env, b, seen);
        if (v === UNKNOWN) return UNKNOWN;
        out[String(key)] = v;
      }
      return out;
    }
    case 'UnaryExpression': {
      if (n.operator === 'typeof' || n.operator === 'delete') return UNKNOWN;
      const v = ev(n.argument, scope, env, b, seen);
      if (v === UNKNOWN) return UNKNOWN;
      switch (n.operator) {
        case '-': return -num(v);
        case '+': return num(v);
        case '!': return !v;
        case '~': return ~num(v);
        case 'void': return undefined;
        default: return UNKNOWN;
      }
    }
    case 'BinaryExpression': {
      const l = ev(n.left, scope, env, b, seen);
      if (l === UNKNOWN) return UNKNOWN;
      const r = ev(n.right, scope, env, b, seen);
      if (r === UNKNOWN) return UNKNOWN;
      return binary(n.operator, l, r);
    }
    case 'LogicalExpression': {
      const l = ev(n.left, scope, env, b, seen);
      if (l === UNKNOWN) return UNKNOWN;
      if (n.operator === '&&') return l ? ev(n.right, scope, env, b, seen) : l;
      if (n.operator === '||') return l ? l : ev(n.right, scope, env, b, seen);
      return l ?? ev(n.right, scope, env, b, seen);
    }
    case 'ConditionalExpression': {
      const t = ev(n.test, scope, env, b, seen);
      if (t === UNKNOWN) return UNKNOWN;
      return ev(t ? n.consequent : n.alternate, scope, env, b, seen);
    }
    case 'SequenceExpression': {
      let last: Result = undefined;
      for (const e of n.expressions) last = ev(e, scope, env, b, seen);
      return last;
    }
    case 'MemberExpression':
      return member(n, scope, env, b, seen);
    case 'CallExpression':
      return call(n, scope, env, b, seen);
    case 'NewExpression':
      return construct(n, scope, env, b, seen);
    case 'FunctionExpression':
    case 'ArrowFunctionExpression':
      return { fn: n, scope, env };
    case 'AssignmentExpression':
    case 'UpdateExpression':
      if (env) return assign(n, scope, env, b, seen);
      return UNKNOWN;
    default:
      return UNKNOWN;
  }
}

function ident(n: Node, scope: Scope | null, env: Env | null, b: Budget, seen: Set<Node>): Result {
  const name: string = n.name;
  for (let e = env; e; e = e.parent) if (e.vars.has(name)) return e.vars.get(name) as Val;
  if (name === 'undefined') return undefined;
  if (name === 'NaN') return NaN;
  if (name === 'Infinity') return Infinity;
  const d = scope ? lookup(scope, name) : null;
  if (!d) {
    b.free?.add(name);
    return scope ? externValue(scope, name) : UNKNOWN;
  }
  if (d.kind === 'function' && d.init) return { fn: d.init, scope: d.scope, env: null };
  if (d.kind === 'param' || d.kind === 'import' || d.kind === 'catch' || d.kind === 'class') return UNKNOWN;
  // A binding with one initialiser (or one lazy assignment) is treated as constant; we do not
  // track later mutation, which is acceptable for the tables and keys this is used on.
  let src: Node | null = d.init;
  if (!src || (src.type === 'Identifier' && src.name === 'undefined')) src = d.assigns.length === 1 ? (d.assigns[0] ?? null) : null;
  if (!src || seen.has(src) || seen.size > 40) return UNKNOWN;
  seen.add(src);
  try {
    return ev(src, d.scope, null, b, seen);
  } finally {
    seen.delete(src);
  }
}

/** A top-level binding of another piece of the same file, known to this piece (link.ts). */
function externValue(scope: Scope, name: string): Result {
  let root = scope;
  while (root.parent) root = root.parent;
  const x = root.externs?.get(name);
  return x ? x.value : UNKNOWN;
}

function member(n: Node, scope: Scope | null, env: Env | null, b: Budget, seen: Set<Node>): Result {
  const obj = ev(n.object, scope, env, b, seen);
  if (obj === UNKNOWN || obj === null || obj === undefined) return UNKNOWN;
  const key = n.computed ? ev(n.property, scope, env, b, seen) : n.property.name;
  if (key === UNKNOWN) return UNKNOWN;
  if (typeof obj === 'string' || isList(obj) || obj instanceof Uint8Array) {
    if (key === 'length') return obj.length;
    if (typeof key === 'number') return obj[key] as Val;
    return UNKNOWN;
  }
  if (typeof obj === 'object' && !isClosure(obj)) {
    const k = String(key);
    return Object.hasOwn(obj, k) ? (obj as Record<string, Val>)[k] : undefined;
  }
  return UNKNOWN;
}


function construct(n: Node, scope: Scope | null, env: Env | null, b: Budget, seen: Set<Node>): Result {
  const c = n.callee;
  if (c.type !== 'Identifier') return UNKNOWN;
  const args = evalArgs(n.arguments, scope, env, b, seen);
  if (!args) return UNKNOWN;
  if (c.name === 'Array' && args.length === 1 && typeof args[0] === 'number') return new Array<Val>(args[0]).fill(undefined);
  if (c.name === 'Set' && args.length <= 1) return isList(args[0]) ? [...new Set(args[0])] : args.length === 0 ? [] : UNKNOWN;
  if (c.name === 'Uint8Array' && isList(args[0])) return Uint8Array.from(args[0].map(num));
  if (c.name === 'TextDecoder') return { __textDecoder: true };
  if (c.name === 'String') return str(args[0]);
  return UNKNOWN;
}

function evalArgs(nodes: Node[], scope: Scope | null, env: Env | null, b: Budget, seen: Set<Node>): Val[] | null {
  const out: Val[] = [];
  for (const a of nodes) {
    if (a.type === 'SpreadElement') {
      const v = ev(a.argument, scope, env, b, seen);
      if (isList(v)) out.push(...v);
      else if (typeof v === 'string') out.push(...v);
      else return null;
      continue;
    }
    const v = ev(a, scope, env, b, seen);
    if (v === UNKNOWN) return null;
    out.push(v);
  }
  return out;
}

function call(n: Node, scope: Scope | null, env: Env | null, b: Budget, seen: Set<Node>): Result {
  const c = n.callee.type === 'ParenthesizedExpression' ? n.callee.expression : n.callee;
  // Global decoders.
  if (c.type === 'Identifier' && !(env && hasVar(env, c.name)) && !(scope && lookup(scope, c.name))) {
    const args = evalArgs(n.arguments, scope, env, b, seen);
    if (!args) return UNKNOWN;
    return globalCall(c.name, args);
  }
  if (c.type === 'MemberExpression') {
    const prop = c.computed ? ev(c.property, scope, env, b, seen) : c.property.name;
    if (typeof prop !== 'string') return UNKNOWN;
    const o = c.object;
    if (o.type === 'Identifier' && !(scope && lookup(scope, o.name)) && !(env && hasVar(env, o.name))) {
      const args = evalArgs(n.arguments, scope, env, b, seen);
      if (!args) return UNKNOWN;
      const g = staticCall(o.name, prop, args);
      if (g !== UNKNOWN) return g;
    }
    // String.fromCharCode.apply(null, arr) / fn.call(this, ...)
    if ((prop === 'apply' || prop === 'call') && o.type === 'MemberExpression') {
      const args = evalArgs(n.arguments.slice(1), scope, env, b, seen);
      if (!args) return UNKNOWN;
      const inner = prop === 'apply' ? (isList(args[0]) ? args[0] : null) : args;
      if (!inner) return UNKNOWN;
      if (o.object.type === 'Identifier' && !o.computed) return staticCall(o.object.name, o.property.name, inner);
      return UNKNOWN;
    }
    const recv = ev(o, scope, env, b, seen);
    if (recv === UNKNOWN) return UNKNOWN;
    // Callbacks (map/filter/reduce) are closures; other arguments must be constant.
    const args = evalArgs(n.arguments, scope, env, b, seen);
    if (!args) return UNKNOWN;
    return method(recv, prop, args, b);
  }
  const f = ev(c, scope, env, b, seen);
  if (!isClosure(f)) return UNKNOWN;
  const args = evalArgs(n.arguments, scope, env, b, seen);
  if (!args) return UNKNOWN;
  return invoke(f, args, b);
}

const hasVar = (env: Env, name: string): boolean => {
  for (let e: Env | null = env; e; e = e.parent) if (e.vars.has(name)) return true;
  return false;
};

function globalCall(name: string, args: Val[]): Result {
  const a0 = args[0];
  switch (name) {
    case 'atob': return typeof a0 === 'string' ? latin1(Buffer.from(a0, 'base64')) : UNKNOWN;
    case 'btoa': return typeof a0 === 'string' ? Buffer.from(a0, 'latin1').toString('base64') : UNKNOWN;
    case 'decodeURIComponent': case 'decodeURI': case 'unescape':
      try { return typeof a0 === 'string' ? (name === 'unescape' ? unescape(a0) : decodeURIComponent(a0)) : UNKNOWN; } catch { return UNKNOWN; }
    case 'encodeURIComponent': return typeof a0 === 'string' ? encodeURIComponent(a0) : UNKNOWN;
    case 'parseInt': return typeof a0 === 'string' || typeof a0 === 'number' ? parseInt(String(a0), args[1] === undefined ? 10 : num(args[1])) : UNKNOWN;
    case 'String': return str(a0);
    case 'Number': return num(a0);
    case 'Boolean': return !!a0;
    default: return UNKNOWN;
  }
}

function staticCall(obj: string, prop: string, args: Val[]): Result {
  const a0 = args[0];
  if (obj === 'String' && prop === 'fromCharCode') return String.fromCharCode(...args.map(num));
  if (obj === 'String' && prop === 'fromCodePoint') { try { return String.fromCodePoint(...args.map(num)); } catch { return UNKNOWN; } }
  if (obj === 'String' && prop === 'raw') return UNKNOWN;
  if (obj === 'JSON' && prop === 'parse' && typeof a0 === 'string') { try { return JSON.parse(a0) as Val; } catch { return UNKNOWN; } }
  if (obj === 'JSON' && prop === 'stringify' && a0 !== undefined && !isClosure(a0)) return JSON.stringify(a0);
  if (obj === 'Buffer' && prop === 'from') {
    if (typeof a0 === 'string') {
      const enc = typeof args[1] === 'string' ? args[1] : 'utf8';
      if (!Buffer.isEncoding(enc)) return UNKNOWN;
      return new Uint8Array(Buffer.from(a0, enc));
    }
    if (isList(a0)) return Uint8Array.from(a0.map(num));
    if (a0 instanceof Uint8Array) return new Uint8Array(a0);
  }
  if (obj === 'Array' && prop === 'from') {
    if (typeof a0 === 'string') return [...a0];
    if (isList(a0)) return [...a0];
    if (a0 instanceof Uint8Array) return [...a0];
  }
  if (obj === 'Object' && prop === 'keys' && a0 && typeof a0 === 'object' && !isList(a0) && !isClosure(a0) && !(a0 instanceof Uint8Array)) return Object.keys(a0);
  if (obj === 'Object' && prop === 'values' && a0 && typeof a0 === 'object' && !isList(a0) && !isClosure(a0) && !(a0 instanceof Uint8Array)) return Object.values(a0);
  if (obj === 'Math') {
    const f = (Math as unknown as Record<string, unknown>)[prop];
    if (typeof f === 'function' && prop !== 'random') return (f as (...x: number[]) => number)(...args.map(num));
  }
  return UNKNOWN;
}

function method(recv: Val, prop: string, args: Val[], b: Budget): Result {
  const a0 = args[0];
  const a1 = args[1];
  if (typeof recv === 'string') {
    switch (prop) {
      case 'split':
        if (typeof a0 === 'string') return recv.split(a0, typeof a1 === 'number' ? a1 : undefined);
        if (a0 === undefined) return [recv];
        return UNKNOWN;
      case 'charCodeAt': return recv.charCodeAt(a0 === undefined ? 0 : num(a0));
      case 'codePointAt': return recv.codePointAt(a0 === undefined ? 0 : num(a0));
      case 'charAt': return recv.charAt(num(a0));
      case 'at': return recv.at(num(a0));
      case 'slice': return recv.slice(a0 === undefined ? undefined : num(a0), a1 === undefined ? undefined : num(a1));
      case 'substring': return recv.substring(num(a0), a1 === undefined ? undefined : num(a1));
      case 'substr': return recv.substr(num(a0), a1 === undefined ? undefined : num(a1));
      case 'toLowerCase': return recv.toLowerCase();
      case 'toUpperCase': return recv.toUpperCase();
      case 'trim': return recv.trim();
      case 'concat': return recv.concat(...args.map(str));
      case 'repeat': return num(a0) * recv.length > MAX_STRING ? UNKNOWN : recv.repeat(num(a0));
      case 'replace': case 'replaceAll':
        if (typeof a0 === 'string' && typeof a1 === 'string') return prop === 'replace' ? recv.replace(a0, () => a1) : recv.split(a0).join(a1);
        return UNKNOWN;
      case 'toString': return recv;
      case 'normalize': return recv.normalize(typeof a0 === 'string' ? a0 : 'NFC');
      case 'padStart': return recv.padStart(num(a0), typeof a1 === 'string' ? a1 : ' ');
      case 'includes': return typeof a0 === 'string' ? recv.includes(a0) : UNKNOWN;
      case 'indexOf': return typeof a0 === 'string' ? recv.indexOf(a0) : UNKNOWN;
      case 'startsWith': return typeof a0 === 'string' ? recv.startsWith(a0) : UNKNOWN;
      case 'endsWith': return typeof a0 === 'string' ? recv.endsWith(a0) : UNKNOWN;
      default: return UNKNOWN;
    }
  }
  if (recv instanceof Uint8Array) {
    if (prop === 'toString') {
      const enc = typeof a0 === 'string' ? a0 : 'utf8';
      return Buffer.isEncoding(enc) ? Buffer.from(recv).toString(enc) : UNKNOWN;
    }
    if (prop === 'map' && isClosure(a0)) return Uint8Array.from([...recv].map((x, i) => num(must(invoke(a0, [x, i], b)))));
    if (prop === 'reverse') return recv.slice().reverse();
    return UNKNOWN;
  }
  if (recv && typeof recv === 'object' && !isList(recv) && !isClosure(recv) && (recv as Record<string, Val>).__textDecoder) {
    if (prop === 'decode' && a0 instanceof Uint8Array) return Buffer.from(a0).toString('utf8');
    return UNKNOWN;
  }
  if (isList(recv)) {
    switch (prop) {
      case 'join': return recv.map((x) => (x === null || x === undefined ? '' : str(x))).join(a0 === undefined ? ',' : str(a0));
      case 'reverse': return recv.slice().reverse();
      case 'slice': return recv.slice(a0 === undefined ? undefined : num(a0), a1 === undefined ? undefined : num(a1));
      case 'concat': return recv.concat(...args.map((x) => (isList(x) ? x : [x])));
      case 'includes': return recv.includes(a0);
      case 'indexOf': return recv.indexOf(a0);
      case 'flat': return recv.flat() as Val[];
      case 'map':
        if (!isClosure(a0)) return UNKNOWN;
        return recv.map((x, i) => { const v = invoke(a0, [x, i], b); if (v === UNKNOWN) throw new Stop(); return v; });
      case 'filter':
        if (isClosure(a0)) return recv.filter((x, i) => { const v = invoke(a0, [x, i], b); if (v === UNKNOWN) throw new Stop(); return !!v; });
        return UNKNOWN;
      case 'reduce': {
        if (!isClosure(a0)) return UNKNOWN;
        let acc: Val = args.length > 1 ? a1 : recv[0];
        for (let i = args.length > 1 ? 0 : 1; i < recv.length; i++) {
          const v = invoke(a0, [acc, recv[i], i], b);
          if (v === UNKNOWN) return UNKNOWN;
          acc = v;
        }
        return acc;
      }
      case 'sort': return recv.slice().sort();
      case 'toString': return recv.join(',');
      default: return UNKNOWN;
    }
  }
  if (isClosure(recv) && (prop === 'call' || prop === 'apply')) {
    return invoke(recv, prop === 'call' ? args.slice(1) : isList(a1) ? a1 : [], b);
  }
  return UNKNOWN;
}

export function invoke(f: Closure, args: Val[], b: Budget = { steps: 0, depth: 0, free: null }): Result {
  const fn = f.fn;
  if (!isFunction(fn) || fn.async || fn.generator) return UNKNOWN;
  if (fn.end - fn.start > MAX_FN_NODES * 8) return UNKNOWN;
  if (++b.depth > 30) throw new Stop();
  const env: Env = { vars: new Map(), parent: f.env };
  fn.params.forEach((p: Node, i: number) => {
    if (p.type === 'Identifier') env.vars.set(p.name, args[i]);
    else if (p.type === 'AssignmentPattern' && p.left.type === 'Identifier') {
      env.vars.set(p.left.name, args[i] === undefined ? (ev(p.right, f.scope, env, b, new Set()) as Val) : args[i]);
    } else throw new Stop();
  });
  try {
    if (fn.body.type !== 'BlockStatement') return ev(fn.body, f.scope, env, b, new Set());
    const r = block(fn.body.body, f.scope, env, b);
    return r instanceof Return ? r.value : undefined;
  } finally {
    b.depth--;
  }
}

type Flow = Return | typeof BREAK | typeof CONTINUE | undefined;

function block(stmts: Node[], scope: Scope | null, env: Env, b: Budget): Flow {
  for (const s of stmts) {
    const r = exec(s, scope, env, b);
    if (r !== undefined) return r;
  }
  return undefined;
}

function must(v: Result): Val {
  if (v === UNKNOWN) throw new Stop();
  return v;
}

function exec(s: Node, scope: Scope | null, env: Env, b: Budget): Flow {
  tick(b);
  const e = (x: Node): Val => must(ev(x, scope, env, b, new Set()));
  switch (s.type) {
    case 'ExpressionStatement': e(s.expression); return undefined;
    case 'VariableDeclaration':
      for (const d of s.declarations) {
        if (d.id.type !== 'Identifier') throw new Stop();
        env.vars.set(d.id.name, d.init ? e(d.init) : undefined);
      }
      return undefined;
    case 'ReturnStatement': return new Return(s.argument ? e(s.argument) : undefined);
    case 'BlockStatement': return block(s.body, scope, env, b);
    case 'EmptyStatement': return undefined;
    case 'IfStatement':
      if (e(s.test)) return exec(s.consequent, scope, env, b);
      return s.alternate ? exec(s.alternate, scope, env, b) : undefined;
    case 'ForStatement': {
      if (s.init) { if (s.init.type === 'VariableDeclaration') exec(s.init, scope, env, b); else e(s.init); }
      while (!s.test || e(s.test)) {
        const r = exec(s.body, scope, env, b);
        if (r === BREAK) break;
        if (r instanceof Return) return r;
        if (s.update) e(s.update);
      }
      return undefined;
    }
    case 'WhileStatement':
      while (e(s.test)) {
        const r = exec(s.body, scope, env, b);
        if (r === BREAK) break;
        if (r instanceof Return) return r;
      }
      return undefined;
    case 'ForOfStatement': {
      const it = e(s.right);
      const items: Val[] = typeof it === 'string' ? [...it] : isList(it) ? it : it instanceof Uint8Array ? [...it] : [];
      if (!(typeof it === 'string' || isList(it) || it instanceof Uint8Array)) throw new Stop();
      const left = s.left.type === 'VariableDeclaration' ? s.left.declarations[0]?.id : s.left;
      if (left?.type !== 'Identifier') throw new Stop();
      for (const x of items) {
        env.vars.set(left.name, x);
        const r = exec(s.body, scope, env, b);
        if (r === BREAK) break;
        if (r instanceof Return) return r;
      }
      return undefined;
    }
    case 'BreakStatement': return BREAK;
    case 'ContinueStatement': return CONTINUE;
    default: throw new Stop();
  }
}

function assign(n: Node, scope: Scope | null, env: Env, b: Budget, seen: Set<Node>): Result {
  const target = n.type === 'UpdateExpression' ? n.argument : n.left;
  const cur = (): Val => must(ev(target, scope, env, b, seen));
  let value: Val;
  if (n.type === 'UpdateExpression') {
    const old = num(cur());
    value = n.operator === '++' ? old + 1 : old - 1;
    store(target, value, scope, env, b, seen);
    return n.prefix ? value : old;
  }
  const rhs = must(ev(n.right, scope, env, b, seen));
  value = n.operator === '=' ? rhs : must(binary(n.operator.slice(0, -1), cur(), rhs));
  store(target, value, scope, env, b, seen);
  return value;
}

function store(target: Node, value: Val, scope: Scope | null, env: Env, b: Budget, seen: Set<Node>): void {
  if (target.type === 'Identifier') {
    for (let e: Env | null = env; e; e = e.parent) if (e.vars.has(target.name)) { e.vars.set(target.name, value); return; }
    throw new Stop(); // writes to outer state are side effects we do not model
  }
  if (target.type === 'MemberExpression') {
    const obj = must(ev(target.object, scope, env, b, seen));
    const key = target.computed ? must(ev(target.property, scope, env, b, seen)) : target.property.name;
    if (isList(obj) && typeof key === 'number' && key >= 0 && key < 1e6) { obj[key] = value; return; }
    if (obj instanceof Uint8Array && typeof key === 'number') { obj[key] = num(value); return; }
  }
  throw new Stop();
}

function binary(op: string, l: Val, r: Val): Result {
  switch (op) {
    case '+': {
      if (typeof l === 'number' && typeof r === 'number') return l + r;
      const s = str(l) + str(r);
      if (s.length > MAX_STRING) throw new Stop();
      return s;
    }
    case '-': return num(l) - num(r);
    case '*': return num(l) * num(r);
    case '/': return num(l) / num(r);
    case '%': return num(l) % num(r);
    case '**': return num(l) ** num(r);
    case '^': return num(l) ^ num(r);
    case '&': return num(l) & num(r);
    case '|': return num(l) | num(r);
    case '<<': return num(l) << num(r);
    case '>>': return num(l) >> num(r);
    case '>>>': return num(l) >>> num(r);
    case '===': return l === r;
    case '!==': return l !== r;
    case '==': return l == r;
    case '!=': return l != r;
    case '<': return num(l) < num(r);
    case '>': return num(l) > num(r);
    case '<=': return num(l) <= num(r);
    case '>=': return num(l) >= num(r);
    default: return UNKNOWN;
  }
}

function num(v: Val | undefined): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') return Number(v);
  if (v === null) return 0;
  return NaN;
}

function str(v: Val | undefined): string {
  if (typeof v === 'string') return v;
  if (v === undefined) return 'undefined';
  if (v === null) return 'null';
  if (Array.isArray(v)) return v.map((x) => (x === null || x === undefined ? '' : str(x))).join(',');
  if (v instanceof Uint8Array) return Array.from(v).join(',');
  if (typeof v === 'object') return isClosure(v) ? 'function' : '[object Object]';
  return String(v);
}

function latin1(buf: Buffer): string {
  return buf.toString('latin1');
}

export function toText(v: Result): string | null {
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return Buffer.from(v).toString('utf8');
  return null;
}

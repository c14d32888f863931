// The single AST walk. It builds a light scope tree (function-level: block-scoped names are put in
// the nearest function, which is enough for minified bundles where names are unique per function),
// indexes identifier references, and collects the nodes that rules subscribed to. Rules run after
// the walk, not during it, because bundles use hoisted names before their declaration (esbuild's
// `var x; ... x = [...]` lazy initialisers), so a rule needs every declaration to be known.
// The walk is iterative: minified code has left-deep `a+b+c+...` chains thousands of nodes deep.
import { visitorKeys } from 'oxc-parser';
import { calleeName, propName } from './ast-names.ts';
import type { Node } from './types.ts';
import type { Extern } from './definition.ts';

export type DeclKind = 'var' | 'let' | 'const' | 'function' | 'param' | 'import' | 'catch' | 'class';

export interface Scope {
  id: number;
  parent: Scope | null;
  node: Node; // Program or a function
  decls: Map<string, Decl>;
  /** On the root scope of a piece of a split bundle: program-scope bindings of its other pieces. */
  externs?: Map<string, Extern>;
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
  /**
   * The callee's last name for a call or `new` (calleeName), the property name for a member
   * expression (propName), else null. Read off while the walk has the node at hand, so that rules
   * that look for particular names skip other sites without reading their nodes again.
   */
  name: string | null;
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

// What the walk does with a node, decided once per type instead of per node. The special cases
// declare names or skip children; the others push children. For the child-key lists most nodes
// have, the walk reads the keys by name (fast, per-type property access) instead of looping over
// a key list (a slow generic property load per key); the order and the checks are the loop's.
const OP_KEYS = 0; // generic loop over KEYS
const OP_ANY = 1; // type without visitor keys: every object-valued field
const OP_IDENTIFIER = 2;
const OP_FUNCTION = 3;
const OP_VAR_DECLARATION = 4;
const OP_CLASS_DECLARATION = 5; // declares, then its keys
const OP_CATCH = 6;
const OP_IMPORT = 7;
const OP_ASSIGNMENT = 8; // records `x = ...`, then left, right
const OP_MEMBER = 9;
const OP_PROPERTY = 10;
const OP_LABELED = 11;
const OP_NO_CHILDREN = 12; // break/continue labels, export-all and meta properties are not walked
const OP_EXPORT_NAMED = 13;
const OP_LEAF = 14; // no child keys
const OP_LEFT_RIGHT = 15;
const OP_CALLEE_ARGUMENTS = 16;
const OP_EXPRESSION = 17;
const OP_ARGUMENT = 18;
const OP_BODY = 19;
const OP_TEST_CONSEQUENT_ALTERNATE = 20;
const OP_PROPERTIES = 21;
const OP_EXPRESSIONS = 22;
const OP_ELEMENTS = 23;
const OP_QUASIS_EXPRESSIONS = 24;
const OP_TEST_CONSEQUENT = 25;

const SPECIAL = new Map<string, number>([
  ['Identifier', OP_IDENTIFIER],
  ['FunctionDeclaration', OP_FUNCTION], ['FunctionExpression', OP_FUNCTION], ['ArrowFunctionExpression', OP_FUNCTION],
  ['VariableDeclaration', OP_VAR_DECLARATION], ['ClassDeclaration', OP_CLASS_DECLARATION], ['CatchClause', OP_CATCH], ['ImportDeclaration', OP_IMPORT],
  ['AssignmentExpression', OP_ASSIGNMENT], ['MemberExpression', OP_MEMBER],
  ['Property', OP_PROPERTY], ['MethodDefinition', OP_PROPERTY], ['PropertyDefinition', OP_PROPERTY], ['AccessorProperty', OP_PROPERTY],
  ['LabeledStatement', OP_LABELED],
  ['BreakStatement', OP_NO_CHILDREN], ['ContinueStatement', OP_NO_CHILDREN], ['ExportAllDeclaration', OP_NO_CHILDREN], ['MetaProperty', OP_NO_CHILDREN],
  ['ExportNamedDeclaration', OP_EXPORT_NAMED],
]);
const BY_KEYS = new Map<string, number>([
  ['', OP_LEAF], ['left,right', OP_LEFT_RIGHT], ['callee,arguments', OP_CALLEE_ARGUMENTS], ['expression', OP_EXPRESSION], ['argument', OP_ARGUMENT],
  ['body', OP_BODY], ['test,consequent,alternate', OP_TEST_CONSEQUENT_ALTERNATE], ['properties', OP_PROPERTIES], ['expressions', OP_EXPRESSIONS],
  ['elements', OP_ELEMENTS], ['quasis,expressions', OP_QUASIS_EXPRESSIONS], ['test,consequent', OP_TEST_CONSEQUENT],
]);

function opOf(type: string): number {
  const special = SPECIAL.get(type);
  if (special !== undefined) return special;
  const keys = KEYS.get(type);
  if (!keys) return OP_ANY;
  return BY_KEYS.get(keys.join(',')) ?? OP_KEYS;
}


/** Per walk: a type's operation, whether a rule subscribed to it, and its sites so far. */
interface TypeInfo { op: number; keys: readonly string[] | undefined; subscribed: boolean; naming: number; sites: Site[] | null }

// Which name a site of a type records.
const NAME_NONE = 0;
const NAME_CALLEE = 1;
const NAME_PROPERTY = 2;
const namingOf = (type: string): number =>
  type === 'CallExpression' || type === 'NewExpression' ? NAME_CALLEE : type === 'MemberExpression' ? NAME_PROPERTY : NAME_NONE;

export function walk(program: Node, subscribed: ReadonlySet<string>): WalkResult {
  const w = new Walker(program, subscribed);
  w.run();
  for (const [name, scope, rhs] of w.pendingAssigns) { const d = lookup(scope, name); if (d) d.assigns.push(rhs); }
  return { program, root: w.root, scopes: w.scopes, sites: w.sites, refs: w.refs, names: w.names, nodeCount: w.nodeCount };
}

/**
 * The walk's state and steps. Methods rather than closures made per walk: a worker walks several
 * pieces, and optimised code that had inlined one walk's closures was thrown away on the next
 * walk ("wrong call target") and the whole loop compiled again, ~50 ms a time, several times per
 * worker. The rare, larger steps are methods of their own so that the hot loop stays small to
 * compile.
 */
class Walker {
  private nextId = 0;
  readonly root: Scope;
  readonly scopes: Map<Node, Scope>;
  readonly sites = new Map<string, Site[]>();
  readonly refs = new Map<string, Site[]>();
  readonly names = new Map<string, Node>();
  readonly pendingAssigns: Array<[string, Scope, Node]> = [];
  nodeCount = 0;
  private readonly types = new Map<string, TypeInfo>();
  private readonly declaratorInfo: TypeInfo | null;
  // The explicit stack, as parallel arrays: no tuple allocation per node.
  private readonly stNodes: Node[];
  private readonly stParents: Array<Node | null> = [null];
  private readonly stScopes: Scope[];
  private readonly stBindings: boolean[] = [false];

  constructor(program: Node, private readonly subscribed: ReadonlySet<string>) {
    this.root = { id: this.nextId++, parent: null, node: program, decls: new Map() };
    this.scopes = new Map<Node, Scope>([[program, this.root]]);
    this.declaratorInfo = subscribed.has('VariableDeclarator') ? this.infoOf('VariableDeclarator') : null;
    this.stNodes = [program];
    this.stScopes = [this.root];
  }

  private infoOf(type: string): TypeInfo {
    let info = this.types.get(type);
    if (info === undefined) {
      info = { op: opOf(type), keys: KEYS.get(type), subscribed: this.subscribed.has(type), naming: namingOf(type), sites: null };
      this.types.set(type, info);
    }
    return info;
  }

  // A site list enters `sites` when its first site is found.
  private addSite(info: TypeInfo, type: string, node: Node, scope: Scope, parent: Node | null): void {
    if (info.sites === null) this.sites.set(type, (info.sites = []));
    const name = info.naming === NAME_NONE ? null : info.naming === NAME_CALLEE ? calleeName(node) : propName(node);
    info.sites.push({ node, scope, parent, name });
  }

  private declare(name: string, kind: DeclKind, scope: Scope, id: Node, init: Node | null, extra?: Partial<Decl>): void {
    const prev = scope.decls.get(name);
    if (prev && prev.init && !init) return; // `var x = 1; var x;` keeps the initialiser
    const assigns = prev ? prev.assigns : [];
    scope.decls.set(name, extra ? { name, kind, scope, id, init, assigns, ...extra } : { name, kind, scope, id, init, assigns });
  }

  private declarePattern(p: Node | null, kind: DeclKind, scope: Scope, init: Node | null): void {
    if (!p) return;
    switch (p.type) {
      case 'Identifier': this.declare(p.name, kind, scope, p, init); break;
      case 'ObjectPattern':
        for (const prop of p.properties) {
          if (prop.type === 'RestElement') this.declarePattern(prop.argument, kind, scope, null);
          // `const {TZ} = process.env` keeps a pseudo-initialiser: the member it reads.
          else this.declarePattern(prop.value, kind, scope, init && !prop.computed && prop.key.type === 'Identifier'
            ? { type: 'MemberExpression', object: init, property: prop.key, computed: false, optional: false, start: prop.start, end: prop.end }
            : null);
        }
        break;
      case 'ArrayPattern': for (const e of p.elements) this.declarePattern(e, kind, scope, null); break;
      case 'AssignmentPattern': this.declarePattern(p.left, kind, scope, init ?? p.right); break;
      case 'RestElement': this.declarePattern(p.argument, kind, scope, null); break;
      case 'TSParameterProperty': this.declarePattern(p.parameter, kind, scope, null); break;
      default: break;
    }
  }

  private push(n: Node, parent: Node | null, scope: Scope, binding: boolean): void {
    this.stNodes.push(n);
    this.stParents.push(parent);
    this.stScopes.push(scope);
    this.stBindings.push(binding);
  }

  // One child field, with the generic loop's checks: arrays pushed last-first (so that they are
  // visited in order), single values only when they are nodes.
  private pushField(v: unknown, parent: Node, scope: Scope, binding: boolean): void {
    if (v === null || v === undefined) return;
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) {
        const c: unknown = v[i];
        if (c !== null && typeof c === 'object') this.push(c as Node, parent, scope, binding);
      }
    } else if (typeof v === 'object' && typeof (v as Node).type === 'string') this.push(v as Node, parent, scope, binding);
  }

  // Default values and computed keys inside a binding pattern are expressions to walk.
  private pushPatternExprs(p: Node | null, parent: Node, scope: Scope): void {
    if (!p) return;
    switch (p.type) {
      case 'AssignmentPattern': this.push(p.right, parent, scope, false); this.pushPatternExprs(p.left, parent, scope); break;
      case 'ObjectPattern':
        for (const prop of p.properties) {
          if (prop.type === 'RestElement') this.pushPatternExprs(prop.argument, parent, scope);
          else { if (prop.computed) this.push(prop.key, parent, scope, false); this.pushPatternExprs(prop.value, parent, scope); }
        }
        break;
      case 'ArrayPattern': for (const e of p.elements) this.pushPatternExprs(e, parent, scope); break;
      case 'RestElement': this.pushPatternExprs(p.argument, parent, scope); break;
      default: break;
    }
  }

  private identifier(node: Node, info: TypeInfo, parent: Node | null, scope: Scope, binding: boolean): void {
    const name: string = node.name;
    if (!binding && parent !== null && parent.type === 'CallExpression' && parent.callee === node) {
      let list = this.refs.get(name);
      if (!list) this.refs.set(name, (list = []));
      list.push({ node, scope, parent, name: null });
    }
    if (!this.names.has(name)) this.names.set(name, node);
    if (info.subscribed) this.addSite(info, 'Identifier', node, scope, parent);
  }

  private fn(node: Node, scope: Scope): void {
    const fnScope: Scope = { id: this.nextId++, parent: scope, node, decls: new Map() };
    this.scopes.set(node, fnScope);
    if (node.id) {
      if (node.type === 'FunctionDeclaration') this.declare(node.id.name, 'function', fnScopeOf(scope), node.id, node);
      else this.declare(node.id.name, 'function', fnScope, node.id, node);
    }
    for (const p of node.params) { this.declarePattern(p, 'param', fnScope, null); this.pushPatternExprs(p, node, fnScope); }
    if (node.body) this.push(node.body, node, fnScope, false);
  }

  private varDeclaration(node: Node, scope: Scope): void {
    const target = node.kind === 'var' ? fnScopeOf(scope) : scope;
    for (const d of node.declarations) {
      this.declarePattern(d.id, node.kind === 'var' ? 'var' : node.kind === 'const' ? 'const' : 'let', target, d.init ?? null);
      if (this.declaratorInfo) this.addSite(this.declaratorInfo, 'VariableDeclarator', d, scope, node);
      this.pushPatternExprs(d.id, d, scope);
      if (d.init) this.push(d.init, d, scope, false);
    }
  }

  private importDeclaration(node: Node, scope: Scope): void {
    for (const s of node.specifiers) {
      const importName = s.type === 'ImportSpecifier' ? (s.imported.name ?? s.imported.value) : s.type === 'ImportDefaultSpecifier' ? 'default' : '*';
      this.declare(s.local.name, 'import', scope, s.local, null, { importSource: node.source.value, importName });
    }
  }

  /** Children of a type without a dedicated step: its visitor keys, or every node-valued field. */
  private children(node: Node, keys: readonly string[] | undefined, scope: Scope, binding: boolean): void {
    if (keys) { for (let k = keys.length - 1; k >= 0; k--) this.pushField(node[keys[k] as string], node, scope, binding); return; }
    for (const key in node) {
      if (key === 'type' || key === 'start' || key === 'end' || SKIP_KEYS.has(key)) continue;
      const v = node[key];
      if (v === null || typeof v !== 'object') continue;
      if (Array.isArray(v)) {
        for (let i = v.length - 1; i >= 0; i--) { const c = v[i]; if (c !== null && typeof c === 'object' && typeof c.type === 'string') this.push(c, node, scope, binding); }
      } else if (typeof v.type === 'string') this.push(v as Node, node, scope, binding);
    }
  }

  run(): void {
    const { stNodes, stParents, stScopes, stBindings } = this;
    while (stNodes.length > 0) {
      const node = stNodes.pop() as Node;
      const parent = stParents.pop() as Node | null;
      const scope = stScopes.pop() as Scope;
      const binding = stBindings.pop() as boolean;
      this.nodeCount++;
      const type = node.type;
      const info = this.infoOf(type);
      const op = info.op;

      if (op === OP_IDENTIFIER) { this.identifier(node, info, parent, scope, binding); continue; }
      if (info.subscribed) this.addSite(info, type, node, scope, parent);

      switch (op) {
        case OP_LEAF: continue;
        case OP_MEMBER:
          this.push(node.object, node, scope, false);
          if (node.computed) this.push(node.property, node, scope, false);
          continue;
        // Children are pushed in reverse so that they are visited in key order.
        case OP_CALLEE_ARGUMENTS: this.pushField(node.arguments, node, scope, binding); this.pushField(node.callee, node, scope, binding); continue;
        case OP_PROPERTY:
          if (node.computed) this.push(node.key, node, scope, false);
          if (node.value) this.push(node.value, node, scope, binding);
          continue;
        case OP_ASSIGNMENT:
          if (node.left.type === 'Identifier' && node.operator === '=') this.pendingAssigns.push([node.left.name, scope, node.right]);
          this.pushField(node.right, node, scope, binding); this.pushField(node.left, node, scope, binding); continue;
        case OP_LEFT_RIGHT: this.pushField(node.right, node, scope, binding); this.pushField(node.left, node, scope, binding); continue;
        case OP_EXPRESSION: this.pushField(node.expression, node, scope, binding); continue;
        case OP_ARGUMENT: this.pushField(node.argument, node, scope, binding); continue;
        case OP_BODY: this.pushField(node.body, node, scope, binding); continue;
        case OP_TEST_CONSEQUENT_ALTERNATE:
          this.pushField(node.alternate, node, scope, binding); this.pushField(node.consequent, node, scope, binding); this.pushField(node.test, node, scope, binding); continue;
        case OP_PROPERTIES: this.pushField(node.properties, node, scope, binding); continue;
        case OP_EXPRESSIONS: this.pushField(node.expressions, node, scope, binding); continue;
        case OP_ELEMENTS: this.pushField(node.elements, node, scope, binding); continue;
        case OP_QUASIS_EXPRESSIONS: this.pushField(node.expressions, node, scope, binding); this.pushField(node.quasis, node, scope, binding); continue;
        case OP_TEST_CONSEQUENT: this.pushField(node.consequent, node, scope, binding); this.pushField(node.test, node, scope, binding); continue;
        case OP_FUNCTION: this.fn(node, scope); continue;
        case OP_VAR_DECLARATION: this.varDeclaration(node, scope); continue;
        case OP_CLASS_DECLARATION: if (node.id) this.declare(node.id.name, 'class', scope, node.id, node); break;
        case OP_CATCH:
          if (node.param) this.declarePattern(node.param, 'catch', scope, null);
          if (node.body) this.push(node.body, node, scope, false);
          continue;
        case OP_IMPORT: this.importDeclaration(node, scope); continue;
        case OP_LABELED: this.push(node.body, node, scope, false); continue;
        case OP_NO_CHILDREN: continue;
        case OP_EXPORT_NAMED: if (node.declaration) this.push(node.declaration, node, scope, false); continue;
        default: break;
      }
      this.children(node, info.keys, scope, binding);
    }
  }
}

/** Scopes are per function, so `var` and block-scoped names share the current scope. */
const fnScopeOf = (scope: Scope): Scope => scope;

export function lookup(scope: Scope | null, name: string): Decl | null {
  for (let s = scope; s; s = s.parent) {
    const d = s.decls.get(name);
    if (d) return d;
  }
  return null;
}


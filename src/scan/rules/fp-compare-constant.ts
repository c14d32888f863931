// The heart of the scanner: a fingerprint value compared with region-, company- or
// network-specific constants. Registers each comparison as a decision site that the flow rules
// and covert-fingerprint-gate follow to what the tool sends.
import type { Analysis } from '../analysis.ts';
import type { Rule } from '../rule.ts';
import type { Node, Severity } from '../types.ts';
import { FP_LABEL } from '../types.ts';
import { CONFIG_MASK, kindBit, kindsOf } from '../derive.ts';
import { isSpecificConstant, classifyList, describeKind } from '../classify.ts';
import { isFunction, type Scope, type Site } from '../walk.ts';
import { definition, TRIVIAL, verbatim } from '../definition.ts';
import { list, strings } from '../rule-helpers.ts';

const EQ = new Set(['===', '==', '!==', '!=']);
const RECEIVER_HOLDS_LIST = new Set(['includes', 'indexOf', 'lastIndexOf', 'has']);
const VALUE_METHODS = new Set(['includes', 'indexOf', 'startsWith', 'endsWith', 'match', 'search', 'localeCompare']);
const ITERATORS = new Set(['some', 'find', 'findIndex', 'filter', 'every']);
/** Every method name the CallExpression visitor acts on: other calls are skipped by their site's name. */
const METHODS = new Set([...RECEIVER_HOLDS_LIST, ...VALUE_METHODS, 'test', ...ITERATORS]);
const IDENTITY = kindBit('hostname') | kindBit('username') | kindBit('network') | kindBit('machine-id') | kindBit('software');

export const rule: Rule = {
  meta: {
    id: 'fp-compare-constant',
    category: 'fingerprint',
    severity: 'high',
    title: 'Fingerprint compared with region-, company- or network-specific constants',
    explanation:
      'A value read from the machine (time zone, locale, host or user name, base URL host, proxy, MAC) is compared with specific constants: ' +
      'time-zone names, locale tags, domain suffixes, lists of hosts or companies. This is how a tool singles out users by country, ' +
      'employer or network. High when the constants are hidden (encoded) or the value identifies the machine; low for a plain check ' +
      'that the base URL is the vendor\'s own API.',
  },
  visit: {
    BinaryExpression(s, a) {
      const n = s.node;
      if (EQ.has(n.operator)) {
        if (!check(a, s, n.left, n.right)) check(a, s, n.right, n.left);
      } else if (n.operator === 'in') {
        check(a, s, n.left, n.right);
      }
    },
    CallExpression(s, a) {
      if (s.name === null || !METHODS.has(s.name)) return;
      const n = s.node;
      const c = n.callee;
      if (c.type !== 'MemberExpression' || n.arguments.length === 0) return;
      const name = s.name;
      const arg = n.arguments[0];
      if (RECEIVER_HOLDS_LIST.has(name) && check(a, s, arg, c.object)) return;
      if (VALUE_METHODS.has(name) && check(a, s, c.object, arg)) return;
      if (name === 'test' && check(a, s, arg, c.object)) return;
      if (ITERATORS.has(name) && isFunction(arg)) {
        const fnScope = a.w.scopes.get(arg);
        if (!fnScope) return;
        for (const r of a.deriver.returnExprs(arg)) if (check(a, s, r, c.object, fnScope)) return;
      }
    },
    SwitchStatement(s, a) {
      const tests = s.node.cases.map((c: Node) => c.test).filter(Boolean) as Node[];
      if (tests.length === 0) return;
      const t = a.derive(s.node.discriminant, s.scope);
      if (!t || t.kinds === 0) return;
      const constants: string[] = [];
      const free = a.wants ? new Set<string>() : undefined;
      for (const x of tests) {
        const v = a.evaluate(x, s.scope, free);
        if (typeof v === 'string' || typeof v === 'number') constants.push(String(v));
      }
      // A case constant another piece defines: the whole file would list it too (link.ts).
      if (free) for (const name of free) a.wants?.add(name);
      if (constants.length > 0) register(a, s, s.node, t.kinds, constants, tests[0] as Node, s.scope);
    },
    MemberExpression(s, a) {
      if (s.node.computed && s.node.property.type !== 'Literal') check(a, s, s.node.property, s.node.object);
    },
  },
};

/** `value` derives from a fingerprint and `constant` evaluates to constants: register a site. */
function check(a: Analysis, s: Site, value: Node | undefined, constant: Node | undefined, valueScope?: Scope): boolean {
  if (!value || !constant || value.type === 'Literal' || constant.type === 'ThisExpression') return false;
  if (!CONSTANT_TYPES.has(constant.type)) return false;
  const t = a.derive(value, valueScope ?? s.scope);
  if (!t || t.kinds === 0) return false;
  let constants: string[] | null;
  if (constant.type === 'Literal' && constant.regex) constants = [`/${constant.regex.pattern}/${constant.regex.flags}`];
  else {
    // In a piece of a split bundle, names no scope here binds may be lists defined in another piece.
    const free = a.wants ? new Set<string>() : undefined;
    const v = a.evaluate(constant, s.scope, free);
    constants = typeof v === 'number' ? [String(v)] : strings(v);
    if (free && (!constants || constants.length === 0)) for (const name of free) a.wants?.add(name);
  }
  if (!constants || constants.length === 0) return false;
  return register(a, s, s.node, t.kinds, constants, constant, s.scope);
}

const CONSTANT_TYPES = new Set(['Literal', 'UnaryExpression', 'TemplateLiteral', 'ArrayExpression', 'ObjectExpression', 'Identifier', 'MemberExpression', 'CallExpression', 'NewExpression']);

function register(a: Analysis, s: Site, node: Node, kinds: number, constants: string[], constNode: Node, scope: Scope): boolean {
  if (a.compareAt.has(node)) return true;
  const meaningful = constants.filter((c) => !TRIVIAL.has(c));
  if (meaningful.length === 0) return false;
  const tzOffset = kinds & kindBit('timezone') && meaningful.some((c) => /^-?\d+(\.\d+)?$/.test(c) && Number(c) !== 0);
  const regexSpecific = meaningful.some((c) => c.startsWith('/') && /[A-Z][a-z]+\/[A-Z]|\\\.[a-z]{2,}|[a-z]{2}[-_][A-Z]{2}/.test(c));
  const specific = tzOffset || regexSpecific || meaningful.some(isSpecificConstant);
  const hidden = meaningful.some((c) => a.hiddenValues.has(c)) || !verbatim(a, constNode, scope, meaningful);
  if (!specific && !hidden && !(kinds & IDENTITY)) return false;

  const def = definition(constNode, scope);
  const configOnly = (kinds & ~CONFIG_MASK) === 0;
  let severity: Severity = 'medium';
  if (hidden) severity = 'high';
  else if (kinds & IDENTITY && specific) severity = 'high';
  else if (configOnly && meaningful.length <= 3) severity = 'low';
  else if (kinds & kindBit('timezone') && specific && meaningful.length >= 2) severity = 'high';
  // Choosing a UI language from the locale is routine unless the tags are hidden.
  if (!hidden && kinds === kindBit('locale')) severity = 'low';

  a.addCompare({ node, scope: s.scope, kinds, constants: meaningful, hidden, specific, severity, listNode: def });
  const cls = classifyList(meaningful);
  const what = kindsOf(kinds).map((k) => FP_LABEL[k]).join(' and ');
  const consts = meaningful.length === 1 ? list(meaningful) : `${meaningful.length} ${cls ? describeKind(cls.kind) : 'constants'}: ${list(meaningful, 6)}`;
  a.report(rule, {
    node,
    severity,
    kinds,
    message: `compares the ${what} with ${consts}${hidden ? ' — the constants are hidden (decoded at run time)' : ''}.`,
    decoded: hidden || meaningful.length > 1 ? meaningful : undefined,
    related: def && def !== constNode ? [{ node: def, note: hidden ? 'hidden list defined here' : 'constants defined here' }] : undefined,
    data: { constants: meaningful.slice(0, 200), hidden },
  });
  return true;
}

// Event names: string constants passed as the first argument to the same logging function, the
// "what is sent" of a telemetry endpoint. Minified bundles rename the logger, so the grouping is by
// call target and the names are recognised by shape (snake_case or dotted identifiers).
//
// A function called with a name-like string is not necessarily a logger: feature-flag lookups
// (`I8("tengu_compact_line_prefix_killswitch",!1)`), error constructors (sharp's
// `throw w1.invalidParameterError("create.channels", …)`), token builders (markdown-it's
// `state.push("blockquote_open", …)`), handler registrations, i18n lookups and the builders of a
// diagram or a DOM tree (mermaid's `yy.addContainer("container_db", ...$$[$0])`, d3's
// `g.insert("svg:rect")`) take one too. What tells an event logger apart is how it is called
// (callKind): for its effect, its result unused, or with an object of event properties; never with
// a literal default whose result is used, nor with values spread after the name.
import type { Rule } from '../rule.ts';
import type { Node } from '../types.ts';
import { lookup, type Scope } from '../walk.ts';

const EVENT_RE = /^[a-z][a-z0-9]*(?:[_.:][a-z0-9]+){1,8}$/;
const LOGGER_RE = /^(log|track|capture|record|send|emit|report)[A-Z]?\w*Event$|^(logEvent|track|capture|trackEvent|logTelemetry|sendTelemetry|recordEvent)$/;
/**
 * Callee names that are never a logger: array, Map/Set and URLSearchParams/FormData methods (a
 * token or a field name), event emitters and subscriptions (events of the process, not sent),
 * module loading, and the DOM's and d3's node builders (an element, class or style name).
 * `setAttribute` is not among them: on an OpenTelemetry span it records what is sent.
 */
const NOT_LOGGER = new Set([
  'require', 'push', 'unshift', 'concat', 'includes', 'indexOf', 'lastIndexOf', 'splice', 'fill', 'find', 'findIndex', 'findLast', 'join', 'at',
  'get', 'has', 'set', 'add', 'delete', 'append',
  'on', 'once', 'off', 'emit', '_emit', 'addListener', 'removeListener', 'prependListener', 'prependOnceListener', 'removeAllListeners',
  'listeners', 'listenerCount', 'addEventListener', 'removeEventListener', 'subscribe', 'unsubscribe', 'trigger',
  'insert', 'insertBefore', 'appendChild', 'prepend', 'createElement', 'createElementNS', 'attr', 'classed', 'style',
]);
/** XML-qualified names (`svg:rect`, `xlink:href`, `xml:space`): an element or attribute of markup being built. */
const MARKUP_RE = /^(?:svg|xlink|xml|xmlns|xhtml|html|math):/;
/** Error constructors and factories (`invalidParameterError`, `serviceError`, `TypeError`): a name, never an event. */
const ERROR_RE = /(?:Error|Exception)$/;

export const rule: Rule = {
  meta: {
    id: 'telemetry-events',
    category: 'telemetry',
    severity: 'info',
    title: 'Telemetry event names',
    explanation:
      'A function called with many distinct event-name constants (such as "cli_start" or "tool_use.accepted") and a payload, for its ' +
      'effect or with an object of event properties. This is usually the telemetry logger; the names say what the tool reports about ' +
      'its use. Grouped by the function that sends them. Feature-flag lookups (a name and a literal default whose value is used), ' +
      'error constructors, array methods, handler registrations and the builders of diagrams and DOM trees take names too and are not counted.',
  },
  // Sequences are collected for their parent: a call last in `a = 1, log("x", p)` is made for its
  // effect when the sequence is a statement.
  visit: { SequenceExpression: () => undefined },
  after(a) {
    const up = new Map<Node, Node | null>();
    for (const s of a.sites('SequenceExpression')) up.set(s.node, s.parent);
    const groups = new Map<string, { node: Node; names: Set<string>; callee: string; scope: FileScope | undefined }>();
    for (const s of a.sites('CallExpression')) {
      // The callee's name first: it rules out array, map and emitter calls without reading the arguments.
      const callee = s.name;
      if (!callee || NOT_LOGGER.has(callee) || ERROR_RE.test(callee)) continue;
      const n = s.node;
      const arg = n.arguments[0];
      if (!arg || n.arguments.length > 4) continue;
      let name: unknown = null;
      if (arg.type === 'Literal') name = arg.value;
      else if (arg.type === 'MemberExpression' && !arg.computed) name = a.evaluate(arg, s.scope);
      if (typeof name !== 'string' || name.length < 5 || name.length > 80 || !EVENT_RE.test(name) || MARKUP_RE.test(name)) continue;
      const logger = isLogger(callee);
      if (!logger && n.arguments.length < 2) continue;
      // A named logger or event builder (`logEvent`, `createLogEvent(EventNames.X, data)` whose
      // event is then queued) counts however its result is used; others by how they are called.
      if (!logger && !EVENT_BUILDER_RE.test(callee) && callKind(n, s.parent, s.scope, up) !== 'event') continue;
      // Groups that span the file, and so every piece of a split bundle: a program-level or free
      // function, and a method (grouped by its name wherever it is called).
      let key = `method:${callee}`;
      let scope: FileScope | undefined = 'method';
      if (n.callee.type === 'Identifier') {
        const d = lookup(s.scope, callee);
        key = d ? `${d.scope.id}:${callee}` : callee;
        scope = d === null || d.scope.parent === null ? 'program' : undefined;
      }
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { node: n, names: new Set(), callee, scope }));
      g.names.add(name);
    }
    for (const g of groups.values()) {
      // In a piece of a split bundle, the calls of a file-wide group are spread over the pieces: it
      // is reported whatever its size and completed when the pieces are merged (scan.ts).
      const enough = enoughEvents(g.names.size, g.callee);
      if (!enough && !(a.wants !== null && g.scope !== undefined)) continue;
      const e = eventsReport(g.names, g.callee, g.scope);
      if (!enough) e.data.pending = true;
      a.report(rule, { node: g.node, ...e });
    }
  },
};

const isLogger = (callee: string): boolean => LOGGER_RE.test(callee);
/** Functions that make an event to be sent (`createLogEvent`, `makeEvent`, `buildTelemetryEvent`). */
const EVENT_BUILDER_RE = /^(?:create|make|build|new)\w*Event$/;

/**
 * How a call with a name as its first argument is used:
 * - `other` whatever the use when values are spread after the name: a builder handed its positional
 *   arguments, as a generated parser's actions build a diagram (`_.addRel("rel_u", ...o[p])`), where
 *   an event passes one payload;
 * - `flag`: a feature-flag or setting lookup, `I8("tengu_x", !1)` or `GN("tengu_y", !0, fn)`: its
 *   second argument is a literal default (boolean or number) and its result is used;
 * - `event`: a logger's call, made for its effect (a statement, a non-final member of a sequence,
 *   `cond && log(…)`, `void log(…)`), or passing an object of event properties whose result is not
 *   consumed as a value (an argument, an array element, a property, an operand, a thrown error);
 * - `other`: anything else, such as a lookup whose result is used (`A5("task:background", "Task",
 *   "ctrl+b")`), or a call that passes a callback (a handler registration or a named task:
 *   `useKeybinding("app:redraw", handler, { context })`, `collect("ide_selection", async () => …)`).
 */
function callKind(n: Node, parent: Node | null, scope: Scope, up: ReadonlyMap<Node, Node | null> = new Map()): 'event' | 'flag' | 'other' {
  const rest = n.arguments.slice(1) as Node[];
  if (rest.some((x) => x.type === 'SpreadElement')) return 'other';
  if (rest[0] !== undefined && literalDefault(rest[0]) && !forEffect(n, parent, up, true)) return 'flag';
  const effect = forEffect(n, parent, up, false);
  if (rest.some((x) => isFunction(x, scope))) return 'other';
  if (effect) return 'event';
  return rest.some((x) => x.type === 'ObjectExpression') && !consumed(n, parent) ? 'event' : 'other';
}

/**
 * Whether a call's result is discarded: it is made for its effect. `strict`: only as a statement
 * (`return q && I8("x", !1)` passes a flag's value on, so `cond && f(…)` does not count then).
 */
function forEffect(n: Node, parent: Node | null, up: ReadonlyMap<Node, Node | null>, strict: boolean): boolean {
  if (parent === null) return false;
  switch (parent.type) {
    case 'ExpressionStatement': return true;
    case 'SequenceExpression': {
      if (parent.expressions[parent.expressions.length - 1] !== n) return true;
      const p = up.get(parent);
      return p !== undefined && forEffect(parent, p, up, strict);
    }
    // `cond && log(…)`, minifiers' `if (cond) log(…)`.
    case 'LogicalExpression': return !strict && parent.right === n;
    case 'UnaryExpression': return !strict && parent.operator === 'void';
    default: return false;
  }
}

/** Whether a call's result is used as a value: passed on, stored in a literal, an operand, thrown. */
function consumed(n: Node, parent: Node | null): boolean {
  if (parent === null) return false;
  switch (parent.type) {
    case 'CallExpression': case 'NewExpression': return parent.callee !== n;
    case 'ArrayExpression': case 'Property': case 'TemplateLiteral': case 'TaggedTemplateExpression': case 'BinaryExpression':
    case 'ThrowStatement': case 'JSXExpressionContainer': case 'SpreadElement': case 'MemberExpression':
    case 'IfStatement': case 'SwitchStatement': case 'ReturnStatement':
      return true;
    default: return false;
  }
}

/** A literal default of a lookup: `false`, `0`, `300000`, and the minified `!1`, `!0`, `-1`. */
function literalDefault(x: Node): boolean {
  if (x.type === 'Literal') return typeof x.value === 'boolean' || typeof x.value === 'number';
  return x.type === 'UnaryExpression' && (x.operator === '!' || x.operator === '-') && x.argument.type === 'Literal' && typeof x.argument.value === 'number';
}

/**
 * A function, or a name bound to one: `$ = () => …` in React's compiled memo caches, a function
 * wrapped by a call (`useCallback(() => …, [])`, `debounce(fn)`, `fn.bind(this)`), another name
 * for one (`let j = w`).
 */
function isFunction(x: Node, scope: Scope, depth = 0): boolean {
  if (lambda(x) || (x.type === 'CallExpression' && (lambda(x.arguments[0]) || (x.callee.type === 'MemberExpression' && !x.callee.computed && x.callee.property.name === 'bind')))) return true;
  if (x.type !== 'Identifier' || depth > 2) return false;
  const d = lookup(scope, x.name);
  // Names of the function the call is in only: a program-scope binding can be in another piece of a
  // split bundle, and the call must count the same in a piece as in the whole file.
  if (!d || d.scope.parent === null || d.kind === 'param' || d.kind === 'import') return false;
  if (d.kind === 'function') return true;
  return [...(d.init ? [d.init] : []), ...d.assigns].some((v) => v !== x && isFunction(v, d.scope, depth + 1));
}

const lambda = (v: Node | null | undefined): boolean => v?.type === 'ArrowFunctionExpression' || v?.type === 'FunctionExpression' || v?.type === 'FunctionDeclaration';

/** A named logger is a group from its first event name; any other function from five. */
export const enoughEvents = (count: number, callee: string): boolean => count >= (isLogger(callee) ? 1 : 5);

/** A group that spans the file: a program-level or free function's calls, or a method's by name. */
export type FileScope = 'program' | 'method';

/** Message, decoded list, shape key and data of one group; also used to merge groups of several pieces. */
export function eventsReport(set: Iterable<string>, callee: string, scope: FileScope | undefined): { message: string; decoded: string[]; key: string; data: Record<string, unknown> } {
  const names = [...new Set(set)].sort();
  const prefix = commonPrefix(names);
  // Every name, not a sample: the fingerprint hashes the whole sorted list and --diff compares
  // `events` between versions, so a name added past any cut is still reported. Names are short
  // identifiers matched by EVENT_RE, so even a few thousand of them stay small.
  return {
    message: `${names.length} event names sent through ${callee}(): ${names.slice(0, 6).join(', ')}${names.length > 6 ? ', …' : ''}`,
    decoded: names,
    key: `events:${prefix}:${isLogger(callee) ? callee : ''}`,
    data: { callee, events: names, count: names.length, prefix, ...(scope ? { scope } : {}) },
  };
}

function commonPrefix(xs: string[]): string {
  if (xs.length === 0) return '';
  let p = xs[0] as string;
  for (const x of xs) while (!x.startsWith(p)) p = p.slice(0, -1);
  const cut = Math.max(p.lastIndexOf('_'), p.lastIndexOf('.'));
  return cut > 0 ? p.slice(0, cut + 1) : '';
}

// Event names: string constants passed as the first argument to the same logging function, the
// "what is sent" of a telemetry endpoint. Minified bundles rename the logger, so the grouping is by
// call target and the names are recognised by shape (snake_case or dotted identifiers).
import type { Rule } from '../rule.ts';
import type { Node } from '../types.ts';
import { lookup } from '../walk.ts';

const EVENT_RE = /^[a-z][a-z0-9]*(?:[_.:][a-z0-9]+){1,8}$/;
const LOGGER_RE = /^(log|track|capture|record|send|emit|report)[A-Z]?\w*Event$|^(logEvent|track|capture|trackEvent|logTelemetry|sendTelemetry|recordEvent)$/;

export const rule: Rule = {
  meta: {
    id: 'telemetry-events',
    category: 'telemetry',
    severity: 'info',
    title: 'Telemetry event names',
    explanation:
      'A function called with many distinct event-name constants (such as "cli_start" or "tool_use.accepted") and a payload. This is ' +
      'usually the telemetry logger; the names say what the tool reports about its use. Grouped by the function that sends them.',
  },
  after(a) {
    const groups = new Map<string, { node: Node; names: Set<string>; callee: string; scope: FileScope | undefined }>();
    for (const s of a.sites('CallExpression')) {
      // The callee's name first: it rules out map and emitter calls without reading the arguments.
      const callee = s.name;
      if (!callee || callee === 'require' || callee === 'get' || callee === 'has' || callee === 'set' || callee === 'on' || callee === 'emit') continue;
      const n = s.node;
      const arg = n.arguments[0];
      if (!arg || n.arguments.length > 4) continue;
      let name: unknown = null;
      if (arg.type === 'Literal') name = arg.value;
      else if (arg.type === 'MemberExpression' && !arg.computed) name = a.evaluate(arg, s.scope);
      if (typeof name !== 'string' || name.length < 5 || name.length > 80 || !EVENT_RE.test(name)) continue;
      const logger = isLogger(callee);
      if (!logger && n.arguments.length < 2) continue;
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

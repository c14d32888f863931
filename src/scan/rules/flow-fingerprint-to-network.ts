// Fingerprint values reaching request URLs, headers and bodies.
import type { Rule } from '../rule.ts';
import type { Node } from '../types.ts';
import type { Analysis } from '../analysis.ts';
import { CONFIG_MASK, type Taint } from '../derive.ts';
import { calleeName } from '../ast-names.ts';
import { decisionLabel, labels, record, severityFor } from '../flow-helpers.ts';
import type { Site } from '../walk.ts';

const NET_CALLS = new Set(['fetch', 'request', 'post', 'put', 'patch', 'sendBeacon', 'setHeader', 'got', 'axios', 'ky', 'ofetch', '$fetch']);
const NET_NEW = new Set(['WebSocket', 'Request', 'EventSource', 'Headers']);
/** Option keys whose values are sent as such: a proxy or base URL there is reported too. */
const SENT_KEYS = /^(body|data|json|headers|params|searchParams|query|form|payload|metadata|attributes|properties|userProperties|user_properties|event_properties|context|tags|labels|dimensions)$/;

export const rule: Rule = {
  meta: {
    id: 'flow-fingerprint-to-network',
    category: 'flow',
    severity: 'medium',
    title: 'Fingerprint value sent in a request',
    explanation:
      'A value read from the machine (or the result of comparing it) reaches the URL, headers or body of an outgoing request. High for ' +
      'host/user names, MAC addresses, machine ids and installed software; medium for time zone and locale; low for the base URL or ' +
      'proxy sent in a payload. Proxy and base URL used to configure where a request goes are routine and not reported.',
  },
  visit: {
    CallExpression(s, a) {
      const name = s.name;
      if (!name || !NET_CALLS.has(name)) return;
      if (name === 'request' && s.node.arguments.length === 0) return;
      check(a, s, s.node.arguments);
    },
    NewExpression(s, a) {
      if (s.name === null || !NET_NEW.has(s.name)) return;
      const c = s.node.callee;
      if (c.type === 'Identifier' && NET_NEW.has(c.name)) check(a, s, s.node.arguments);
    },
  },
};

function check(a: Analysis, s: Site, args: Node[]): void {
  let kinds = 0;
  let all: Taint | null = null;
  const merge = (t: Taint | null, sent: boolean): void => {
    if (!t) return;
    kinds |= sent ? t.kinds : t.kinds & ~CONFIG_MASK;
    all = all ? { kinds: all.kinds | t.kinds, sites: [...all.sites, ...t.sites] } : t;
  };
  for (const arg of args) {
    if (!arg || arg.type === 'SpreadElement') continue;
    if (arg.type === 'ObjectExpression') {
      for (const p of arg.properties) {
        if (p.type !== 'Property') { merge(a.derive(p.argument ?? p, s.scope), false); continue; }
        const key = p.computed ? '' : (p.key.name ?? p.key.value ?? '');
        merge(a.derive(p.value, s.scope), SENT_KEYS.test(String(key)));
      }
    } else merge(a.derive(arg, s.scope), false);
  }
  const t = all as Taint | null;
  record(t, 'network', s.node, 'sent in a request');
  const strong = t ? { kinds: t.kinds, sites: t.sites.filter((x) => x.severity !== 'low' && x.severity !== 'info') } : null;
  if (kinds === 0 && !(strong && strong.sites.length > 0)) return;
  const what = [kinds ? `the ${labels(kinds)}` : '', strong ? decisionLabel(strong) : ''].filter(Boolean).join(' and ');
  a.report(rule, {
    node: s.node,
    severity: kinds ? severityFor(kinds) : 'medium',
    kinds: kinds || (t?.kinds ?? 0),
    message: `sends ${what} in a request (${calleeName(s.node) ?? 'new ' + s.node.callee?.name}).`,
  });
}

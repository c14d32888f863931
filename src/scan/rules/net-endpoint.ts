// Every hard-coded URL or host, once per file with a count. Telemetry-looking ones are reported
// by telemetry-endpoint instead, with the same detection.
import type { Analysis } from '../analysis.ts';
import type { Rule } from '../rule.ts';
import type { Node } from '../types.ts';
import { isDomain } from '../classify.ts';
import { rule as telemetryRule, isTelemetry } from './telemetry-endpoint.ts';

const URL_RE = /\b(?:https?|wss?):\/\/[a-z0-9][a-z0-9.-]*(?::\d{1,5})?(?:\/[^\s"'`<>\\)\]{}|^,]*)?/gi;

export const rule: Rule = {
  meta: {
    id: 'net-endpoint',
    category: 'telemetry',
    severity: 'info',
    title: 'Hard-coded URL or host',
    explanation:
      'A URL or host name written in the code. Most are API endpoints, documentation links or XML namespaces; the list tells a ' +
      'reviewer where the tool can connect and is what --diff compares to spot new destinations.',
  },
  visit: {
    Literal(s, a) {
      if (typeof s.node.value === 'string') scan(a, s.node, s.node.value);
    },
    TemplateLiteral(s, a) {
      for (const q of s.node.quasis) if (q.value.cooked) scan(a, q, q.value.cooked);
    },
  },
};

function scan(a: Analysis, node: Node, value: string): void {
  if (value.length < 4) return;
  if (value.includes('://')) {
    if (value.length > 20_000) return;
    for (const m of value.matchAll(URL_RE)) add(a, node, m[0].replace(/[.,;:]+$/, ''), false);
    return;
  }
  if (value.length <= 253 && value === value.toLowerCase() && value.includes('.') && isDomain(value) && !value.startsWith('.')) add(a, node, value, true);
}

function add(a: Analysis, node: Node, url: string, bare: boolean): void {
  // Telemetry-looking URLs are telemetry-endpoint's, found by the same walk.
  const tel = isTelemetry(url);
  const r = a.reportOnce(tel ? telemetryRule : rule, url, node, () => {
    let host = url;
    try { if (!bare) host = new URL(url).hostname; } catch { return null; }
    return { message: tel ? `sends telemetry to ${url}` : `${bare ? 'host' : 'URL'} ${url}`, key: url, data: { url, host, count: 1, bare } };
  });
  if (r !== null && !r.first) (r.f.data as { count: number }).count++;
}

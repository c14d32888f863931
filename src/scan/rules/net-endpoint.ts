// Every hard-coded URL or host, once per file with a count. Telemetry-looking ones are reported
// by telemetry-endpoint instead, with the same detection.
import type { Analysis } from '../analysis.ts';
import type { Rule } from '../rule.ts';
import type { Node } from '../types.ts';
import { isDomain } from '../classify.ts';
import { maskText } from '../excerpt.ts';
import { rule as telemetryRule, isTelemetry } from './telemetry-endpoint.ts';

// Userinfo (`https://build@registry…`, `https://user:pass@host`) is skipped to reach the host. A
// template's expressions arrive as `*` (HOLE), so `https://x.${region}.api.aws/v1` keeps its host
// pattern. Control characters end a URL: none is valid in one, and a terminal would run them.
const HOLE = '*';
const URL_RE = /\b(?:https?|wss?):\/\/(?:[\w.~%!$&+=;:*-]+@)?([a-z0-9*][a-z0-9.*-]*)(?::\d{1,5})?(?:\/[^\s\x00-\x1f\x7f"'`<>\\)\]{}|^,]*)?/gi;

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
      const qs = s.node.quasis as Node[];
      // Quasis apart, a URL cut by an expression lost its host (`https://x.` + `.api.aws/v1`).
      if (qs.length > 1 && qs.some((q) => q.value.cooked?.includes('://'))) {
        scan(a, s.node, qs.map((q) => q.value.cooked ?? '').join(HOLE));
        return;
      }
      for (const q of qs) if (q.value.cooked) scan(a, q, q.value.cooked);
    },
  },
};

function scan(a: Analysis, node: Node, value: string): void {
  if (value.length < 4) return;
  if (value.includes('://')) {
    if (value.length > 20_000) return;
    for (const m of value.matchAll(URL_RE)) {
      const host = (m[1] as string).replace(/\.+$/, '').toLowerCase();
      // A host that is only template expressions says nothing about where the tool connects.
      if (!/[a-z0-9]/.test(host)) continue;
      add(a, node, m[0].replace(/[.,;:]+$/, ''), host, false);
    }
    return;
  }
  if (value.length <= 253 && value === value.toLowerCase() && value.includes('.') && isDomain(value) && !value.startsWith('.')) add(a, node, value, value, true);
}

function add(a: Analysis, node: Node, url: string, host: string, bare: boolean): void {
  // Telemetry-looking URLs are telemetry-endpoint's, found by the same walk; the userinfo is left
  // out, so that a user or password named like a path does not decide it.
  const tel = isTelemetry(bare ? url : url.replace(/^([a-z]+:\/\/)[^/@]*@/i, '$1'));
  const r = a.reportOnce(tel ? telemetryRule : rule, url, node, () => {
    // The URL as reports show it: a token in its query or a password in its userinfo masked. A
    // secret that is the whole URL (a Slack webhook) is masked whole; the host stays in view.
    let shown = maskText(url);
    if (!bare && !/^[a-z]+:\/\/([^/@]*@)?[^/@]/i.test(shown)) shown = `${url.slice(0, url.indexOf('//') + 2)}${host}/${shown}`;
    return { message: tel ? `sends telemetry to ${shown}` : `${bare ? 'host' : 'URL'} ${shown}`, key: url, data: { url: shown, host, count: 1, bare } };
  });
  if (r !== null && !r.first) (r.f.data as { count: number }).count++;
}

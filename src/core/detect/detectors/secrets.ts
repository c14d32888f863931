// Detector 'secrets': credentials in any segment (API keys, tokens, private keys, passwords in
// connection strings and assignments). ~300 built-in rules behind one keyword prefilter; extra
// rules (e.g. imported with importGitleaksToml) arrive in DetectOptions.extraSecretRules.
import type { Hit, Detector, DetectContext } from '../types.ts';
import { BUILTIN_RULES, SecretScanner, isSecretRule } from '../secrets/index.ts';
import type { SecretRule } from '../secrets/index.ts';
import { compileAllow } from '../secrets/placeholder.ts';

let builtin: SecretScanner | null = null;
/** Scanners for extra rule lists, keyed by the list object (options are long-lived). */
const withExtra = new WeakMap<readonly unknown[], SecretScanner>();
const allowCache = new WeakMap<readonly string[], (v: string) => boolean>();

function scannerFor(extra: readonly unknown[] | undefined): SecretScanner {
  if (extra === undefined || extra.length === 0) return (builtin ??= new SecretScanner(BUILTIN_RULES));
  let s = withExtra.get(extra);
  if (s === undefined) {
    const rules: SecretRule[] = extra.filter(isSecretRule);
    s = new SecretScanner([...BUILTIN_RULES, ...rules]);
    withExtra.set(extra, s);
  }
  return s;
}

function allowFor(list: readonly string[] | undefined): ((v: string) => boolean) | null {
  if (list === undefined || list.length === 0) return null;
  let f = allowCache.get(list);
  if (f === undefined) {
    f = compileAllow(list) ?? (() => false);
    allowCache.set(list, f);
  }
  return f;
}

export const secrets: Detector = {
  id: 'secrets',
  description: 'Credentials: cloud, AI-provider and SaaS API keys, tokens, private keys, passwords in URLs and assignments',
  severity: 'high',
  rules: BUILTIN_RULES.map((r) => ({ id: r.id, description: r.description })),
  detect(text: string, ctx: DetectContext): Hit[] {
    if (text.length < 8) return [];
    try {
      const hits = scannerFor(ctx.options.extraSecretRules).scan(text, allowFor(ctx.options.allow));
      // Tool definitions hold schemas and examples, rarely live credentials.
      if (ctx.segment?.role === 'tool_definition') for (const h of hits) h.confidence *= 0.7;
      return hits;
    } catch {
      // A pathological extra rule must not take the exchange down; the engine sees no hits.
      return [];
    }
  },
};

export { BUILTIN_RULES };

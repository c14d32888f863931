// Detector 'secrets': credentials in any segment (API keys, tokens, private keys, passwords in
// connection strings and assignments). ~300 built-in rules behind one keyword prefilter; extra
// rules (e.g. imported with importGitleaksToml) arrive in DetectOptions.extraSecretRules.
import type { Hit, Detector, DetectContext } from '../types.ts';
import { BUILTIN_RULES, SecretScanner, isSecretRule } from '../secrets/index.ts';
import { compileAllow } from '../secrets/placeholder.ts';
import { internalNames } from './internal-infra.ts';

type Internal = NonNullable<DetectContext['options']['internal']>;
const NONE: readonly unknown[] = [];
/**
 * Scanners by extra rule list (options are long-lived objects), then by internal-infra settings:
 * the configured internal names ride in the same keyword automaton as extra keywords, so that
 * internal-infra needs no pass of its own over texts that hold none (see SegmentMemo).
 */
const scanners = new WeakMap<readonly unknown[], { plain?: SecretScanner; byInternal: WeakMap<Internal, SecretScanner> }>();

const allowCache = new WeakMap<readonly string[], (v: string) => boolean>();

function scannerFor(extra: readonly unknown[] | undefined, internal: Internal | undefined): SecretScanner {
  const list = extra === undefined || extra.length === 0 ? NONE : extra;
  let entry = scanners.get(list);
  if (entry === undefined) scanners.set(list, (entry = { byInternal: new WeakMap() }));
  if (internal === undefined) return (entry.plain ??= scannerOf(list, null));
  let s = entry.byInternal.get(internal);
  if (s === undefined) {
    s = scannerOf(list, internalNames(internal));
    entry.byInternal.set(internal, s);
  }
  return s;
}

function scannerOf(extra: readonly unknown[], names: readonly string[] | null): SecretScanner {
  const rules = extra === NONE ? BUILTIN_RULES : [...BUILTIN_RULES, ...extra.filter(isSecretRule)];
  return new SecretScanner(rules, names ?? []);
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
      const hits = scannerFor(ctx.options.extraSecretRules, ctx.options.internal).scan(text, allowFor(ctx.options.allow), ctx.memo);
      // Tool definitions hold schemas and examples, rarely live credentials.
      if (ctx.segment?.role === 'tool_definition') for (const h of hits) h.confidence *= 0.7;
      return hits;
    } catch {
      // A pathological extra rule must not take the exchange down; the engine sees no hits.
      return [];
    }
  },
  prepare(texts: readonly string[], ctxs: readonly DetectContext[]): void {
    const first = ctxs[0];
    if (first === undefined) return;
    try {
      scannerFor(first.options.extraSecretRules, first.options.internal).prepare(texts, ctxs.map((c) => (c.memo ??= {})));
    } catch {
      // Without prepared hits each detect() runs the JavaScript prefilter: same result, slower.
    }
  },
};

export { BUILTIN_RULES };

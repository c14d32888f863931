// A parsed document → a compiled policy, after the checks zod cannot make: version ranges that
// parse, unique rule ids, exceptions that name a rule, upstreams the gateway knows, limits that
// limit something. Every problem is located like a schema error.
import type { Finding, Identity } from '../types.ts';
import { compileRule, glob, toolMatcher, type CompiledRule, type TagsOf } from './rules.ts';
import { evaluate, grantWho, modelsMatcher, type CompiledClient, type CompiledException, type CompiledGrant, type EvalParts } from './evaluate.ts';
import { parsePolicy, type IssuePath, type ParsedPolicy, type PolicyIssue } from './parse.ts';
import { readInstant, type PolicyDoc } from './schema.ts';
import { parseRange, SemverError } from './semver.ts';
import type { CompiledPolicy, LimitSpec } from './types.ts';

/** Tags the built-in detectors' findings carry (the policy's `classification` adds to these). */
export const DEFAULT_CLASSIFICATION: Record<string, string[]> = {
  secrets: ['credential'],
  pii: ['pii'],
  'pii/internal-ip': ['internal-infra'],
  'internal-infra': ['internal-infra'],
  'hidden-chars': ['obfuscation'],
  confusables: ['obfuscation'],
};

export interface CompileOptions {
  /** Upstream names of the gateway configuration; route targets must be among them. */
  upstreams?: readonly string[];
}

export type CompileResult = { ok: true; policy: CompiledPolicy; issues: PolicyIssue[] } | { ok: false; issues: PolicyIssue[] };

/**
 * Expiry of an exception: a bare date runs to the end of that day (UTC); a date-time is the
 * instant it names (the schema refuses one without an offset). A text the schema would refuse is
 * already expired: an unreadable expiry must not read as NaN, which no time is ever past.
 */
export const expiryOf = (s: string): number => {
  const r = readInstant(s);
  return 'problem' in r ? -Infinity : r.day ? r.at + 86_400_000 : r.at;
};

function tagsFunction(doc: PolicyDoc): TagsOf {
  const table = new Map<string, string[]>();
  for (const src of [DEFAULT_CLASSIFICATION, doc.classification]) {
    for (const [k, v] of Object.entries(src)) table.set(k, [...new Set([...(table.get(k) ?? []), ...v])]);
  }
  // `?` is a glob character as in rules' patterns (rules.ts glob), and lint reads keys the same way.
  const globs = [...table.entries()].filter(([k]) => /[*?]/.test(k)).map(([k, v]) => ({ re: glob(k), tags: v }));
  const cache = new Map<string, readonly string[]>();
  const byFinding = new WeakMap<Finding, readonly string[]>();
  return (f: Finding) => {
    const hit = byFinding.get(f);
    if (hit !== undefined) return hit;
    const own = (f as Finding & { tags?: string[] }).tags;
    const key = `${f.detector}/${f.rule}`;
    let t = cache.get(key);
    if (t === undefined) {
      // Rule-level entries (exact or glob) replace the detector's: pii/internal-ip is infrastructure, not personal data.
      const ruleLevel = [...(table.get(key) ?? []), ...globs.filter((g) => g.re.test(key)).flatMap((g) => g.tags)];
      t = ruleLevel.length > 0 ? [...new Set(ruleLevel)] : (table.get(f.detector) ?? []);
      if (cache.size < 10_000) cache.set(key, t);
    }
    const tags = own === undefined ? t : [...t, ...own];
    byFinding.set(f, tags);
    return tags;
  };
}

export function compileParsed(parsed: ParsedPolicy, opts: CompileOptions = {}): CompileResult {
  const { doc } = parsed;
  const issues: PolicyIssue[] = [];
  const err = (path: IssuePath, message: string): void => {
    issues.push({ level: 'error', path, message, ...parsed.locate(path) });
  };
  const range = (path: IssuePath, s: string | undefined): void => {
    if (s === undefined) return;
    try {
      if (parseRange(s).length === 0) err(path, `found '${s}'; expected a version range that some version satisfies`);
    } catch (e) {
      err(path, `found '${s}'; expected a semver range (e.g. ">=2.1.91 <2.1.93", "^1.2", "1.x"): ${e instanceof SemverError ? e.message : String(e)}`);
    }
  };
  const known = opts.upstreams === undefined ? null : new Set(opts.upstreams);
  const upstream = (path: IssuePath, name: string): void => {
    if (known !== null && !known.has(name)) err(path, `found upstream '${name}'; expected one of the gateway's upstreams (${[...known].join(', ')})`);
  };

  doc.clients?.tools.forEach((c, i) => range(['clients', 'tools', i, 'versions'], c.versions));
  const ids = new Map<string, number>();
  doc.rules.forEach((r, i) => {
    const prev = ids.get(r.id);
    if (prev !== undefined) err(['rules', i, 'id'], `found duplicate rule id '${r.id}'; expected a unique id (first used by rules[${prev}])`);
    else ids.set(r.id, i);
    r.when.tools?.forEach((t, j) => typeof t !== 'string' && range(['rules', i, 'when', 'tools', j, 'versions'], t.versions));
    const m = /^route\((.+)\)$/.exec(r.action);
    if (m !== null) upstream(['rules', i, 'action'], m[1]!);
  });
  doc.routes?.forEach((g, i) => g.upstreams.forEach((u, j) => upstream(['routes', i, 'upstreams', j], u)));
  doc.exceptions.forEach((e, i) => {
    if (!ids.has(e.rule)) err(['exceptions', i, 'rule'], `found '${e.rule}'; expected the id of a rule in this policy`);
    if (e.user === undefined && e.team === undefined) err(['exceptions', i], 'found neither user nor team; expected the user or team the exception is for');
  });
  const limitKeys = new Set<string>();
  doc.limits.forEach((l, i) => {
    if (l.requestsPerMinute === undefined && l.tokensPerDay === undefined) err(['limits', i], 'found no limit; expected requestsPerMinute and/or tokensPerDay');
    const k = `${l.scope}\u0000${l.name ?? ''}`;
    if (limitKeys.has(k)) err(['limits', i], `found a second limit for ${l.scope} ${l.name ?? '(default)'}; expected one entry per scope and name`);
    limitKeys.add(k);
  });
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, policy: build(doc), issues };
}

function build(doc: PolicyDoc): CompiledPolicy {
  const tagsOf = tagsFunction(doc);
  const rules: CompiledRule[] = doc.rules.map((r, i) => compileRule(r, i, tagsOf));
  const clients: CompiledClient[] = (doc.clients?.tools ?? []).map((c, i) => ({
    id: c.id ?? (`clients.${c.name}${c.versions !== undefined ? `@${c.versions}` : ''}`.replace(/\s+/g, ' ').slice(0, 80) || `clients[${i}]`),
    matcher: toolMatcher({ name: c.name, ...(c.versions !== undefined ? { versions: c.versions } : {}) }),
    action: c.action,
    reason: c.reason,
    versions: c.versions,
  }));
  const exceptions = new Map<string, CompiledException[]>();
  doc.exceptions.forEach((e, index) => {
    const list = exceptions.get(e.rule) ?? [];
    list.push({ index, rule: e.rule, user: e.user, team: e.team, valueHash: e.valueHash, expiresAt: expiryOf(e.expires) });
    exceptions.set(e.rule, list);
  });
  const grants: CompiledGrant[] | null = doc.routes === undefined ? null : doc.routes.map((g) => ({
    who: grantWho(g.teams, g.users, g.roles),
    upstreams: new Set(g.upstreams),
    models: modelsMatcher(g.models),
  }));
  const users = new Map((doc.identities?.users ?? []).map((u) => [u.name, u]));
  const resolveIdentity = (id: Identity): Identity => {
    const u = users.get(id.user);
    if (u === undefined || (u.team === undefined && u.role === undefined)) return id;
    return { ...id, team: u.team ?? id.team, role: u.role ?? id.role };
  };
  const parts: EvalParts = { doc, clients, rules, exceptions, grants, tagsOf, resolveIdentity, passes: new Map() };
  return {
    doc,
    ruleIds: rules.map((r) => r.id),
    evaluate: (input, opts) => evaluate(parts, input, opts),
    resolveIdentity,
    limitsFor(identity: Identity): LimitSpec[] {
      const id = resolveIdentity(identity);
      const out: LimitSpec[] = [];
      for (const [scope, subject] of [['key', id.keyId], ['user', id.user], ['team', id.team]] as const) {
        if (subject === null) continue;
        const l = doc.limits.find((x) => x.scope === scope && x.name === subject) ?? doc.limits.find((x) => x.scope === scope && x.name === undefined);
        if (l === undefined) continue;
        out.push({ scope, subject, ...(l.requestsPerMinute !== undefined ? { requestsPerMinute: l.requestsPerMinute } : {}), ...(l.tokensPerDay !== undefined ? { tokensPerDay: l.tokensPerDay } : {}) });
      }
      return out;
    },
    actsOn(findings: readonly Finding[]): boolean {
      const firstMatch = doc.combine === 'first-match';
      return rules.some((r) => r.finding !== null && (firstMatch || (r.action !== 'alert' && r.action !== 'allow')) && findings.some((f) => r.finding!.every((t) => t.test(f))));
    },
    upstreamNames: () => [...new Set([...rules.flatMap((r) => (r.upstream !== undefined ? [r.upstream] : [])), ...(doc.routes ?? []).flatMap((g) => g.upstreams)])],
  };
}

/** Text → compiled policy, or the located problems. */
export function compilePolicy(text: string, opts: CompileOptions = {}): CompileResult & { parsed?: ParsedPolicy } {
  const p = parsePolicy(text);
  if (!p.ok) return p;
  const c = compileParsed(p.policy, opts);
  return { ...c, parsed: p.policy };
}

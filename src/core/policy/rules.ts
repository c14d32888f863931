// A rule's `when` block compiled into two lists of named tests: exchange-level (who, which tool,
// where to) and finding-level (which findings count). Names are kept so `policy explain` can say
// which condition failed. Compiled once per policy load; evaluating is plain function calls.
import { severityRank, type Action, type Finding, type Identity } from '../types.ts';
import type { RuleDoc, ToolRef } from './schema.ts';
import { ACTION_RE } from './schema.ts';
import { coerceVersion, parseRange, satisfies, type Range, type Version } from './semver.ts';

export interface ExchangeFacts {
  identity: Identity;
  tool: string;
  version: Version | null;
  upstream: string;
  model: string | null;
}

export interface Test<T> {
  name: string;
  test: (x: T) => boolean;
}

export interface CompiledRule {
  id: string;
  index: number;
  action: Action;
  upstream?: string;
  doc: RuleDoc;
  failClosed: boolean;
  exchange: Test<ExchangeFacts>[];
  /** null when the rule has no finding condition (it matches on the exchange alone). */
  finding: Test<Finding>[] | null;
  count: number;
  /** Detectors the rule depends on (null: any detector, for failure handling). */
  detectors: string[] | null;
}

const globCache = new Map<string, RegExp>();
export function glob(g: string): RegExp {
  let re = globCache.get(g);
  if (re === undefined) {
    re = new RegExp(`^${g.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
    globCache.set(g, re);
  }
  return re;
}

export const anyGlob = (globs: readonly string[]): ((s: string) => boolean) => {
  const res = globs.map(glob);
  return (s) => res.some((r) => r.test(s));
};

export function parseAction(s: string): { action: Action; upstream?: string } {
  const m = ACTION_RE.exec(s);
  if (m === null) throw new Error(`bad action ${s}`); // the schema already refused it
  return m[1] !== undefined ? { action: m[1] as Action } : { action: 'route', upstream: m[2]! };
}

export interface ToolMatcher {
  name: string;
  range: Range | null;
}

export const toolMatcher = (t: ToolRef): ToolMatcher =>
  typeof t === 'string' ? { name: t, range: null } : { name: t.name, range: t.versions === undefined ? null : parseRange(t.versions) };

export const toolMatches = (m: ToolMatcher, tool: string, version: Version | null): boolean =>
  (m.name === '*' || m.name === tool) && (m.range === null || (version !== null && satisfies(version, m.range)));

export type TagsOf = (f: Finding) => readonly string[];

export function compileRule(doc: RuleDoc, index: number, tagsOf: TagsOf): CompiledRule {
  const w = doc.when;
  const { action, upstream } = parseAction(doc.action);
  const exchange: Test<ExchangeFacts>[] = [];
  if (w.tools !== undefined) {
    const ms = w.tools.map(toolMatcher);
    exchange.push({ name: 'tools', test: (x) => ms.some((m) => toolMatches(m, x.tool, x.version)) });
  }
  if (w.teams !== undefined) {
    const s = new Set(w.teams);
    exchange.push({ name: 'teams', test: (x) => x.identity.team !== null && s.has(x.identity.team) });
  }
  if (w.users !== undefined) {
    const s = new Set(w.users);
    exchange.push({ name: 'users', test: (x) => s.has(x.identity.user) });
  }
  if (w.roles !== undefined) {
    const s = new Set<string>(w.roles);
    exchange.push({ name: 'roles', test: (x) => s.has(x.identity.role) });
  }
  if (w.upstreams !== undefined) {
    const s = new Set(w.upstreams);
    exchange.push({ name: 'upstreams', test: (x) => s.has(x.upstream) });
  }
  if (w.models !== undefined) {
    const m = anyGlob(w.models);
    exchange.push({ name: 'models', test: (x) => x.model !== null && m(x.model) });
  }
  // Finding tests read only a finding's detector, rule, severity, confidence, role and tags:
  // evaluation caches which rules a finding passes by these (evaluate.ts, signature).
  const finding: Test<Finding>[] = [];
  if (w.detectors !== undefined) {
    const s = new Set(w.detectors);
    finding.push({ name: 'detectors', test: (f) => s.has(f.detector) });
  }
  if (w.findings !== undefined) {
    const qualified = anyGlob(w.findings.filter((g) => g.includes('/')));
    const bare = anyGlob(w.findings.filter((g) => !g.includes('/')));
    finding.push({ name: 'findings', test: (f) => bare(f.rule) || qualified(`${f.detector}/${f.rule}`) });
  }
  if (w.severity !== undefined) {
    const min = severityRank(w.severity);
    finding.push({ name: 'severity', test: (f) => severityRank(f.severity) >= min });
  }
  if (w.confidence !== undefined) {
    const min = w.confidence;
    finding.push({ name: 'confidence', test: (f) => f.confidence >= min });
  }
  if (w.segments !== undefined) {
    const s = new Set<string>(w.segments);
    finding.push({ name: 'segments', test: (f) => s.has(f.role) });
  }
  if (w.tags !== undefined) {
    const want = w.tags;
    finding.push({ name: 'tags', test: (f) => tagsOf(f).some((t) => want.includes(t)) });
  }
  const hasFinding = finding.length > 0 || w.count !== undefined;
  return {
    id: doc.id,
    index,
    action,
    ...(upstream !== undefined ? { upstream } : {}),
    doc,
    // Fail closed by default only where failing open would let data out: block rules.
    failClosed: doc.failure === undefined ? action === 'block' : doc.failure === 'closed',
    exchange,
    finding: hasFinding ? finding : null,
    count: w.count ?? 1,
    detectors: w.detectors ?? null,
  };
}

// Every exchange asks for its client's version, and a gateway sees a handful of versions: parsed
// once each (versions are immutable; the map is cleared if a client sends many).
const versions = new Map<string, Version | null>();
export const versionOf = (v: string | null): Version | null => {
  if (v === null) return null;
  let r = versions.get(v);
  if (r === undefined && !versions.has(v)) {
    if (versions.size >= 256) versions.clear();
    r = coerceVersion(v);
    versions.set(v, r);
  }
  return r ?? null;
};

// Evaluation and combination. Three stages, in this order:
//   1. clients: the first entry naming the tool with a matching version range decides
//      allow | alert | block (unknown tools: clients.unknown);
//   2. rules: every rule is tested (most-severe) or rules are tested in order until one matches
//      (first-match);
//   3. routes: the effective upstream (after a route action) must be granted to the identity.
// The decision is the most severe action among the client verdict, the rule result and the
// route check: block > route > redact > alert > allow; the deciding rule is the first match
// (in policy order: clients, rules, routes) with that action. Redaction is applied whenever a
// redact rule matched and nothing blocks, so a routed exchange is still redacted.
import { maskSecrets } from '../detect/mask-secrets.ts';
import type { Decision, Finding, Identity } from '../types.ts';
import { findingReason, renderTemplate } from './reason.ts';
import { anyGlob, type CompiledRule, type ExchangeFacts, type TagsOf, type ToolMatcher, toolMatches, versionOf } from './rules.ts';
import type { PolicyDoc } from './schema.ts';
import { ACTION_RANK, type PolicyInput, type RuleMatch, type RuleTrace, type Verdict } from './types.ts';

export interface CompiledClient {
  id: string;
  matcher: ToolMatcher;
  action: 'allow' | 'alert' | 'block';
  reason: string | undefined;
  versions: string | undefined;
}

export interface CompiledException {
  index: number;
  rule: string;
  user: string | undefined;
  team: string | undefined;
  valueHash: string;
  expiresAt: number;
}

export interface CompiledGrant {
  who: (id: Identity) => boolean;
  upstreams: Set<string>;
  models: ((m: string) => boolean) | null;
}

export interface EvalParts {
  doc: PolicyDoc;
  clients: CompiledClient[];
  rules: CompiledRule[];
  exceptions: Map<string, CompiledException[]>;
  grants: CompiledGrant[] | null;
  tagsOf: TagsOf;
  resolveIdentity: (id: Identity) => Identity;
  /** Per finding signature (see signature), the rules whose finding tests all pass: 1 by rule index. */
  passes: Map<string, Uint8Array>;
}

/**
 * What a rule's finding tests read of a finding (rules.ts: detector, rule, severity, confidence,
 * role, and the tags of detector and rule), so findings alike pass the same rules: a request's
 * findings are decided with one lookup each instead of every rule's tests on each. Null for a
 * finding that carries tags of its own (tested directly).
 */
const signature = (f: Finding): string | null =>
  (f as Finding & { tags?: unknown }).tags !== undefined ? null : `${f.detector}\0${f.rule}\0${f.severity}\0${f.role}\0${f.confidence}`;

/** Signatures kept per compiled policy; past this, the map starts over. */
const MAX_SIGNATURES = 4096;

function rulesPassed(p: EvalParts, f: Finding): Uint8Array {
  const key = signature(f);
  let out = key === null ? undefined : p.passes.get(key);
  if (out !== undefined) return out;
  out = new Uint8Array(p.rules.length);
  for (const r of p.rules) if (r.finding !== null && r.finding.every((t) => t.test(f))) out[r.index] = 1;
  if (key !== null) {
    if (p.passes.size >= MAX_SIGNATURES) p.passes.clear();
    p.passes.set(key, out);
  }
  return out;
}

function clientVerdict(p: EvalParts, x: ExchangeFacts, rawVersion: string | null): RuleMatch | null {
  if (p.doc.clients === undefined) return null;
  const c = p.clients.find((e) => toolMatches(e.matcher, x.tool, x.version));
  const label = `${x.tool}${rawVersion !== null ? ` ${rawVersion}` : ''}`;
  if (c === undefined) {
    const a = p.doc.clients.unknown;
    if (a === 'allow') return null;
    return { ruleId: 'clients.unknown', action: a, findings: [], reason: a === 'block'
      ? `${label} is not on the list of allowed tools; ask your security team to review it (rule clients.unknown)`
      : `${label} is not on the list of known tools (rule clients.unknown)` };
  }
  if (c.action === 'allow') return null;
  const why = c.reason !== undefined ? `: ${c.reason}` : '';
  return { ruleId: c.id, action: c.action, findings: [], reason: c.action === 'block'
    ? `${label} is blocked by policy${why}; use a version outside ${c.versions ?? 'any version'} (rule ${c.id})`
    : `${label} is flagged by policy${why} (rule ${c.id})` };
}

function excepted(p: EvalParts, rule: string, f: Finding, id: Identity, now: number): number {
  const list = p.exceptions.get(rule);
  if (list === undefined || f.valueHash === undefined) return -1;
  for (const e of list) {
    if (e.valueHash !== f.valueHash || now >= e.expiresAt) continue;
    if (e.user !== undefined && e.user !== id.user) continue;
    if (e.team !== undefined && e.team !== id.team) continue;
    return e.index;
  }
  return -1;
}

function ruleReason(r: CompiledRule, findings: Finding[], input: PolicyInput, id: Identity): string {
  if (r.doc.reason !== undefined) {
    const f = findings[0];
    const text = renderTemplate(r.doc.reason, {
      rule: r.id, count: String(findings.length), team: id.team ?? '', user: id.user, tool: input.client.tool,
      version: input.client.version ?? '', model: maskSecrets(input.model ?? ''), upstream: input.upstream,
      finding: f?.rule ?? '', detector: f?.detector ?? '', where: f !== undefined ? maskSecrets(input.sourceOf?.(f.segmentPath) ?? f.role) : '',
    });
    return text.includes(r.id) ? text : `${text} (rule ${r.id})`;
  }
  if (r.finding !== null && findings.length > 0) return findingReason({ ruleId: r.id, findings, sourceOf: input.sourceOf }, r.action === 'block' ? 'blocked' : 'found');
  if (r.action === 'route') return `routed to upstream '${r.upstream}' (rule ${r.id})`;
  const what = r.doc.description === undefined ? '' : `: ${r.doc.description}`;
  return r.action === 'block' ? `this exchange is blocked by policy${what} (rule ${r.id})` : what === '' ? `rule ${r.id} matched` : `${r.doc.description} (rule ${r.id})`;
}

// Reasons are strings built from findings: only the deciding rule's is built (and every one under
// trace), which keeps evaluation with many matching rules cheap. The rule of each match whose
// reason is still to be built is kept in a map local to one evaluation: nothing outlives it (a
// module-wide WeakMap kept every request's input alive until a full GC).
type Lazy = Map<RuleMatch, CompiledRule>;
const lazyMatch = (lazy: Lazy, r: CompiledRule, findings: Finding[]): RuleMatch => {
  const m: RuleMatch = { ruleId: r.id, action: r.action, ...(r.upstream !== undefined ? { upstream: r.upstream } : {}), findings, reason: '' };
  lazy.set(m, r);
  return m;
};

/**
 * A rule against the exchange and its findings: the match, or why not (a string; only a trace
 * reads it). `passed`: the rules each finding passes (rulesPassed), when not tracing; a trace
 * runs every test, to name the first that failed.
 */
function evalRule(p: EvalParts, r: CompiledRule, x: ExchangeFacts, input: PolicyInput, now: number, out: Verdict, lazy: Lazy, passed: readonly Uint8Array[] | null): RuleMatch | string {
  for (const t of r.exchange) if (!t.test(x)) return `${t.name} did not match`;
  if (r.finding === null) return lazyMatch(lazy, r, []);
  const errs = input.detectorErrors === undefined || input.detectorErrors.length === 0 ? [] : input.detectorErrors.filter((e) => r.detectors === null || r.detectors.includes(e.detector));
  if (errs.length > 0) {
    const e = errs[0]!;
    if (r.failClosed) {
      const reason = `detector '${e.detector}' failed (${e.message}) and rule ${r.id} fails closed; try again or ask your security team`;
      return { ruleId: r.id, action: r.action, ...(r.upstream !== undefined ? { upstream: r.upstream } : {}), findings: [], failedClosed: e.detector, reason };
    }
    out.failedOpen.push(r.id);
  }
  const hits: Finding[] = [];
  let firstMiss = '';
  for (let i = 0; i < input.findings.length; i++) {
    const f = input.findings[i]!;
    if (passed !== null) {
      if (passed[i]![r.index] === 0) continue;
    } else {
      let ok = true;
      for (const t of r.finding) {
        if (!t.test(f)) {
          ok = false;
          if (firstMiss === '') firstMiss = t.name;
          break;
        }
      }
      if (!ok) continue;
    }
    const ex = excepted(p, r.id, f, x.identity, now);
    if (ex >= 0) {
      out.excepted.push({ ruleId: r.id, finding: f, exception: ex });
      continue;
    }
    hits.push(f);
  }
  if (hits.length < r.count) {
    if (input.findings.length === 0) return 'no findings';
    return hits.length > 0 ? `${hits.length} matching finding(s), fewer than count ${r.count}` : firstMiss !== '' ? `no finding matched (${firstMiss})` : 'every matching finding is excepted';
  }
  return lazyMatch(lazy, r, hits);
}

function routeCheck(p: EvalParts, id: Identity, upstream: string, model: string | null): RuleMatch | null {
  if (p.grants === null) return null;
  for (const g of p.grants) {
    if (!g.who(id) || !g.upstreams.has(upstream)) continue;
    if (g.models === null || model === null || g.models(model)) return null;
  }
  const who = `user ${id.user}${id.team !== null ? ` (team ${id.team})` : ''}`;
  return { ruleId: 'routes', action: 'block', findings: [], reason: `${who} may not use ${model !== null ? `model '${maskSecrets(model)}' on ` : ''}upstream '${upstream}'; ask for access or use an allowed model (rule routes)` };
}

const pickWinner = (ms: RuleMatch[]): RuleMatch | null => {
  let best: RuleMatch | null = null;
  for (const m of ms) if (best === null || ACTION_RANK[m.action] > ACTION_RANK[best.action]) best = m;
  return best;
};

export function evaluate(p: EvalParts, input: PolicyInput, opts: { trace?: boolean } = {}): Verdict {
  const identity = p.resolveIdentity(input.identity);
  const now = input.now ?? Date.now();
  const x: ExchangeFacts = { identity, tool: input.client.tool, version: versionOf(input.client.version), upstream: input.upstream, model: input.model };
  const out: Verdict = { decision: { action: 'allow', ruleId: null, reason: 'no rule matched' }, redact: [], matches: [], excepted: [], failedOpen: [], identity };
  const trace: RuleTrace[] | undefined = opts.trace === true ? [] : undefined;
  const lazy: Lazy = new Map();
  const settle = (m: RuleMatch): RuleMatch => {
    const r = lazy.get(m);
    if (r !== undefined) {
      m.reason = ruleReason(r, m.findings, input, identity);
      lazy.delete(m);
    }
    return m;
  };
  const client = clientVerdict(p, x, input.client.version);
  if (client !== null) out.matches.push(client);
  const firstMatch = p.doc.combine === 'first-match';
  const passed = trace === undefined ? input.findings.map((f) => rulesPassed(p, f)) : null;
  let stopped = false;
  for (const r of p.rules) {
    if (stopped) {
      trace?.push({ ruleId: r.id, matched: false, why: 'not reached: an earlier rule matched (first-match)' });
      continue;
    }
    const m = evalRule(p, r, x, input, now, out, lazy, passed);
    if (typeof m === 'string') {
      trace?.push({ ruleId: r.id, matched: false, why: m });
      continue;
    }
    trace?.push({ ruleId: r.id, matched: true, why: settle(m).reason });
    out.matches.push(m);
    if (firstMatch) stopped = true;
  }
  // The route check sees where the exchange would actually go.
  const routed = pickWinner(out.matches.filter((m) => m.action === 'route'));
  const denied = routeCheck(p, identity, routed?.upstream ?? input.upstream, input.model);
  if (denied !== null) out.matches.push(denied);
  const win = pickWinner(out.matches);
  if (win !== null) {
    settle(win);
    const decision: Decision = { action: win.action, ruleId: win.ruleId, reason: win.reason };
    if (win.upstream !== undefined) decision.upstream = win.upstream;
    out.decision = decision;
  }
  if (out.decision.action !== 'block') {
    const seen = new Set<Finding>();
    for (const m of out.matches) {
      if (m.action !== 'redact') continue;
      for (const f of m.findings) {
        if (seen.has(f)) continue;
        seen.add(f);
        out.redact.push(f);
      }
    }
  }
  if (trace !== undefined) out.trace = trace;
  return out;
}

export const grantWho = (teams?: string[], users?: string[], roles?: string[]): ((id: Identity) => boolean) =>
  (id) => (teams === undefined || (id.team !== null && teams.includes(id.team))) && (users === undefined || users.includes(id.user)) && (roles === undefined || roles.includes(id.role));
export const modelsMatcher = (models?: string[]): ((m: string) => boolean) | null => (models === undefined ? null : anyGlob(models));

// Lint for policy authors (`airlock policy check`): mistakes that validate but do not do what the
// author meant. Unknown detector ids are errors (a typo silently disables a rule); the rest are
// warnings: rules that can never decide, client ranges that overlap, exceptions past expiry.
import { severityRank, type Identity } from '../types.ts';
import { expiryOf } from './compile.ts';
import type { IssuePath, ParsedPolicy, PolicyIssue } from './parse.ts';
import { compileRule, glob, parseAction, toolMatcher, type ToolMatcher } from './rules.ts';
import type { ExceptionDoc, RuleDoc, WhenDoc } from './schema.ts';
import { contains, overlaps, parseRange, type Range } from './semver.ts';
import { ACTION_RANK } from './types.ts';

export interface LintOptions {
  /** Detector ids the engine knows; unknown ids in rules are errors. */
  detectors?: readonly string[];
  /**
   * Every finding rule the engine can report, as `detector/rule` (the built-in ones, the covert
   * kinds, imported gitleaks rules): a finding pattern that matches none of them is a warning.
   */
  findingRules?: readonly string[];
  /** The gateway's upstreams and the dialects each serves (from its configuration), for route targets. */
  upstreamDialects?: Readonly<Record<string, readonly string[]>>;
  now?: number;
}

/** Edit distance, for "did you mean" (small strings only). */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

const subset = <T>(inner: readonly T[] | undefined, outer: readonly T[] | undefined): boolean =>
  outer === undefined || (inner !== undefined && inner.every((x) => outer.includes(x)));

const globsCover = (inner: readonly string[] | undefined, outer: readonly string[] | undefined): boolean =>
  outer === undefined || outer.includes('*') || (inner !== undefined && inner.every((x) => outer.includes(x)));

const toolCovers = (outer: ToolMatcher, inner: ToolMatcher): boolean =>
  (outer.name === '*' || outer.name === inner.name) && (outer.range === null || (inner.range !== null && contains(outer.range, inner.range)));

const hasFindingCond = (w: WhenDoc): boolean =>
  w.detectors !== undefined || w.findings !== undefined || w.severity !== undefined || w.confidence !== undefined || w.segments !== undefined || w.tags !== undefined || w.count !== undefined;

/** What covers() reads of a rule. */
export interface CoverRule {
  when: WhenDoc;
  /** As compiled (rules.ts): what the rule does when a detector it depends on fails. */
  failClosed: boolean;
  /** The exceptions for the rule that are still in force. */
  exceptions: readonly ExceptionDoc[];
}

/** Wherever and for as long as exception `e` waves a value through, `f` (of another rule) does too. */
const waivesAlike = (e: ExceptionDoc, f: ExceptionDoc): boolean =>
  f.valueHash === e.valueHash && (f.user === undefined || f.user === e.user) && (f.team === undefined || f.team === e.team) && expiryOf(f.expires) >= expiryOf(e.expires);

/**
 * True when rule `a` matches every exchange (and every finding) rule `b` matches, judged
 * structurally, also when a detector fails and whoever sends it.
 */
export function covers(a: CoverRule, b: CoverRule): boolean {
  const [aw, bw] = [a.when, b.when];
  if (!subset(bw.teams, aw.teams) || !subset(bw.users, aw.users) || !subset<Identity['role']>(bw.roles, aw.roles) || !subset(bw.upstreams, aw.upstreams)) return false;
  if (!globsCover(bw.models, aw.models)) return false;
  if (aw.tools !== undefined) {
    if (bw.tools === undefined) return false;
    const outer = aw.tools.map(toolMatcher);
    if (!bw.tools.map(toolMatcher).every((t) => outer.some((o) => toolCovers(o, t)))) return false;
  }
  if (!hasFindingCond(aw)) return true;
  if (!hasFindingCond(bw)) return false;
  if (!subset(bw.detectors, aw.detectors) || !globsCover(bw.findings, aw.findings) || !subset(bw.segments, aw.segments) || !subset(bw.tags, aw.tags)) return false;
  if (aw.severity !== undefined && (bw.severity === undefined || severityRank(bw.severity) < severityRank(aw.severity))) return false;
  if (aw.confidence !== undefined && (bw.confidence === undefined || bw.confidence < aw.confidence)) return false;
  if ((aw.count ?? 1) > (bw.count ?? 1)) return false;
  // b depends on no detector a does not (detectors above): when one fails, a fail-closed b matches
  // on the failure alone, and a matches then only if it fails closed too.
  if (b.failClosed && !a.failClosed) return false;
  // A finding a waves through for someone still counts for b, unless b waves it through as well.
  return a.exceptions.every((e) => b.exceptions.some((f) => waivesAlike(e, f)));
}

const rank = (r: RuleDoc): number => ACTION_RANK[parseAction(r.action).action];

export function lintPolicy(parsed: ParsedPolicy, opts: LintOptions = {}): PolicyIssue[] {
  const { doc } = parsed;
  const out: PolicyIssue[] = [];
  const add = (level: PolicyIssue['level'], path: IssuePath, message: string): void => {
    out.push({ level, path, message, ...parsed.locate(path) });
  };
  const known = opts.detectors === undefined || opts.detectors.length === 0 ? null : new Set(opts.detectors);
  const detector = (path: IssuePath, id: string): void => {
    if (known !== null && !known.has(id)) add('error', path, `found unknown detector '${id}'; expected one of ${[...known].join(', ')}`);
  };
  // A finding pattern (`aws-*`, `secrets/aws-secret-key`, `*/email`) that no rule of the engine
  // reports never matches: a misspelt id silently disables its rule.
  const all = opts.findingRules ?? [];
  const bare = [...new Set(all.map((q) => q.slice(q.indexOf('/') + 1)))];
  const findingPattern = (path: IssuePath, g: string, qualified = g.includes('/')): void => {
    if (all.length === 0) return;
    const re = glob(g);
    if ((qualified ? all : bare).some((x) => re.test(x))) return;
    const pool = qualified ? all : bare;
    let best = '';
    let bestD = Infinity;
    if (!/[*?]/.test(g)) {
      for (const x of pool) {
        const d = distance(g, x);
        if (d < bestD) [best, bestD] = [x, d];
      }
    }
    add('warning', path, `found finding rule '${g}', which no detector reports${bestD <= Math.max(2, Math.floor(g.length / 5)) ? `; did you mean '${best}'?` : ''}`);
  };
  const firstMatch = doc.combine === 'first-match';
  const now = opts.now ?? Date.now();
  const coverable: CoverRule[] = doc.rules.map((r, i) => ({
    when: r.when,
    failClosed: compileRule(r, i, () => []).failClosed,
    exceptions: doc.exceptions.filter((e) => e.rule === r.id && expiryOf(e.expires) > now),
  }));
  doc.rules.forEach((r, i) => {
    r.when.detectors?.forEach((d, j) => detector(['rules', i, 'when', 'detectors', j], d));
    r.when.findings?.forEach((g, j) => {
      // The detector part may be a glob too (`*/email`): only a plain id is checked.
      if (g.includes('/') && !/[*?]/.test(g.split('/')[0]!)) detector(['rules', i, 'when', 'findings', j], g.split('/')[0]!);
      findingPattern(['rules', i, 'when', 'findings', j], g);
    });
    // A route whose target does not serve a dialect the rule can match blocks those exchanges
    // (pipeline: fail closed). The rule sees the dialects of the upstreams it names, else all.
    const act = parseAction(r.action);
    const served = opts.upstreamDialects;
    if (act.action === 'route' && served !== undefined && served[act.upstream!] !== undefined) {
      const seen = new Set((r.when.upstreams ?? Object.keys(served)).flatMap((u) => served[u] ?? []));
      const missing = [...seen].filter((d) => !served[act.upstream!]!.includes(d));
      if (missing.length > 0) {
        add('warning', ['rules', i, 'action'], `rule '${r.id}' routes to '${act.upstream}', which does not serve ${missing.join(', ')}: exchanges of ${missing.length > 1 ? 'those dialects' : 'that dialect'} it matches are blocked; name the upstreams it applies to (when.upstreams) or route to one that serves them`);
      }
    }
    if (!firstMatch && act.action === 'allow') {
      add('warning', ['rules', i, 'action'], `rule '${r.id}' allows, which never overrides another rule under combine: most-severe; use an exception or combine: first-match`);
    }
    for (let k = 0; k < i; k++) {
      const a = doc.rules[k]!;
      if (!covers(coverable[k]!, coverable[i]!)) continue;
      if (firstMatch) {
        add('warning', ['rules', i], `rule '${r.id}' is unreachable: rule '${a.id}' (rules[${k}]) comes first and matches everything it matches`);
        break;
      }
      // Under most-severe every matching redact rule's findings are redacted unless the exchange is
      // blocked (evaluate.ts): a route decision leaves a redact rule it covers its whole effect.
      if (rank(a) >= rank(r) && !(parseAction(r.action).action === 'redact' && parseAction(a.action).action === 'route')) {
        add('warning', ['rules', i], `rule '${r.id}' can never decide: rule '${a.id}' (rules[${k}]) matches everything it matches with an action at least as severe (${a.action})`);
        break;
      }
    }
  });
  // Classification keys are matched as rules' qualified patterns are: a detector id exactly, or
  // a glob against `detector/rule` (compile.ts, tagsFunction). A glob detector part (`*/email`) is
  // no detector id to check; the pattern as a whole still has to match something.
  for (const k of Object.keys(doc.classification)) {
    const d = k.split('/')[0]!;
    if (!/[*?]/.test(d)) detector(['classification', k], d);
    if (k.includes('/') || /[*?]/.test(k)) findingPattern(['classification', k], k, true);
  }
  const tools = doc.clients?.tools ?? [];
  const rangeOf = (c: (typeof tools)[number]): Range => parseRange(c.versions ?? '*');
  tools.forEach((c, i) => {
    const cr = rangeOf(c);
    const earlier = tools.slice(0, i).map((p, k) => ({ p, k, pr: rangeOf(p) })).filter((e) => e.p.name === c.name);
    // A client that reports no version matches only entries without `versions`: those take it from c.
    const takesVersionless = (es: typeof earlier): boolean => c.versions !== undefined || es.some((e) => e.p.versions === undefined);
    // The first matching entry decides: c is unreachable when the earlier entries together cover
    // it (`<0.40.0` then `>=0.40.0` leave nothing of `0.x`), even if none does alone.
    if (contains(earlier.flatMap((e) => e.pr), cr) && takesVersionless(earlier)) {
      const one = earlier.find((e) => contains(e.pr, cr) && takesVersionless([e]));
      const by = one !== undefined
        ? `clients.tools[${one.k}] (${one.p.versions ?? 'any version'}) comes first and covers it`
        : `${earlier.filter((e) => overlaps(e.pr, cr)).map((e) => `clients.tools[${e.k}] (${e.p.versions ?? 'any version'})`).join(', ')} come first and together cover it`;
      add('warning', ['clients', 'tools', i], `${c.name} ${c.versions ?? '(any version)'} is unreachable: ${by}`);
      return;
    }
    for (const { p, k, pr } of earlier) {
      // A later, wider entry is the usual "ban a range, allow the rest"; a partial overlap is not.
      if (overlaps(pr, cr) && !contains(cr, pr) && p.action !== c.action) {
        add('warning', ['clients', 'tools', i], `${c.name} ${c.versions ?? ''} overlaps clients.tools[${k}] (${p.versions ?? 'any version'}, ${p.action}); the first entry wins where they overlap`);
      }
    }
  });
  doc.exceptions.forEach((e, i) => {
    if (expiryOf(e.expires) <= now) add('warning', ['exceptions', i, 'expires'], `exception for rule '${e.rule}' expired on ${e.expires}; it no longer applies (remove it)`);
  });
  const teams = doc.identities?.teams ?? [];
  if (teams.length > 0) {
    const check = (path: IssuePath, t: string): void => {
      if (!teams.includes(t)) add('warning', path, `found team '${t}'; expected one of identities.teams (${teams.join(', ')})`);
    };
    doc.rules.forEach((r, i) => r.when.teams?.forEach((t, j) => check(['rules', i, 'when', 'teams', j], t)));
    doc.routes?.forEach((g, i) => g.teams?.forEach((t, j) => check(['routes', i, 'teams', j], t)));
    doc.exceptions.forEach((e, i) => e.team !== undefined && check(['exceptions', i, 'team'], e.team));
    doc.identities?.users.forEach((u, i) => u.team !== undefined && check(['identities', 'users', i, 'team'], u.team));
  }
  return out;
}

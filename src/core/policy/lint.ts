// Lint for policy authors (`airlock policy check`): mistakes that validate but do not do what the
// author meant. Unknown detector ids are errors (a typo silently disables a rule); the rest are
// warnings: rules that can never decide, client ranges that overlap, exceptions past expiry.
import { severityRank, type Identity } from '../types.ts';
import { expiryOf } from './compile.ts';
import type { IssuePath, ParsedPolicy, PolicyIssue } from './parse.ts';
import { glob, parseAction, toolMatcher, type ToolMatcher } from './rules.ts';
import type { RuleDoc, WhenDoc } from './schema.ts';
import { contains, overlaps } from './semver.ts';
import { ACTION_RANK } from './types.ts';

export interface LintOptions {
  /** Detector ids the engine knows; unknown ids in rules are errors. */
  detectors?: readonly string[];
  /**
   * Every finding rule the engine can report, as `detector/rule` (the built-in ones, the covert
   * kinds, imported gitleaks rules): a finding pattern that matches none of them is a warning.
   */
  findingRules?: readonly string[];
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

/** True when rule `a` matches every exchange (and every finding) rule `b` matches, judged structurally. */
export function covers(a: WhenDoc, b: WhenDoc): boolean {
  if (!subset(b.teams, a.teams) || !subset(b.users, a.users) || !subset<Identity['role']>(b.roles, a.roles) || !subset(b.upstreams, a.upstreams)) return false;
  if (!globsCover(b.models, a.models)) return false;
  if (a.tools !== undefined) {
    if (b.tools === undefined) return false;
    const outer = a.tools.map(toolMatcher);
    if (!b.tools.map(toolMatcher).every((t) => outer.some((o) => toolCovers(o, t)))) return false;
  }
  if (!hasFindingCond(a)) return true;
  if (!hasFindingCond(b)) return false;
  if (!subset(b.detectors, a.detectors) || !globsCover(b.findings, a.findings) || !subset(b.segments, a.segments) || !subset(b.tags, a.tags)) return false;
  if (a.severity !== undefined && (b.severity === undefined || severityRank(b.severity) < severityRank(a.severity))) return false;
  if (a.confidence !== undefined && (b.confidence === undefined || b.confidence < a.confidence)) return false;
  return (a.count ?? 1) <= (b.count ?? 1);
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
  const findingPattern = (path: IssuePath, g: string): void => {
    if (all.length === 0) return;
    const qualified = g.includes('/');
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
  doc.rules.forEach((r, i) => {
    r.when.detectors?.forEach((d, j) => detector(['rules', i, 'when', 'detectors', j], d));
    r.when.findings?.forEach((g, j) => {
      // The detector part may be a glob too (`*/email`): only a plain id is checked.
      if (g.includes('/') && !/[*?]/.test(g.split('/')[0]!)) detector(['rules', i, 'when', 'findings', j], g.split('/')[0]!);
      findingPattern(['rules', i, 'when', 'findings', j], g);
    });
    if (!firstMatch && parseAction(r.action).action === 'allow') {
      add('warning', ['rules', i, 'action'], `rule '${r.id}' allows, which never overrides another rule under combine: most-severe; use an exception or combine: first-match`);
    }
    for (let k = 0; k < i; k++) {
      const a = doc.rules[k]!;
      if (!covers(a.when, r.when)) continue;
      if (firstMatch) {
        add('warning', ['rules', i], `rule '${r.id}' is unreachable: rule '${a.id}' (rules[${k}]) comes first and matches everything it matches`);
        break;
      }
      if (rank(a) >= rank(r)) {
        add('warning', ['rules', i], `rule '${r.id}' can never decide: rule '${a.id}' (rules[${k}]) matches everything it matches with an action at least as severe (${a.action})`);
        break;
      }
    }
  });
  for (const k of Object.keys(doc.classification)) {
    detector(['classification', k], k.split('/')[0]!);
    if (k.includes('/')) findingPattern(['classification', k], k);
  }
  const tools = doc.clients?.tools ?? [];
  tools.forEach((c, i) => {
    const m = toolMatcher({ name: c.name, ...(c.versions !== undefined ? { versions: c.versions } : {}) });
    for (let k = 0; k < i; k++) {
      const p = tools[k]!;
      if (p.name !== c.name) continue;
      const pm = toolMatcher({ name: p.name, ...(p.versions !== undefined ? { versions: p.versions } : {}) });
      const all = [{ lo: null, hi: null }];
      const pr = pm.range ?? all;
      const cr = m.range ?? all;
      if (contains(pr, cr)) {
        add('warning', ['clients', 'tools', i], `${c.name} ${c.versions ?? '(any version)'} is unreachable: clients.tools[${k}] (${p.versions ?? 'any version'}) comes first and covers it`);
        break;
      }
      // A later, wider entry is the usual "ban a range, allow the rest"; a partial overlap is not.
      if (overlaps(pr, cr) && !contains(cr, pr) && p.action !== c.action) {
        add('warning', ['clients', 'tools', i], `${c.name} ${c.versions ?? ''} overlaps clients.tools[${k}] (${p.versions ?? 'any version'}, ${p.action}); the first entry wins where they overlap`);
      }
    }
  });
  const now = opts.now ?? Date.now();
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

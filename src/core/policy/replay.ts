// Dry run of a candidate policy over recorded exchanges (`airlock policy test --replay`). Replay
// needs the findings and the facts about the exchange, never the prompt text, so it works on
// trails that never stored prompts. What cannot be replayed is said, not guessed: exchanges that
// ended before the decide phase (auth errors, bad JSON) carry no decision and are skipped.
// Records are taken one at a time (`Replay.add`), so a trail of millions of exchanges replays in
// bounded memory: every change is counted, and only the first `keep` of each kind (deciding rule
// and change: "rule-x: allow → block") are kept as examples, so a rare kind is not crowded out.
import type { AuditEntry, Identity } from '../types.ts';
import type { CompiledPolicy } from './types.ts';

export interface ReplayChange {
  id: string;
  time: string;
  team: string | null;
  user: string | null;
  tool: string | null;
  model: string | null;
  /** `upstream`: for a route decision, where it sends the exchange. */
  before: { action: string; ruleId: string | null; upstream?: string };
  after: { action: string; ruleId: string | null; upstream?: string; reason: string };
}

/** An action as the policy writes it: `route(inhouse)`, `block`. */
export const actionText = (d: { action: string; upstream?: string }): string => (d.upstream !== undefined ? `${d.action}(${d.upstream})` : d.action);

/**
 * The upstream the gateway picked for a recorded exchange before any route action: what the
 * policy saw. A routed record's `upstream` is where it went, so its decision's `from` is used; a
 * record from before `from` was kept falls back to `upstream`.
 */
export const pickedUpstream = (e: AuditEntry): string | null => (e.decision?.action === 'route' && e.decision.from !== undefined ? e.decision.from : e.upstream);

export interface ReplaySummary {
  total: number;
  replayed: number;
  skipped: number;
  unchanged: number;
  /** Exchanges whose decision would change (all of them, kept as examples or not). */
  changed: number;
  /** Example changes in the trail's order: the first `keep` of each kind (deciding rule and change). */
  changes: ReplayChange[];
  /** "before → after" counts over all changes (e.g. "allow → block": 312). */
  byChange: Record<string, number>;
  /** The same counts by deciding rule of the candidate policy, and by team. */
  byRule: Record<string, Record<string, number>>;
  byTeam: Record<string, Record<string, number>>;
  /** Time of the first and last replayed exchange (null when none was). */
  from: string | null;
  to: string | null;
}

export interface ReplayOptions {
  /** Role of a key id (from the store); the trail does not record roles. Default 'developer'. */
  roleOf?: (keyId: string | null) => Identity['role'];
  /** The upstream the gateway would pick before routing; default the recorded one (pickedUpstream). */
  upstreamOf?: (e: AuditEntry) => string | null;
  now?: number;
  /** How many changes of each kind (deciding rule and change) to keep as examples (default: all). */
  keep?: number;
}

/**
 * "before → after", naming both rules where the action stays (or the row would read "block → block"),
 * and both targets where only a route's target changes: `route(inhouse) → route(openai)`.
 */
const changeLabel = (c: ReplayChange): string => {
  if (c.before.action !== c.after.action) return `${c.before.action} → ${c.after.action}`;
  if (c.before.upstream !== undefined && c.after.upstream !== undefined && c.before.upstream !== c.after.upstream) return `${actionText(c.before)} → ${actionText(c.after)}`;
  return `${c.before.action} (${c.before.ruleId ?? '-'} → ${c.after.ruleId ?? '-'})`;
};

export class Replay {
  private readonly s: ReplaySummary = { total: 0, replayed: 0, skipped: 0, unchanged: 0, changed: 0, changes: [], byChange: {}, byRule: {}, byTeam: {}, from: null, to: null };
  private readonly keep: number;
  /** Examples kept so far per kind (deciding rule and change). */
  private readonly kept = new Map<string, number>();

  constructor(
    private readonly policy: CompiledPolicy,
    private readonly opts: ReplayOptions = {},
  ) {
    this.keep = opts.keep ?? Infinity;
  }

  /** Re-decides one recorded exchange; the change it makes, or null (unchanged or skipped). */
  add(e: AuditEntry): ReplayChange | null {
    const s = this.s;
    s.total++;
    if (e.decision === null || e.dialect === null || e.user === null) {
      s.skipped++;
      return null;
    }
    s.replayed++;
    if (s.from === null || e.time < s.from) s.from = e.time;
    if (s.to === null || e.time > s.to) s.to = e.time;
    const identity: Identity = { keyId: e.keyId ?? '', user: e.user, team: e.team, role: this.opts.roleOf?.(e.keyId) ?? 'developer' };
    const v = this.policy.evaluate({
      identity,
      client: { tool: e.tool ?? 'unknown', version: e.toolVersion },
      dialect: e.dialect,
      upstream: this.opts.upstreamOf?.(e) ?? pickedUpstream(e) ?? '',
      model: e.model,
      // Response findings were inspected after the decision; they never decided anything.
      findings: e.findings.filter((f) => !f.segmentPath.startsWith('response.')),
      now: this.opts.now ?? Date.parse(e.time),
    });
    // A route's target is part of the decision: route(inhouse) → route(openai) sends the code to another provider.
    const target = (d: { action: string; upstream?: string }): { upstream?: string } => (d.action === 'route' && d.upstream !== undefined ? { upstream: d.upstream } : {});
    const before = { action: e.decision.action, ruleId: e.decision.ruleId, ...target(e.decision) };
    const after = { action: v.decision.action, ruleId: v.decision.ruleId, ...target(v.decision), reason: v.decision.reason };
    // A record that kept no target (none should) cannot show a change of target.
    const sameTarget = before.upstream === undefined || before.upstream === after.upstream;
    if (before.action === after.action && (before.action === 'allow' || before.ruleId === after.ruleId) && sameTarget) {
      s.unchanged++;
      return null;
    }
    const c: ReplayChange = { id: e.id, time: e.time, team: e.team, user: e.user, tool: e.tool, model: e.model, before, after };
    s.changed++;
    const label = changeLabel(c);
    const kind = exampleKind(c);
    const k = this.kept.get(kind) ?? 0;
    if (k < this.keep) {
      this.kept.set(kind, k + 1);
      s.changes.push(c);
    }
    s.byChange[label] = (s.byChange[label] ?? 0) + 1;
    bump(s.byRule, after.ruleId ?? before.ruleId ?? '(none)', label);
    bump(s.byTeam, e.team ?? '(no team)', label);
    return c;
  }

  summary(): ReplaySummary {
    return this.s;
  }
}

/** The kind of a change, for examples: its deciding rule and what changes. */
export const exampleKind = (c: ReplayChange): string => `${c.after.ruleId ?? c.before.ruleId ?? '(none)'}: ${changeLabel(c)}`;

/** Up to `n` examples taken in turn from each kind, in the trail's order within a kind. */
export function pickExamples(changes: readonly ReplayChange[], n: number): ReplayChange[] {
  const kinds = new Map<string, ReplayChange[]>();
  for (const c of changes) {
    const k = exampleKind(c);
    const list = kinds.get(k);
    if (list === undefined) kinds.set(k, [c]);
    else list.push(c);
  }
  const out: ReplayChange[] = [];
  const lists = [...kinds.values()];
  for (let i = 0; out.length < n; i++) {
    let any = false;
    for (const l of lists) {
      if (i < l.length && out.length < n) {
        out.push(l[i]!);
        any = true;
      }
    }
    if (!any) break;
  }
  return out;
}

function bump(t: Record<string, Record<string, number>>, k: string, change: string): void {
  const row = (t[k] ??= {});
  row[change] = (row[change] ?? 0) + 1;
}

/** Replays every entry (see Replay). */
export function replay(policy: CompiledPolicy, entries: Iterable<AuditEntry>, opts: ReplayOptions = {}): ReplaySummary {
  const r = new Replay(policy, opts);
  for (const e of entries) r.add(e);
  return r.summary();
}

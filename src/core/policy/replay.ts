// Dry run of a candidate policy over recorded exchanges (`airlock policy test --replay`). Replay
// needs the findings and the facts about the exchange, never the prompt text, so it works on
// trails that never stored prompts. What cannot be replayed is said, not guessed: exchanges that
// ended before the decide phase (auth errors, bad JSON) carry no decision and are skipped.
import type { AuditEntry, Identity } from '../types.ts';
import type { CompiledPolicy } from './types.ts';

export interface ReplayChange {
  id: string;
  team: string | null;
  user: string | null;
  before: { action: string; ruleId: string | null };
  after: { action: string; ruleId: string | null; reason: string };
}

export interface ReplaySummary {
  total: number;
  replayed: number;
  skipped: number;
  unchanged: number;
  changes: ReplayChange[];
  /** "before → after" counts by deciding rule of the candidate policy, and by team. */
  byRule: Record<string, Record<string, number>>;
  byTeam: Record<string, Record<string, number>>;
}

export interface ReplayOptions {
  /** Role of a key id (from the store); the trail does not record roles. Default 'developer'. */
  roleOf?: (keyId: string | null) => Identity['role'];
  /** The upstream the gateway would pick before routing; default the recorded upstream. */
  upstreamOf?: (e: AuditEntry) => string | null;
  now?: number;
}

export function replay(policy: CompiledPolicy, entries: Iterable<AuditEntry>, opts: ReplayOptions = {}): ReplaySummary {
  const s: ReplaySummary = { total: 0, replayed: 0, skipped: 0, unchanged: 0, changes: [], byRule: {}, byTeam: {} };
  const bump = (t: Record<string, Record<string, number>>, k: string, change: string): void => {
    const row = (t[k] ??= {});
    row[change] = (row[change] ?? 0) + 1;
  };
  for (const e of entries) {
    s.total++;
    if (e.decision === null || e.dialect === null || e.user === null) {
      s.skipped++;
      continue;
    }
    s.replayed++;
    const identity: Identity = { keyId: e.keyId ?? '', user: e.user, team: e.team, role: opts.roleOf?.(e.keyId) ?? 'developer' };
    const v = policy.evaluate({
      identity,
      client: { tool: e.tool ?? 'unknown', version: e.toolVersion },
      dialect: e.dialect,
      upstream: opts.upstreamOf?.(e) ?? e.upstream ?? '',
      model: e.model,
      // Response findings were inspected after the decision; they never decided anything.
      findings: e.findings.filter((f) => !f.segmentPath.startsWith('response.')),
      now: opts.now ?? Date.parse(e.time),
    });
    const before = { action: e.decision.action, ruleId: e.decision.ruleId };
    const after = { action: v.decision.action, ruleId: v.decision.ruleId, reason: v.decision.reason };
    if (before.action === after.action && (before.action === 'allow' || before.ruleId === after.ruleId)) {
      s.unchanged++;
      continue;
    }
    s.changes.push({ id: e.id, team: e.team, user: e.user, before, after });
    // Same action, another deciding rule: name both rules, or the row reads "block → block".
    const change = before.action === after.action ? `${before.action} (${before.ruleId ?? '-'} → ${after.ruleId ?? '-'})` : `${before.action} → ${after.action}`;
    bump(s.byRule, after.ruleId ?? before.ruleId ?? '(none)', change);
    bump(s.byTeam, e.team ?? '(no team)', change);
  }
  return s;
}

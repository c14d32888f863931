// Row mapping and merge rule for covert-channel baselines, shared by both stores.
import type { BaselineVariant } from '../core/covert/baseline.ts';

type Row = Record<string, unknown>;

/** Users kept per variant: enough to see that users are split, bounded for a large organisation. */
export const MAX_BASELINE_USERS = 1000;

export function mergeVariant(r: BaselineVariant, old: { users: string[]; count: number; lastSeen: string } | null): { users: string[]; count: number; lastSeen: string } {
  if (old === null) return { users: r.users.slice(0, MAX_BASELINE_USERS), count: r.count, lastSeen: r.lastSeen };
  const users = [...new Set([...old.users, ...r.users])].slice(0, MAX_BASELINE_USERS);
  return { users, count: old.count + r.count, lastSeen: r.lastSeen > old.lastSeen ? r.lastSeen : old.lastSeen };
}

export const rowToVariant = (r: Row): BaselineVariant => ({
  tool: String(r.tool),
  version: String(r.version),
  group: String(r.grp),
  hash: String(r.hash),
  fields: JSON.parse(String(r.fields)) as [string, string][],
  users: JSON.parse(String(r.users)) as string[],
  count: Number(r.count),
  firstSeen: String(r.first_seen),
  lastSeen: String(r.last_seen),
});

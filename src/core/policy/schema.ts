// The policy file's schema (zod). Objects are strict: a misspelt key is an error with a location,
// not a silently ignored rule. docs/policy.md is the reference for every field.
import { z } from 'zod';
import { SEGMENT_ROLES, SEVERITIES } from '../types.ts';

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.@+-]*$/;
const ID = /^[A-Za-z0-9][A-Za-z0-9_.:/-]*$/;
export const ACTION_RE = /^(?:(allow|alert|redact|block)|route\(([a-z0-9][a-z0-9_-]*)\))$/;

const name = (what: string) => z.string({ error: `expected a ${what} (a string)` }).regex(NAME, `expected a ${what}: letters, digits, and _ . @ + -`);
const list = <T extends z.ZodType>(item: T) => z.array(item, { error: 'expected a list' }).min(1, 'expected a non-empty list');

const ACTION_MSG = 'expected one of allow, alert, redact, block, route(<upstream>)';
export const actionSchema = z.string({ error: ACTION_MSG }).regex(ACTION_RE, ACTION_MSG);

const ROLES = ['admin', 'auditor', 'developer'] as const;

const toolRef = z.union([
  name('tool name'),
  z.strictObject({ name: name('tool name'), versions: z.string().optional() }),
], { error: 'expected a tool name or {name, versions}' });

const whenSchema = z.strictObject({
  // finding-level: which findings count
  detectors: list(name('detector id')).optional(),
  /** Rule ids within the detectors, globs allowed (`aws-*`), or `detector/rule`. */
  findings: list(z.string().min(1)).optional(),
  severity: z.enum(SEVERITIES, { error: `expected one of ${SEVERITIES.join(', ')}` }).optional(),
  confidence: z.number().min(0).max(1).optional(),
  segments: list(z.enum(SEGMENT_ROLES, { error: `expected one of ${SEGMENT_ROLES.join(', ')}` })).optional(),
  tags: list(name('tag')).optional(),
  /** At least this many matching findings (default 1 when any finding condition is set). */
  count: z.number().int().min(1).optional(),
  // exchange-level: who, with what, where
  tools: list(toolRef).optional(),
  teams: list(name('team')).optional(),
  users: list(name('user')).optional(),
  roles: list(z.enum(ROLES, { error: `expected one of ${ROLES.join(', ')}` })).optional(),
  upstreams: list(name('upstream')).optional(),
  models: list(z.string().min(1)).optional(),
}, { error: 'expected a mapping of conditions' });

const ruleSchema = z.strictObject({
  id: z.string({ error: 'expected a rule id' }).regex(ID, 'expected a rule id: letters, digits, and _ . : / -'),
  description: z.string().optional(),
  when: whenSchema.default({}),
  action: actionSchema,
  reason: z.string().optional(),
  /** When a detector the rule depends on fails or overruns its budget. Default: closed for block rules, open otherwise. */
  failure: z.enum(['closed', 'open'], { error: 'expected closed or open' }).optional(),
});

const clientSchema = z.strictObject({
  id: z.string().regex(ID).optional(),
  name: name('tool name'),
  versions: z.string().optional(),
  action: z.enum(['allow', 'alert', 'block'], { error: 'expected allow, alert or block' }),
  reason: z.string().optional(),
});

const routeSchema = z.strictObject({
  teams: list(name('team')).optional(),
  users: list(name('user')).optional(),
  roles: list(z.enum(ROLES)).optional(),
  upstreams: list(name('upstream')),
  models: list(z.string().min(1)).optional(),
});

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:\d{2})?)?$/;

/**
 * An instant written so that it means the same on every machine: `YYYY-MM-DD`, a calendar day in
 * UTC (`at` is its start), or an ISO 8601 date-time with an offset (`Z` or `±hh:mm`). Date.parse
 * is not the reader: it takes a date-time without an offset as the local time of whichever server
 * reads it, rolls `2026-09-31` over to October 1 and reads `2026-9-30` as local midnight, so an
 * exception would end at a different moment on each gateway. Anything else is a `problem`: what
 * was expected instead, or null when the text is no date at all (the caller says what it takes).
 * Shared by exception expiries and the CLI's `--since` / `--until`.
 */
export function readInstant(s: string): { at: number; day: boolean } | { problem: string | null } {
  const m = INSTANT.exec(s);
  if (m === null) return { problem: null };
  const n = (i: number): number => Number(m[i] ?? 0);
  const [y, mo, d, h, mi, se] = [n(1), n(2), n(3), n(4), n(5), n(6)];
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  const days = mo === 2 && leap ? 29 : DAYS_IN_MONTH[mo - 1];
  if (days === undefined || d < 1 || d > days) return { problem: `a real calendar day (${days === undefined ? `there is no month ${m[2]}` : `${m[1]}-${m[2]} has ${days} days`})` };
  const time = m[4] !== undefined;
  if (time && m[8] === undefined) return { problem: "a date-time with an offset (Z or ±hh:mm), so that it does not depend on the machine's time zone" };
  const off = m[8] === undefined || m[8] === 'Z' ? [0, 0] : [Number(m[8].slice(1, 3)), Number(m[8].slice(4, 6))];
  if (h > 23 || mi > 59 || se > 59 || off[0]! > 23 || off[1]! > 59) return { problem: 'a time of day up to 23:59:59 and an offset up to ±23:59' };
  // setUTCFullYear, unlike Date.UTC, does not read years 0-99 as 1900-1999.
  const t = new Date(0);
  t.setUTCFullYear(y, mo - 1, d);
  t.setUTCHours(h, mi, se, Number((m[7] ?? '').padEnd(3, '0').slice(0, 3)));
  const sign = m[8]?.startsWith('-') === true ? -1 : 1;
  return { at: t.getTime() - sign * (off[0]! * 60 + off[1]!) * 60_000, day: !time };
}

const EXPIRES = 'an expiry date: YYYY-MM-DD (to the end of that day, UTC) or an ISO 8601 date-time with an offset (2026-09-30T18:00:00Z, 2026-09-30T18:00:00+02:00)';

const exceptionSchema = z.strictObject({
  rule: z.string().regex(ID),
  user: name('user').optional(),
  team: name('team').optional(),
  valueHash: z.string({ error: 'expected the value hash (airlock policy hash-value)' }).regex(/^[0-9a-f]{16,64}$/, 'expected a hex value hash (airlock policy hash-value)'),
  expires: z.string({ error: `expected ${EXPIRES}` }).superRefine((s, ctx) => {
    const r = readInstant(s);
    if ('problem' in r) ctx.addIssue({ code: 'custom', message: `expected ${r.problem ?? EXPIRES}` });
  }),
  reason: z.string().optional(),
});

const limitSchema = z.strictObject({
  scope: z.enum(['key', 'user', 'team'], { error: 'expected key, user or team' }),
  /** A specific key id, user or team; absent = the default for every one of the scope. */
  name: z.string().min(1).optional(),
  requestsPerMinute: z.number().int().positive().optional(),
  tokensPerDay: z.number().int().positive().optional(),
});

export const policySchema = z.strictObject({
  version: z.literal(1, { error: 'expected version: 1' }),
  name: z.string().optional(),
  combine: z.enum(['most-severe', 'first-match'], { error: 'expected most-severe or first-match' }).default('most-severe'),
  clients: z.strictObject({
    unknown: z.enum(['allow', 'alert', 'block'], { error: 'expected allow, alert or block' }).default('alert'),
    tools: z.array(clientSchema).default([]),
  }).optional(),
  identities: z.strictObject({
    teams: z.array(name('team')).default([]),
    users: z.array(z.strictObject({ name: name('user'), team: name('team').optional(), role: z.enum(ROLES).optional() })).default([]),
  }).optional(),
  routes: z.array(routeSchema).optional(),
  /** Data-classification tags by detector id or `detector/rule` (added to the built-in ones). */
  classification: z.record(z.string(), z.array(name('tag'))).default({}),
  rules: z.array(ruleSchema).default([]),
  exceptions: z.array(exceptionSchema).default([]),
  limits: z.array(limitSchema).default([]),
}, { error: 'expected a policy document (a mapping with version: 1)' });

export type PolicyDoc = z.infer<typeof policySchema>;
export type RuleDoc = z.infer<typeof ruleSchema>;
export type WhenDoc = z.infer<typeof whenSchema>;
export type ClientDoc = z.infer<typeof clientSchema>;
export type RouteDoc = z.infer<typeof routeSchema>;
export type ExceptionDoc = z.infer<typeof exceptionSchema>;
export type LimitDoc = z.infer<typeof limitSchema>;
export type ToolRef = z.infer<typeof toolRef>;

// What the policy engine takes and gives. Pure data, so the gateway, `airlock policy test
// --replay` and `airlock policy explain` all feed it the same way.
import type { Action, ClientInfo, Decision, Dialect, Finding, Identity } from '../types.ts';
import type { LimitDoc, PolicyDoc } from './schema.ts';

export interface DetectorError {
  detector: string;
  message: string;
}

export interface PolicyInput {
  identity: Identity;
  client: ClientInfo;
  dialect: Dialect;
  /** The upstream the gateway picked for the model (before any route action). */
  upstream: string;
  model: string | null;
  findings: readonly Finding[];
  /** Detectors that threw or overran their time budget (fail-open / fail-closed). */
  detectorErrors?: readonly DetectorError[];
  /** Epoch ms; decides which exceptions are still in force. Default Date.now(). */
  now?: number;
  /** Where a finding's segment came from, e.g. the file a tool result was read from. */
  sourceOf?: (segmentPath: string) => string | null;
}

/** A rule (or client entry, or route check) that matched, in policy order. */
export interface RuleMatch {
  ruleId: string;
  action: Action;
  upstream?: string;
  /** Findings that satisfied the rule (after exceptions). */
  findings: Finding[];
  /** Set when the rule matched because a detector failed and the rule fails closed. */
  failedClosed?: string;
  reason: string;
}

export interface RuleTrace {
  ruleId: string;
  matched: boolean;
  /** Why not: the first condition that failed. */
  why: string;
}

export interface Verdict {
  decision: Decision;
  /** Findings to redact before forwarding (empty unless a redact rule matched and nothing blocks). */
  redact: Finding[];
  matches: RuleMatch[];
  /** Findings waved through by an exception: rule id and finding. */
  excepted: { ruleId: string; finding: Finding; exception: number }[];
  /** Rules that saw a detector failure and failed open. */
  failedOpen: string[];
  /** Identity after the policy's identities section is applied. */
  identity: Identity;
  /** Per rule, matched or the first failing condition (only with { trace: true }). */
  trace?: RuleTrace[];
}

export interface LimitSpec {
  scope: LimitDoc['scope'];
  /** The key id, user or team this counter belongs to. */
  subject: string;
  requestsPerMinute?: number;
  tokensPerDay?: number;
}

export interface CompiledPolicy {
  doc: PolicyDoc;
  /** Rule ids in policy order. */
  ruleIds: string[];
  evaluate(input: PolicyInput, opts?: { trace?: boolean }): Verdict;
  /** The limits that apply to an identity (one entry per scope with a limit). */
  limitsFor(identity: Identity): LimitSpec[];
  /** Identity with the policy's team and role for the user applied. */
  resolveIdentity(identity: Identity): Identity;
  /** Upstream names the policy refers to (route actions and route grants). */
  upstreamNames(): string[];
  /**
   * Whether findings like these could change what happens to an exchange (blocked, routed,
   * redacted, or, under first-match, which rule is reached), whoever sends it: a rule with a finding
   * condition that one of them meets. Alert-only rules under most-severe only change the record.
   */
  actsOn(findings: readonly Finding[]): boolean;
}

export const ACTION_RANK: Record<Action, number> = { allow: 0, alert: 1, redact: 2, route: 3, block: 4 };

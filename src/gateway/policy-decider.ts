// The policy engine behind the pipeline's Decider seam: each exchange is decided by the policy
// version in force when its decide phase runs, and that version's hash goes into its record
// (not the hash current at record time: a reload may land while the response streams).
import type { Identity } from '../core/types.ts';
import type { LimitSpec } from '../core/policy/index.ts';
import type { DecideOutcome, Decider } from './pipeline.ts';
import type { PolicyHolder } from './policy-loader.ts';

export function policyDecider(holder: PolicyHolder): Decider {
  return (input): DecideOutcome => {
    const p = holder.current;
    const v = p.policy.evaluate(input);
    return { decision: v.decision, redact: v.redact, policyHash: p.hash, identity: v.identity, failedOpen: v.failedOpen };
  };
}

/** Limits for an identity under the policy in force. */
export const policyLimits = (holder: PolicyHolder) => (id: Identity): LimitSpec[] => holder.current.policy.limitsFor(id);

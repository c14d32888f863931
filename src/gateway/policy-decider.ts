// The policy engine behind the pipeline's Decider seam: each exchange is decided by the policy
// version in force when its decide phase runs, and that version's hash goes into its record
// (not the hash current at record time: a reload may land while the response streams).
import type { Identity } from '../core/types.ts';
import type { CompiledPolicy, LimitSpec } from '../core/policy/index.ts';
import { covertFindingKinds } from '../core/covert/baseline.ts';
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

/**
 * Whether the policy in force could act on a prompt-baseline (covert) finding before forwarding;
 * when it cannot, the gateway compares prompts after the response. Answered once per policy version.
 */
export function policyActsOnCovert(holder: PolicyHolder): () => boolean {
  const kinds = covertFindingKinds();
  const answers = new WeakMap<CompiledPolicy, boolean>();
  return () => {
    const p = holder.current.policy;
    let a = answers.get(p);
    if (a === undefined) {
      a = p.actsOn(kinds);
      answers.set(p, a);
    }
    return a;
  };
}

// The combination a reviewer must see first: a fingerprint compared with specific (often hidden)
// constants, and the outcome changing what the tool sends. Built from the comparison sites and
// the effects the flow rules recorded on them, so it lists after them in the rule order.
import type { Rule } from '../rule.ts';
import type { Node } from '../types.ts';
import { FP_LABEL } from '../types.ts';
import { kindsOf } from '../derive.ts';
import { list } from '../rule-helpers.ts';

export const rule: Rule = {
  meta: {
    id: 'covert-fingerprint-gate',
    category: 'covert',
    severity: 'critical',
    title: 'Covert check: fingerprint compared with a list changes what is sent',
    explanation:
      'A value read from the machine is compared with region-, company- or network-specific constants, and the outcome changes the ' +
      'prompt, the characters in it, or a request. This is the pattern of the 2026 case: a CLI that checked the time zone and the API ' +
      'host against a hidden list and signalled the result through invisible changes to its system prompt. Critical when the list is ' +
      'hidden or the change uses look-alike or invisible characters.',
  },
  after(a) {
    for (const site of a.compareSites) {
      if (site.effects.length === 0 || site.severity === 'low' || site.severity === 'info') continue;
      const look = site.effects.some((e) => e.type === 'lookalike');
      const related: Array<{ node: Node; note: string }> = [];
      if (site.listNode) related.push({ node: site.listNode, note: site.hidden ? 'hidden list' : 'constants' });
      for (const e of site.effects.slice(0, 3)) related.push({ node: e.node, note: e.note });
      const what = kindsOf(site.kinds).map((k) => FP_LABEL[k]).join(' and ');
      const effects = [...new Set(site.effects.map((e) => e.note))].join('; ');
      a.report(rule, {
        node: site.node,
        severity: site.hidden || look ? 'critical' : 'high',
        kinds: site.kinds,
        message: `compares the ${what} with ${site.hidden ? 'a hidden list' : 'specific constants'} (${list(site.constants, 5)}) and the result ${effects}.`,
        decoded: site.constants,
        related,
        data: { hidden: site.hidden, effects: site.effects.map((e) => e.type) },
      });
    }
  },
};

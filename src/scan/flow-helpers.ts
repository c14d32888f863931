// Shared by the flow rules: which fingerprint kinds and decisions reach a sink, and recording the
// effect on each decision site so that covert-fingerprint-gate can tie check and consequence.
import type { Analysis } from './analysis.ts';
import type { FpKind, Node, Severity } from './types.ts';
import { FP_LABEL } from './types.ts';
import { CONFIG_MASK, kindBit, kindsOf, type EffectType, type Taint } from './derive.ts';
import type { Scope } from './walk.ts';

export function record(t: Taint | null, type: EffectType, node: Node, note: string): void {
  if (!t) return;
  for (const s of t.sites) if (s.effects.length < 8 && !s.effects.some((e) => e.node === node)) s.effects.push({ type, node, note });
}

export function deriveAll(a: Analysis, nodes: Array<Node | null | undefined>, scope: Scope): Taint | null {
  let out: Taint | null = null;
  for (const n of nodes) {
    if (!n) continue;
    const t = a.derive(n, scope);
    if (!t) continue;
    out = out ? { kinds: out.kinds | t.kinds, sites: [...out.sites, ...t.sites.filter((x) => !out?.sites.includes(x))] } : t;
  }
  return out;
}

const MACHINE = kindBit('hostname') | kindBit('username') | kindBit('network') | kindBit('machine-id') | kindBit('software');

export function severityFor(kinds: number): Severity {
  if (kinds & MACHINE) return 'high';
  if (kinds & ~CONFIG_MASK) return 'medium';
  return 'low';
}

export const labels = (kinds: number): string => kindsOf(kinds).map((k: FpKind) => FP_LABEL[k]).join(', ');
export const decisionLabel = (t: Taint): string =>
  t.sites.length === 0 ? '' : `the result of comparing the ${labels(t.sites.reduce((m, s) => m | s.kinds, 0))} with specific constants`;

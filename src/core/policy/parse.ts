// Policy text → validated document. Every problem names file:line:column, what was found and
// what was expected (core/yaml-validate.ts).
import { validateYaml, type IssuePath, type YamlIssue } from '../yaml-validate.ts';
import { policySchema, type PolicyDoc } from './schema.ts';

export { formatIssue, formatPath, type IssuePath } from '../yaml-validate.ts';
export type PolicyIssue = YamlIssue;

export interface ParsedPolicy {
  doc: PolicyDoc;
  /** Position of a path in the text (the closest existing node). */
  locate: (path: IssuePath) => { line: number; col: number };
}

export type ParseResult = { ok: true; policy: ParsedPolicy; issues: PolicyIssue[] } | { ok: false; issues: PolicyIssue[] };

export function parsePolicy(text: string): ParseResult {
  const r = validateYaml(text, policySchema, 'docs/policy.md');
  if (!r.ok) return r;
  return { ok: true, policy: { doc: r.value, locate: r.locate }, issues: [] };
}

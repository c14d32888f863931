// Block and alert reasons a developer can act on: what was found, where, and what to do about
// it, e.g. "an AWS secret access key was found in a tool result (.env); remove it or ask for an
// exception: rule secrets-in-tool-results". Built from masked facts only, never from a value.
import { severityRank, type Finding, type SegmentRole } from '../types.ts';
import { maskSecrets } from '../detect/mask-secrets.ts';

// Names for the rule ids developers meet most; anything else is derived from the id.
const LABELS: Record<string, string> = {
  'aws-access-key': 'AWS access key id',
  'aws-secret-key': 'AWS secret access key',
  'aws-session-token': 'AWS session token',
  'github-pat': 'GitHub personal access token',
  'github-token': 'GitHub token',
  'anthropic-api-key': 'Anthropic API key',
  'openai-api-key': 'OpenAI API key',
  'private-key': 'private key',
  'email': 'e-mail address',
  'credit-card': 'payment card number',
  'payment-card': 'payment card number',
  'iban': 'IBAN',
  'us-ssn': 'US social security number',
  'phone': 'phone number',
};

const ACRONYMS = new Set(['aws', 'gcp', 'api', 'ssh', 'pgp', 'jwt', 'url', 'ip', 'iban', 'ssn', 'sts', 'id', 'pat', 'npm', 'pypi', 'cn', 'uk', 'us', 'oauth']);
const ROLE_LABELS: Record<SegmentRole, string> = {
  system: 'the system prompt',
  user: 'a user message',
  assistant: 'an assistant message',
  tool_definition: 'a tool definition',
  tool_call: 'a tool call',
  tool_result: 'a tool result',
  reasoning: 'model reasoning',
  metadata: 'request metadata',
  header: 'a request header',
  query: "the request's query string",
};

export function findingLabel(f: Pick<Finding, 'detector' | 'rule'>): string {
  const known = LABELS[f.rule];
  if (known !== undefined) return known;
  return f.rule.split(/[-_]/).map((w) => (ACRONYMS.has(w) ? w.toUpperCase() : w)).join(' ');
}

const article = (s: string): string => (/^(?:[aeio]|u(?!s)|[AEFHILMNORSX][A-Z]|[AEIOU][a-z])/.test(s) ? `an ${s}` : `a ${s}`);

export interface ReasonFacts {
  ruleId: string;
  findings: readonly Finding[];
  sourceOf?: (segmentPath: string) => string | null;
}

/** Default reason for a rule that matched on findings. */
export function findingReason(facts: ReasonFacts, verb: 'blocked' | 'found'): string {
  // Headline the most severe finding (first of equals): the one the developer must deal with.
  let f = facts.findings[0];
  if (f === undefined) return `rule ${facts.ruleId} matched`;
  for (const x of facts.findings) if (severityRank(x.severity) > severityRank(f.severity)) f = x;
  // A place's name is the client's text (a token pasted as a query parameter name): masked, as
  // the reason goes to the client, the audit trail and reports.
  const place = f.role === 'header' || f.role === 'query' ? placeName(f.segmentPath) : facts.sourceOf?.(f.segmentPath) ?? null;
  const src = place === null ? null : maskSecrets(place);
  const where = `${ROLE_LABELS[f.role] ?? f.role}${src !== null ? ` (${src})` : ''}`;
  const n = facts.findings.length - 1;
  const more = n > 0 ? ` (+${n} more finding${n > 1 ? 's' : ''})` : '';
  const what = `${article(findingLabel(f))} was found in ${where}`;
  return verb === 'blocked' ? `${what}; remove it or ask for an exception: rule ${facts.ruleId}${more}` : `${what} (rule ${facts.ruleId})${more}`;
}

/** The header or query parameter a finding's path names: `headers["x-team-token"]` → x-team-token. */
function placeName(path: string): string | null {
  const m = /^(?:headers|query)(?:\.([\w$]+)|\[("(?:[^"\\]|\\.)*")\])/.exec(path);
  if (m === null) return null;
  return m[1] ?? (JSON.parse(m[2]!) as string);
}

/** Fills {placeholders} of a rule's own reason text. Unknown placeholders stay as written. */
export function renderTemplate(tpl: string, vars: Record<string, string>): string {
  return tpl.replace(/\{(\w+)\}/g, (m, k: string) => vars[k] ?? m);
}

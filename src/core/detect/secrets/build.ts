// Small constructors that keep the rule tables declarative. Three shapes cover nearly every
// documented credential format:
// - token():  a distinctive literal prefix starts the value (ghp_, sk-ant-api03-, xoxb-). The
//             prefix is the keyword and the regex runs anchored at it.
// - assign(): no prefix; the value is recognised by the name it is assigned to
//             (HEROKU_API_KEY = "<uuid>"). The name is the keyword; anchored at it.
// - near():   a fixed-shape value that needs a nearby word to be told apart from other data
//             (a 32-hex Datadog key). Runs in a window after the keyword.
// All regexes avoid nested quantifiers and unbounded lazy scans, so a failed attempt costs at most
// the length of the longest possible match.
import type { Severity } from '../../types.ts';
import type { SecretRule } from './types.ts';
import { escapeRegExp } from '../../text.ts';


/** Case-insensitive source for an ASCII word, for use inside an otherwise case-sensitive regex. */
export function ci(word: string): string {
  let out = '';
  for (const ch of word) {
    const lo = ch.toLowerCase();
    const up = ch.toUpperCase();
    out += lo !== up ? `[${lo}${up}]` : escapeRegExp(ch);
  }
  return out;
}

interface Common {
  id: string;
  description: string;
  severity: Severity;
  entropy?: number;
  validate?: SecretRule['validate'];
  confidence?: number;
  skipPlaceholderCheck?: boolean;
  keywords?: string[];
}

export interface TokenSpec extends Common {
  /** Literal prefixes (not regex). */
  prefix: string | string[];
  /** Regex source of the part after the prefix. */
  body: string;
  /** Character class source that must not precede the prefix. */
  left?: string;
  /** Character class source that must not follow the body ('' = no check). */
  right?: string;
  /** Match the prefix case-insensitively. */
  ciPrefix?: boolean;
}

export function token(s: TokenSpec): SecretRule {
  const prefixes = Array.isArray(s.prefix) ? s.prefix : [s.prefix];
  const alt = prefixes.map((p) => (s.ciPrefix === true ? ci(p) : escapeRegExp(p))).join('|');
  const left = s.left ?? '[A-Za-z0-9_]';
  const right = s.right ?? '[A-Za-z0-9_]';
  const src = `${left === '' ? '' : `(?<!${left})`}(?:${alt})${s.body}${right === '' ? '' : `(?!${right})`}`;
  return {
    id: s.id,
    description: s.description,
    severity: s.severity,
    keywords: s.keywords ?? prefixes.map((p) => p.toLowerCase()),
    regex: new RegExp(src),
    prefix: new RegExp(`^(?:${alt})`, s.ciPrefix === true ? 'i' : ''),
    mode: 'anchor',
    confidence: s.confidence ?? 0.95,
    ...opt(s),
  };
}

/**
 * Separator between a name and its value: `=`, `:`, `:=`, `=>`, `?=`, `::=`, `||`, YAML `: `, and
 * `,` only between two quoted strings (`set("api_key", "…")`, `["password", "…"]`, the pair shapes
 * gitleaks' generated rules accept): a bare `,` separates arguments and destructured names. Not
 * between backticks: in prose those are Markdown code spans, `` `db-password`, `Pass@word1` `` a list.
 */
export const ASSIGN = `[ \\t'"\\x60\\]]{0,3}(?:[:?!]{0,3}=>?|:|\\|\\||(?<=['"]),(?=[ \\t]{0,5}['"]))[ \\t'"\\x60]{0,5}`;
/**
 * What may follow a value: quote, space, punctuation, escaped newline, end of text, or a `\`
 * line continuation (the value goes on at the next line: secrets/wrapped.ts takes that part too).
 */
export const VALUE_END = `(?=[\\s'"\\x60;,)}\\]<>&|]|\\\\[nrt"']|\\\\\\r?\\n|$)`;

export interface AssignSpec extends Common {
  /** Lower-case literals; each starts the name (and is a keyword). */
  names: string[];
  /** Regex source for the rest of the identifier after a name; default up to 30 word chars. */
  nameTail?: string;
  /** Regex source of the value (no capture groups). */
  value: string;
  /** Regex source of what ends the value; default VALUE_END. */
  end?: string;
  generic?: boolean;
}

export function assign(s: AssignSpec): SecretRule {
  const names = s.names.map(ci).join('|');
  const tail = s.nameTail ?? '[\\w.-]{0,30}?';
  const src = `(?<![A-Za-z0-9])(?:${names})${tail}${ASSIGN}(${s.value})${s.end ?? VALUE_END}`;
  return {
    id: s.id,
    description: s.description,
    severity: s.severity,
    keywords: s.keywords ?? s.names,
    regex: new RegExp(src),
    secretGroup: 1,
    mode: 'anchor',
    precheck: 'assign',
    confidence: s.confidence ?? 0.85,
    ...(s.generic === true ? { generic: true } : {}),
    ...opt(s),
  };
}

export interface NearSpec extends Common {
  keywords: string[];
  /** Full regex source of the value, with its own boundaries; group 1 if `group` is set. */
  value: string;
  group?: number;
  /** Characters before / after a keyword hit searched for the value. */
  before?: number;
  after?: number;
  flags?: string;
}

export function near(s: NearSpec): SecretRule {
  return {
    id: s.id,
    description: s.description,
    severity: s.severity,
    keywords: s.keywords,
    regex: new RegExp(s.value, s.flags ?? ''),
    ...(s.group !== undefined ? { secretGroup: s.group } : {}),
    mode: 'window',
    before: s.before ?? 8,
    after: s.after ?? 160,
    confidence: s.confidence ?? 0.8,
    ...opt(s),
  };
}

function opt(s: Common): Partial<SecretRule> {
  const o: Partial<SecretRule> = {};
  if (s.entropy !== undefined) o.entropy = s.entropy;
  if (s.validate !== undefined) o.validate = s.validate;
  if (s.skipPlaceholderCheck === true) o.skipPlaceholderCheck = true;
  return o;
}

// Common value shapes.
export const HEX = (n: number | string): string => `[a-fA-F0-9]{${n}}`;
export const ALNUM = (n: number | string): string => `[A-Za-z0-9]{${n}}`;
export const B64URL = (n: number | string): string => `[A-Za-z0-9_-]{${n}}`;
export const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';

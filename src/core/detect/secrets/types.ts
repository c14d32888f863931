// The shape of one secret rule. Built-in rules (rules/*.ts) and rules imported from a
// gitleaks.toml (gitleaks.ts) share it, so both run through the same scanner and prefilter.
// Pass imported rules to the detector as DetectOptions.extraSecretRules (typed `unknown[]` in
// detect/types.ts; the detector accepts only values that satisfy `isSecretRule`).
import type { Severity } from '../../types.ts';

/** Facts a validator may consult besides the secret itself. */
export interface MatchContext {
  /** The whole text being scanned. */
  text: string;
  /** Span of the secret value in `text`. */
  start: number;
  end: number;
  /** The full regex match (the secret is usually a group of it) and where it starts. */
  match: string;
  matchStart: number;
}

export interface SecretAllowlist {
  /** Matched against `regexTarget` ('secret' by default, 'match' for the whole regex match). */
  regexes?: RegExp[];
  regexTarget?: 'secret' | 'match' | 'line';
  /** Lower-case substrings; a secret containing one is ignored. */
  stopwords?: string[];
  /** gitleaks' `condition = "AND"`: every listed check must match (default: any). */
  condition?: 'OR' | 'AND';
}

export interface SecretRule {
  /** Stable kebab-case id, reported as Finding.rule. */
  id: string;
  description: string;
  severity: Severity;
  /**
   * Lower-case literals; the rule only runs where one occurs. Empty means "run over the whole
   * text", which built-in rules never do (a test enforces it) because it defeats the prefilter.
   */
  keywords: string[];
  /** Source of the pattern; compiled with the `g`/`y` flags by the scanner. */
  regex: RegExp;
  /** Capture group holding the secret value; 0 (default) = the whole match. */
  secretGroup?: number;
  /** Minimum Shannon entropy (bits per character) of the secret. */
  entropy?: number;
  /**
   * Where the regex runs relative to a keyword hit. 'anchor' (default for built-ins): the regex
   * starts exactly at the keyword (sticky exec, O(match) per hit). 'window': the regex runs over
   * [hit - before, hit + after], windows of one rule merged; a window rule every match of which
   * begins with one of its keywords is tried at each keyword start, in that start's own window.
   */
  mode?: 'anchor' | 'window';
  before?: number;
  after?: number;
  /** Literal prefix stripped before the placeholder check (so 'sk_live_' is not judged). */
  prefix?: RegExp;
  /** Skip the placeholder/stopword check (the format itself carries repeated characters). */
  skipPlaceholderCheck?: boolean;
  /** Extra checks on the secret: false rejects, a number sets the confidence. */
  validate?: (secret: string, ctx: MatchContext) => boolean | number;
  /** Base confidence (0..1); default 0.9, generic rules lower. */
  confidence?: number;
  /** Generic rules lose to specific ones when spans overlap. */
  generic?: boolean;
  allowlists?: SecretAllowlist[];
  /**
   * A cheap necessary condition checked before the regex: 'assign' = after the keyword, within
   * 40 identifier characters and 3 quotes/spaces, comes `:`, `=`, `,` or `|`. Saves the regex
   * exec on most occurrences of common keywords ("token", "password") in prose and code.
   */
  precheck?: 'assign';
  /**
   * The value has no fixed length (generic assignments, Authorization headers, JWTs): where it runs
   * to the end of a long line, a next line that is only a piece of a token is taken as its rest (a
   * hard wrap, secrets/wrapped.ts). `\`-continuations and concatenated literals are followed for
   * every rule.
   */
  wraps?: boolean;
  /** Where the rule came from, e.g. 'builtin' or 'gitleaks'. */
  origin?: string;
}

export function isSecretRule(x: unknown): x is SecretRule {
  if (typeof x !== 'object' || x === null) return false;
  const r = x as Record<string, unknown>;
  return typeof r['id'] === 'string' && r['regex'] instanceof RegExp && Array.isArray(r['keywords']);
}

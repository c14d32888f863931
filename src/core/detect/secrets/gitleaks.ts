// Import of a gitleaks.toml: its [[rules]] become SecretRules that run in the same scanner as the
// built-ins (pass them as DetectOptions.extraSecretRules). Regexes are translated from Go RE2
// (re2.ts); keywords, entropy, secretGroup and allowlists (global `[allowlist]` / `[[allowlists]]`
// and per-rule `[rules.allowlist]` / `[[rules.allowlists]]`) are honoured. What cannot apply to
// prompt text (path- or commit-only rules and allowlists) is listed in `untranslatable`.
import { parse } from 'smol-toml';
import type { Severity } from '../../types.ts';
import { nestedRepetition, translateRe2 } from './re2.ts';
import type { SecretAllowlist, SecretRule } from './types.ts';

export interface GitleaksImport {
  rules: SecretRule[];
  /** Global allowlists (already attached to every imported rule). */
  allowlists: SecretAllowlist[];
  untranslatable: { id: string; reason: string }[];
}

type Table = Record<string, unknown>;
const isTable = (x: unknown): x is Table => typeof x === 'object' && x !== null && !Array.isArray(x);
const strings = (x: unknown): string[] => (Array.isArray(x) ? x.filter((s): s is string => typeof s === 'string') : []);

function compile(src: string): RegExp | string {
  const t = translateRe2(src);
  if ('error' in t) return t.error;
  const nested = nestedRepetition(t.source);
  if (nested !== null) return `nested repetition ${nested.slice(0, 60)}: on some texts a backtracking engine takes exponential time on it (gitleaks' RE2 does not), so any client could stall the gateway; rewrite it without a repetition inside a repetition`;
  return new RegExp(t.source, t.flags);
}

/** One gitleaks allowlist table → SecretAllowlist, or a reason it does not apply. */
function allowlist(t: Table, where: string, out: GitleaksImport['untranslatable']): SecretAllowlist | null {
  const regexes: RegExp[] = [];
  for (const r of strings(t['regexes'])) {
    const re = compile(r);
    if (typeof re === 'string') out.push({ id: where, reason: `allowlist regex skipped: ${re}` });
    else regexes.push(re);
  }
  const stopwords = strings(t['stopwords']).map((s) => s.toLowerCase());
  const target = t['regexTarget'];
  const hasPathsOrCommits = strings(t['paths']).length > 0 || strings(t['commits']).length > 0;
  if (regexes.length === 0 && stopwords.length === 0) {
    if (hasPathsOrCommits) out.push({ id: where, reason: 'path/commit-only allowlist: not applicable to prompt text' });
    return null;
  }
  if (hasPathsOrCommits) out.push({ id: where, reason: 'allowlist paths/commits ignored (no file paths in prompt text); regexes/stopwords kept' });
  const a: SecretAllowlist = {};
  if (regexes.length > 0) a.regexes = regexes;
  if (stopwords.length > 0) a.stopwords = stopwords;
  if (target === 'match' || target === 'line') a.regexTarget = target;
  // AND across paths+regexes cannot hold without paths; with only regexes/stopwords it means both.
  if (t['condition'] === 'AND' && !hasPathsOrCommits) a.condition = 'AND';
  return a;
}

function tables(x: unknown): Table[] {
  if (Array.isArray(x)) return x.filter(isTable);
  return isTable(x) ? [x] : [];
}

function groupCount(re: RegExp): number {
  return (new RegExp(`${re.source}|`, re.flags.replace(/[gy]/g, '')).exec('')?.length ?? 1) - 1;
}

export function importGitleaksToml(tomlText: string, opts: { severity?: Severity } = {}): GitleaksImport {
  const doc = parse(tomlText) as Table;
  const untranslatable: GitleaksImport['untranslatable'] = [];
  const globals: SecretAllowlist[] = [];
  [...tables(doc['allowlist']), ...tables(doc['allowlists'])].forEach((t, n) => {
    const a = allowlist(t, `allowlists[${n}]`, untranslatable);
    if (a !== null) globals.push(a);
  });

  const rules: SecretRule[] = [];
  for (const [n, r] of tables(doc['rules']).entries()) {
    const id = typeof r['id'] === 'string' && r['id'] !== '' ? r['id'] : `rules[${n}]`;
    const src = r['regex'];
    if (typeof src !== 'string' || src === '') {
      untranslatable.push({ id, reason: typeof r['path'] === 'string' ? 'path-only rule: not applicable to prompt text' : 'rule has no regex' });
      continue;
    }
    const re = compile(src);
    if (typeof re === 'string') {
      untranslatable.push({ id, reason: re });
      continue;
    }
    if (typeof r['path'] === 'string') untranslatable.push({ id, reason: 'path condition ignored (no file paths in prompt text); regex kept' });
    const lists = [...globals];
    [...tables(r['allowlist']), ...tables(r['allowlists'])].forEach((t, k) => {
      const a = allowlist(t, `${id}.allowlists[${k}]`, untranslatable);
      if (a !== null) lists.push(a);
    });
    const groups = groupCount(re);
    const sg = typeof r['secretGroup'] === 'number' ? r['secretGroup'] : groups > 0 ? 1 : 0;
    if (sg > groups) {
      untranslatable.push({ id, reason: `secretGroup ${sg} but the regex has ${groups} groups` });
      continue;
    }
    const rule: SecretRule = {
      id,
      description: typeof r['description'] === 'string' && r['description'] !== '' ? r['description'] : `gitleaks rule ${id}`,
      severity: opts.severity ?? 'high',
      keywords: strings(r['keywords']).map((k) => k.toLowerCase()),
      regex: re,
      secretGroup: sg,
      mode: 'window',
      // gitleaks semantics: its own entropy and allowlists decide, not our placeholder list.
      skipPlaceholderCheck: true,
      confidence: 0.8,
      origin: 'gitleaks',
    };
    if (typeof r['entropy'] === 'number' && r['entropy'] > 0) rule.entropy = r['entropy'];
    if (lists.length > 0) rule.allowlists = lists;
    rules.push(rule);
  }
  return { rules, allowlists: globals, untranslatable };
}

// The organisation's own secret rules: gitleaks.toml files named in the configuration
// (`inspection.gitleaks`), imported into the secrets detector next to the built-in rules, in the
// gateway, its inspection worker and `airlock inspect` alike. What cannot apply to prompt text, or
// cannot be translated from Go RE2, is listed, never silently dropped.
import { readFileSync } from 'node:fs';
import { TomlError } from 'smol-toml';
import { maskSecrets } from '../core/detect/mask-secrets.ts';
import { importGitleaksToml } from '../core/detect/secrets/gitleaks.ts';
import type { SecretRule } from '../core/detect/secrets/types.ts';

export interface LoadedSecretRules {
  rules: SecretRule[];
  /** Per file, the rules and allowlists not imported (or imported in part), and why. */
  untranslatable: { file: string; id: string; reason: string }[];
}

export class SecretRulesError extends Error {
  override name = 'SecretRulesError';
}

/** A rule file's text as it was read: what the gateway's thread hands its inspection worker, so both import the same bytes. */
export interface RuleSource {
  file: string;
  text: string;
}

/** Reads and imports each file; a file that cannot be read or parsed is an error naming file:line:column. */
export function loadSecretRules(files: readonly string[]): LoadedSecretRules {
  return importSecretRules(readSecretRuleFiles(files));
}

/** Reads each file once; one that cannot be read is an error naming it. */
export function readSecretRuleFiles(files: readonly string[]): RuleSource[] {
  return files.map((file) => {
    try {
      return { file, text: readFileSync(file, 'utf8') };
    } catch (e) {
      throw new SecretRulesError(`cannot read the gitleaks rules ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  });
}

/** Imports rule files already read; one that does not parse is an error naming file:line:column. */
export function importSecretRules(sources: readonly RuleSource[]): LoadedSecretRules {
  const out: LoadedSecretRules = { rules: [], untranslatable: [] };
  for (const { file, text } of sources) {
    try {
      const r = importGitleaksToml(text);
      for (const rule of r.rules) out.rules.push(rule);
      for (const u of r.untranslatable) out.untranslatable.push({ file, ...u });
    } catch (e) {
      // The parser's message quotes the offending lines; an allowlist may hold real values, so
      // only its first line (the reason) is shown, with anything secret-shaped masked.
      const where = e instanceof TomlError ? `${file}:${e.line}:${e.column}` : file;
      const reason = maskSecrets(((e as Error).message ?? String(e)).split('\n')[0]!.slice(0, 200));
      throw new SecretRulesError(`${where}: not a valid gitleaks.toml: ${reason}`);
    }
  }
  return out;
}

/** One line per rule or allowlist not imported as written, for the log and the CLI. */
export function describeUntranslatable(u: LoadedSecretRules['untranslatable']): string[] {
  return u.map((x) => `${x.file}: ${x.id}: ${x.reason}`);
}

// The built-in rule set, in report order: specific formats first, generic judgements last.
import { AI_RULES } from './rules/ai.ts';
import { CHAT_RULES } from './rules/chat.ts';
import { CLOUD_RULES } from './rules/cloud.ts';
import { DATABASE_RULES } from './rules/database.ts';
import { DEVOPS_RULES } from './rules/devops.ts';
import { GENERIC_RULES } from './rules/generic.ts';
import { KEY_RULES } from './rules/keys.ts';
import { PAYMENT_RULES } from './rules/payments.ts';
import { SAAS_RULES } from './rules/saas.ts';
import { VCS_RULES } from './rules/vcs.ts';
import type { SecretRule } from './types.ts';

export const BUILTIN_RULES: readonly SecretRule[] = [
  ...CLOUD_RULES,
  ...AI_RULES,
  ...VCS_RULES,
  ...PAYMENT_RULES,
  ...CHAT_RULES,
  ...DEVOPS_RULES,
  ...SAAS_RULES,
  ...KEY_RULES,
  ...DATABASE_RULES,
  ...GENERIC_RULES,
].map((r) => ({ ...r, origin: 'builtin' }));

export type { SecretRule, SecretAllowlist, MatchContext } from './types.ts';
export { isSecretRule } from './types.ts';
export { SecretScanner } from './scanner.ts';

import type { PathStep } from '../types.ts';
import { maskSecrets } from '../detect/mask-secrets.ts';

const IDENT = /^[A-Za-z_$][\w$]*$/;

/**
 * A key as paths show it: a credential used as a key (a tool call's input key, a metadata key, a
 * query parameter name) is masked like any value Airlock shows, since rendered paths go into
 * findings, hence the audit trail, reports and block reasons. Keys shorter than 8 characters
 * cannot hold a credential the secrets detector recognises, and are most keys: not scanned.
 */
const shownKey = (step: string): string => (step.length < 8 ? step : maskSecrets(step));

/**
 * Renders a JSON path as `messages[3].content[0].text` (keys that are not identifiers are quoted),
 * each key with any credential in it masked (`input["[github-pat: ghp_…Hn (40 chars)]"]`): for
 * display and for matching findings with segments (both sides go through this renderer), never
 * to find a key in a body (pathKey is the raw one).
 */
export function renderPath(path: readonly PathStep[]): string {
  let out = '';
  for (const step of path) {
    if (typeof step === 'number') {
      out += `[${step}]`;
      continue;
    }
    const key = shownKey(step);
    if (IDENT.test(key)) out += out === '' ? key : `.${key}`;
    else out += `[${JSON.stringify(key)}]`;
  }
  return out;
}

/** A segment's path as findings name it (`segmentPath`): its rendered path, and ` (key)` for a key. */
export const segmentPath = (s: { path: readonly PathStep[]; isKey?: boolean }): string => renderPath(s.path) + (s.isKey === true ? ' (key)' : '');

/** Key used to match a segment with a string literal found in the raw body (raw keys: internal, never shown). */
export const pathKey = (path: readonly PathStep[], isKey = false): string =>
  (isKey ? 'k:' : 'v:') + path.map((s) => (typeof s === 'number' ? `#${s}` : `.${s}`)).join('');

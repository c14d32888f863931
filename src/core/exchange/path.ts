import type { PathStep } from '../types.ts';
import { maskSecrets } from '../detect/mask-secrets.ts';

const IDENT = /^[A-Za-z_$][\w$]*$/;

// A tag tells apart keys that mask alike (two AWS key ids share their masked preview with odds of
// 1 in 36): rendered paths match findings with segments (redact.ts: headers, query, and the body
// when the engine did not say where), so two keys must never render as one path. The tag is a
// number given to each such key in the order this thread first renders it: it tells nothing of
// the key's value. Numbers are never reused; past TAGS_MAX keys the table starts afresh, and a
// key rendered before and after then renders two ways (a finding whose path no longer matches is
// one redaction cannot place: the exchange fails closed).
const TAGS = new Map<string, number>();
const TAGS_MAX = 65_536;
let nextTag = 1;
function tag(key: string): string {
  let n = TAGS.get(key);
  if (n === undefined) {
    if (TAGS.size >= TAGS_MAX) TAGS.clear();
    n = nextTag++;
    TAGS.set(key, n);
  }
  return `k${n}`;
}

/**
 * A key as paths show it: a credential used as a key (a tool call's input key, a metadata key, a
 * query parameter name) is masked like any value Airlock shows, since rendered paths go into
 * findings, hence the audit trail, reports and block reasons, and tagged
 * (`[github-pat: ghp_…Hn (40 chars)]~k1`). Keys shorter than 8 characters cannot hold a
 * credential the secrets detector recognises, and are most keys: not scanned.
 */
function shownKey(step: string): string {
  if (step.length < 8) return step;
  const masked = maskSecrets(step);
  return masked === step ? step : `${masked}~${tag(step)}`;
}

/**
 * Renders a JSON path as `messages[3].content[0].text` (keys that are not identifiers are quoted),
 * each key with any credential in it masked and tagged
 * (`input["[github-pat: ghp_…Hn (40 chars)]~k1"]`): for display and for matching findings
 * with segments (both sides go through this renderer), never to find a key in a body (pathKey is
 * the raw one).
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

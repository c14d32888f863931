import type { PathStep } from '../types.ts';

const IDENT = /^[A-Za-z_$][\w$]*$/;

/** Renders a JSON path as `messages[3].content[0].text` (keys that are not identifiers are quoted). */
export function renderPath(path: readonly PathStep[]): string {
  let out = '';
  for (const step of path) {
    if (typeof step === 'number') out += `[${step}]`;
    else if (IDENT.test(step)) out += out === '' ? step : `.${step}`;
    else out += `[${JSON.stringify(step)}]`;
  }
  return out;
}

/** A segment's path as findings name it (`segmentPath`): its rendered path, and ` (key)` for a key. */
export const segmentPath = (s: { path: readonly PathStep[]; isKey?: boolean }): string => renderPath(s.path) + (s.isKey === true ? ' (key)' : '');

/** Key used to match a segment with a string literal found in the raw body. */
export const pathKey = (path: readonly PathStep[], isKey = false): string =>
  (isKey ? 'k:' : 'v:') + path.map((s) => (typeof s === 'number' ? `#${s}` : `.${s}`)).join('');

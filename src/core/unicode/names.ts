// Reviewer-facing labels for code points: "U+0430 CYRILLIC SMALL LETTER A". Names come from the
// shipped data (confusables.txt comments, the invisible-character table); core carries no full
// UnicodeData.txt, so a code point outside both is shown by number only.
import { hex } from './confusables-parse.ts';
import { invisibleName } from './invisible.ts';
import { lookalikeName } from './skeleton.ts';

export { hex };

const DIGITS = ['ZERO', 'ONE', 'TWO', 'THREE', 'FOUR', 'FIVE', 'SIX', 'SEVEN', 'EIGHT', 'NINE'];

/** Fullwidth ASCII letters and digits follow one naming pattern; confusables.txt lists only some. */
function fullwidthName(cp: number): string {
  if (cp >= 0xff10 && cp <= 0xff19) return `FULLWIDTH DIGIT ${DIGITS[cp - 0xff10] ?? ''}`;
  if (cp >= 0xff21 && cp <= 0xff3a) return `FULLWIDTH LATIN CAPITAL LETTER ${String.fromCharCode(cp - 0xfee0)}`;
  if (cp >= 0xff41 && cp <= 0xff5a) return `FULLWIDTH LATIN SMALL LETTER ${String.fromCharCode(cp - 0xfee0 - 0x20)}`;
  return '';
}

export function codePointName(cp: number): string {
  return invisibleName(cp) || lookalikeName(cp) || fullwidthName(cp);
}

/** "U+0430 CYRILLIC SMALL LETTER A", or "U+XXXX" when the name is not shipped. */
export function label(cp: number): string {
  const name = codePointName(cp);
  return name ? `U+${hex(cp)} ${name}` : `U+${hex(cp)}`;
}

/** "U+0061 'a'" for printable ASCII; label() otherwise. */
export function asciiLabel(s: string): string {
  if (/^[\x20-\x7e]$/.test(s)) return `U+${hex(s.charCodeAt(0))} '${s}'`;
  if (/^[\x20-\x7e]+$/.test(s)) return `'${s}' (${[...s].map((c) => `U+${hex(c.charCodeAt(0))}`).join(' ')})`;
  return [...s].map((c) => label(c.codePointAt(0) ?? 0)).join(' ');
}

/**
 * Summarise the code points of a run: "U+200B ZERO WIDTH SPACE" or "3× U+200B ZERO WIDTH SPACE,
 * U+200C ZERO WIDTH NON-JOINER"; at most `limit` distinct code points, then "…".
 */
export function describeRun(cps: readonly number[], limit = 4): string {
  const counts = new Map<number, number>();
  for (const cp of cps) counts.set(cp, (counts.get(cp) ?? 0) + 1);
  const parts: string[] = [];
  for (const [cp, n] of counts) {
    if (parts.length === limit) {
      parts.push(`… (${counts.size - limit} more)`);
      break;
    }
    parts.push(n > 1 ? `${n}× ${label(cp)}` : label(cp));
  }
  return parts.join(', ');
}

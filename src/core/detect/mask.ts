// Masked previews: enough to recognise a value in a report, never enough to use it.

/** `sk-a…9f (51 chars)`: at most a quarter of the value is shown, never more than 6 characters. */
export function mask(value: string): string {
  const n = [...value].length;
  const chars = [...value];
  if (n <= 6) return `${'•'.repeat(n)} (${n} chars)`;
  const head = Math.min(4, Math.floor(n / 6));
  const tail = Math.min(2, Math.floor(n / 12));
  return `${chars.slice(0, head).join('')}…${tail > 0 ? chars.slice(n - tail).join('') : ''} (${n} chars)`;
}

// Expected [rule, start, end] from [rule, exact substring, occurrence]: table-driven detector
// tests state spans by the text they cover, not by counting characters.
import assert from 'node:assert/strict';

export const at = (text: string, ...exp: Array<[string, string, number?]>): (readonly [string, number, number])[] =>
  exp.map(([rule, v, occ = 1]) => {
    let i = -1;
    for (let k = 0; k < occ; k++) i = text.indexOf(v, i + 1);
    assert.ok(i >= 0, `${v} not in ${text}`);
    return [rule, i, i + v.length] as const;
  });

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { only, scanCode } from '../helpers.ts';

const RULE = 'fp-timezone-read';

describe(RULE, () => {
  it("finds: Intl time zone", () => {
    const f = only(scanCode(`const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;`), RULE);
    assert.equal(f.length, 1, JSON.stringify(f, null, 1));
    assert.deepEqual(f[0]!.kinds, ['timezone']);
  });
  it("finds: offset and TZ", () => {
    const f = only(scanCode(`const o = new Date().getTimezoneOffset(); const z = process.env.TZ;`), RULE);
    assert.equal(f.length, 2, JSON.stringify(f, null, 1));
  });
  it("ignores: an option object", () => {
    assert.deepEqual(only(scanCode(`const o = { timeZone: 'UTC' }; console.log(o.timeZone);`), RULE), []);
  });
});

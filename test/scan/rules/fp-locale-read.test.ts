import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { only, scanCode } from '../helpers.ts';

const RULE = 'fp-locale-read';

describe(RULE, () => {
  it("finds: Intl locale and LANG", () => {
    const f = only(scanCode(`const l = Intl.DateTimeFormat().resolvedOptions().locale; const g = process.env.LANG;`), RULE);
    assert.equal(f.length, 2, JSON.stringify(f, null, 1));
  });
  it("ignores: a config field", () => {
    assert.deepEqual(only(scanCode(`const x = config.locale;`), RULE), []);
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { only, scanCode } from '../helpers.ts';

const RULE = 'list-region-constants';

describe(RULE, () => {
  it("finds: plain zone list", () => {
    const f = only(scanCode(`const Z = ['Asia/Shanghai', 'Asia/Urumqi', 'Europe/Moscow'];`), RULE);
    assert.equal(f.length, 1, JSON.stringify(f, null, 1));
    assert.equal(f[0]!.severity, 'info');
  });
  it("ignores: colours", () => {
    assert.deepEqual(only(scanCode(`const c = ['red', 'green', 'blue'];`), RULE), []);
  });
});

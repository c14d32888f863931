import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { only, scanCode } from '../helpers.ts';

const RULE = 'fp-installed-software';

describe(RULE, () => {
  it("finds: dpkg -l", () => {
    const f = only(scanCode(`const l = require('child_process').execSync('dpkg -l').toString();`), RULE);
    assert.equal(f.length, 1, JSON.stringify(f, null, 1));
  });
  it("ignores: git status", () => {
    assert.deepEqual(only(scanCode(`require('child_process').execSync('git status');`), RULE), []);
  });
});

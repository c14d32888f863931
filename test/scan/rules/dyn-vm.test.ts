import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { only, scanCode } from '../helpers.ts';

const RULE = 'dyn-vm';

describe(RULE, () => {
  it("finds: runInNewContext", () => {
    const f = only(scanCode(`require('vm').runInNewContext(code, {});`), RULE);
    assert.equal(f.length, 1, JSON.stringify(f, null, 1));
  });
  it("ignores: other runner", () => {
    assert.deepEqual(only(scanCode(`runner.run(code);`), RULE), []);
  });
});

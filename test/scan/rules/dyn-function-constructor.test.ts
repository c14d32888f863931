import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { only, scanCode } from '../helpers.ts';

const RULE = 'dyn-function-constructor';

describe(RULE, () => {
  it("finds: new Function", () => {
    const f = only(scanCode(`const f = new Function('a', code);`), RULE);
    assert.equal(f.length, 1, JSON.stringify(f, null, 1));
    assert.equal(f[0]!.severity, 'medium');
  });
  it("ignores: other constructor", () => {
    assert.deepEqual(only(scanCode(`const f = new Foo('x');`), RULE), []);
  });
});

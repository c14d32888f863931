import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { only, scanCode, b64 } from '../helpers.ts';

const RULE = 'dyn-eval';

describe(RULE, () => {
  it("finds: decoded code", () => {
    const f = only(scanCode(`eval(atob('${b64("console.log(1)")}'));`), RULE);
    assert.equal(f.length, 1, JSON.stringify(f, null, 1));
    assert.equal(f[0]!.severity, 'high'); assert.deepEqual(f[0]!.decoded, ['console.log(1)']);
  });
  it("finds: computed code", () => {
    const f = only(scanCode(`eval(userCode);`), RULE);
    assert.equal(f.length, 1, JSON.stringify(f, null, 1));
    assert.equal(f[0]!.severity, 'medium');
  });
  it("ignores: a method named evaluate", () => {
    assert.deepEqual(only(scanCode(`evaluate(x); const o = { eval: 1 }; o.eval;`), RULE), []);
  });
});

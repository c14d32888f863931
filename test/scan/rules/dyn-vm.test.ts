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
  it("ignores: lodash's own runInContext (not node:vm)", () => {
    const code = `var runInContext = (function runInContext(context) { return {}; }); var _ = runInContext(); root._ = _; var lodash = _.runInContext(); lodash.runInContext({});`;
    assert.deepEqual(only(scanCode(code), RULE), []);
  });
  it("finds: vm bound by require, import, destructuring or a bundler's wrapper", () => {
    const cases = [
      [`const vm = require('node:vm'); vm.runInContext(code, ctx);`, 'index.js'],
      [`const { runInNewContext } = require('vm'); runInNewContext(code);`, 'index.js'],
      [`import { runInThisContext } from 'node:vm'; runInThisContext(code);`, 'index.mjs'],
      [`var import_vm = __toESM(require("vm")); import_vm.default.runInContext(code, c);`, 'index.js'],
      [`import * as vm from 'vm'; new vm.Script(code);`, 'index.mjs'],
    ] as const;
    for (const [code, file] of cases) assert.equal(only(scanCode(code, file), RULE).length, 1, code);
  });
  it("low: constant code; high: decoded code (as for the Function constructor)", () => {
    const low = only(scanCode(`require('vm').runInThisContext("1 + 1");`), RULE);
    assert.equal(low[0]?.severity, 'low', JSON.stringify(low));
    const high = only(scanCode(`require('vm').runInNewContext(atob("Z2xvYmFsVGhpcy54ID0gMQ=="), {});`), RULE);
    assert.equal(high[0]?.severity, 'high', JSON.stringify(high));
    assert.deepEqual(high[0]?.decoded, ['globalThis.x = 1']);
  });
});

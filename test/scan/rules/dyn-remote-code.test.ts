import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { only, scanCode } from '../helpers.ts';

const RULE = 'dyn-remote-code';

describe(RULE, () => {
  it("finds: eval of a fetched script", () => {
    const f = only(scanCode(`async function go(u) { const r = await fetch(u); const code = await r.text(); eval(code); }`), RULE);
    assert.equal(f.length, 1, JSON.stringify(f, null, 1));
  });
  it("finds: import of an https URL", () => {
    const f = only(scanCode(`import('https://cdn.example.com/x.js');`), RULE);
    assert.equal(f.length, 1, JSON.stringify(f, null, 1));
  });
  it("finds: node:vm methods on a fetched script, through require, an import or a destructured binding", () => {
    const fetched = `const r = await fetch(u); const code = await r.text();`;
    for (const code of [
      `const vm = require('vm'); async function go(u) { ${fetched} vm.runInThisContext(code); }`,
      `import * as vm from 'node:vm'; async function go(u) { ${fetched} vm.runInContext(code, ctx); }`,
      `const { runInNewContext } = require('node:vm'); async function go(u) { ${fetched} runInNewContext(code, {}); }`,
      `var import_vm = __toESM(require("vm")); async function go(u) { ${fetched} new import_vm.default.Script(code).runInThisContext(); }`,
    ]) {
      const f = only(scanCode(code), RULE);
      assert.equal(f.length, 1, `${code}\n${JSON.stringify(f, null, 1)}`);
    }
  });
  it("ignores: lodash's _.runInContext() and other functions named like vm's, on a fetched value", () => {
    const fetched = `const r = await fetch(u); const body = await r.json();`;
    for (const code of [
      `const _ = require('lodash'); async function go(u) { ${fetched} return _.runInContext(body); }`,
      `async function go(u, lodash) { ${fetched} const lo = lodash.runInContext(body); return lo; }`,
      `function runInThisContext(x) { return x; } async function go(u) { ${fetched} runInThisContext(body); }`,
      `class Script { constructor(x) {} } async function go(u) { ${fetched} new Script(body); }`,
    ]) assert.deepEqual(only(scanCode(code), RULE), [], code);
  });
  it("ignores: local import", () => {
    assert.deepEqual(only(scanCode(`import('./local.js');`), RULE), []);
  });
});

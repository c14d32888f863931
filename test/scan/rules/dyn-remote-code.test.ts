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
  it("ignores: local import", () => {
    assert.deepEqual(only(scanCode(`import('./local.js');`), RULE), []);
  });
});

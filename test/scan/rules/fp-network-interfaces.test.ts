import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { only, scanCode } from '../helpers.ts';

const RULE = 'fp-network-interfaces';

describe(RULE, () => {
  it("finds: networkInterfaces", () => {
    const f = only(scanCode(`const n = require('os').networkInterfaces();`), RULE);
    assert.equal(f.length, 1, JSON.stringify(f, null, 1));
  });
  it("ignores: interface name", () => {
    assert.deepEqual(only(scanCode(`console.log(iface.name);`), RULE), []);
  });
});

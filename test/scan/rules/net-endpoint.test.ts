import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { only, scanCode } from '../helpers.ts';

const RULE = 'net-endpoint';

describe(RULE, () => {
  it("finds: one URL used twice is one finding", () => {
    const f = only(scanCode(`fetch('https://api.example.com/v1/chat'); fetch('https://api.example.com/v1/chat');`), RULE);
    assert.equal(f.length, 1, JSON.stringify(f, null, 1));
    assert.equal(f[0]!.data?.count, 2); assert.equal(f[0]!.data?.host, 'api.example.com');
  });
  it("finds: bare host", () => {
    const f = only(scanCode(`const host = 'api.example.io';`), RULE);
    assert.equal(f.length, 1, JSON.stringify(f, null, 1));
  });
  it("ignores: no URL", () => {
    assert.deepEqual(only(scanCode(`const s = 'see README.md and package.json';`), RULE), []);
  });
});

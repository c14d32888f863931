import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { only, scanCode } from '../helpers.ts';

const RULE = 'fp-proxy-read';

describe(RULE, () => {
  it("finds: HTTPS_PROXY", () => {
    const f = only(scanCode(`const p = process.env.HTTPS_PROXY || process.env.https_proxy;`), RULE);
    assert.equal(f.length, 2, JSON.stringify(f, null, 1));
  });
  it("ignores: HOME", () => {
    assert.deepEqual(only(scanCode(`const h = process.env.HOME;`), RULE), []);
  });
});

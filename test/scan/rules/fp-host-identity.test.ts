import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { only, scanCode } from '../helpers.ts';

const RULE = 'fp-host-identity';

describe(RULE, () => {
  it("finds: hostname, userInfo, USERNAME", () => {
    const f = only(scanCode(`const os = require('os'); const h = os.hostname(); const u = os.userInfo().username; const n = process.env.USERNAME;`), RULE);
    assert.equal(f.length, 3, JSON.stringify(f, null, 1));
    assert.equal(f[0]!.severity, 'low');
  });
  it("ignores: a URL host name", () => {
    assert.deepEqual(only(scanCode(`const h = new URL(u).hostname;`), RULE), []);
  });
});

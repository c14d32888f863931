import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { only, scanCode } from '../helpers.ts';

const RULE = 'flow-fingerprint-selects-chars';

describe(RULE, () => {
  it("finds: look-alike letter by time zone", () => {
    const f = only(scanCode(`const tz = Intl.DateTimeFormat().resolvedOptions().timeZone; const ch = ['Asia/Shanghai', 'Asia/Urumqi'].includes(tz) ? '\\u0430' : 'a';`), RULE);
    assert.equal(f.length, 1, JSON.stringify(f, null, 1));
    assert.equal(f[0]!.severity, 'critical');
  });
  it("finds: invisible character appended under a host check", () => {
    const f = only(scanCode(`const h = require('os').hostname(); let p = 'You are an assistant.'; if (h.endsWith('.corp.example.com')) { p = p + '\\u200b'; }`), RULE);
    assert.equal(f.length, 1, JSON.stringify(f, null, 1));
  });
  it("ignores: look-alike letters chosen by a plain flag", () => {
    assert.deepEqual(only(scanCode(`const ch = flag ? '\\u0430' : 'a';`), RULE), []);
  });
  it("ignores: different letters chosen by time zone", () => {
    assert.deepEqual(only(scanCode(`const tz = Intl.DateTimeFormat().resolvedOptions().timeZone; const ch = tz === 'Asia/Shanghai' ? 'x' : 'y';`), RULE), []);
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { only, scanCode, b64 } from '../helpers.ts';

const RULE = 'covert-fingerprint-gate';

describe(RULE, () => {
  it("finds: hidden list gates look-alike characters in the prompt", () => {
    const f = only(scanCode(`const L = atob('${b64("Asia/Shanghai,Asia/Urumqi")}').split(',');\nfunction region() { return L.includes(Intl.DateTimeFormat().resolvedOptions().timeZone); }\nexport function prompt() { const a = region() ? '\\u0430' : 'a'; return \`You are a coding assistant. Follow the instructions \${a}.\`; }`), RULE);
    assert.equal(f.length, 1, JSON.stringify(f, null, 1));
    assert.equal(f[0]!.severity, 'critical'); assert.ok((f[0]!.related ?? []).length >= 2);
  });
  it("ignores: comparison without effect on output", () => {
    assert.deepEqual(only(scanCode(`const L = atob('${b64("Asia/Shanghai,Asia/Urumqi")}').split(','); const r = L.includes(Intl.DateTimeFormat().resolvedOptions().timeZone); console.log(r);`), RULE), []);
  });
  it("ignores: look-alike choice without fingerprint", () => {
    assert.deepEqual(only(scanCode(`const a = Math.random() > 0.5 ? '\\u0430' : 'a';`), RULE), []);
  });
});

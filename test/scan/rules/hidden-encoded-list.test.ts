import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { only, scanCode, b64, reversed, xorHex } from '../helpers.ts';

const RULE = 'hidden-encoded-list';

describe(RULE, () => {
  it("finds: base64 + split", () => {
    const f = only(scanCode(`const L = atob('${b64("acme.com,globex.cn,initech.ru")}').split(',');`), RULE);
    assert.equal(f.length, 1, JSON.stringify(f, null, 1));
    assert.deepEqual(f[0]!.decoded, ['acme.com', 'globex.cn', 'initech.ru']); assert.equal(f[0]!.severity, 'high');
  });
  it("finds: reversed string", () => {
    const f = only(scanCode(`const H = '${reversed("acme.com|globex.cn|initech.ru")}'.split('').reverse().join('').split('|');`), RULE);
    assert.equal(f.length, 1, JSON.stringify(f, null, 1));
    assert.ok(f[0]!.decoded?.includes('globex.cn'));
  });
  it("finds: XOR loop with a constant key", () => {
    const f = only(scanCode(`function d(s, k) { let r = ''; const b = Buffer.from(s, 'hex'); for (let i = 0; i < b.length; i++) r += String.fromCharCode(b[i] ^ k); return r; }\nconst Z = d('${xorHex("Asia/Shanghai;Asia/Urumqi;Asia/Chongqing", 42)}', 42).split(';');`), RULE);
    assert.equal(f.length, 1, JSON.stringify(f, null, 1));
    assert.deepEqual(f[0]!.decoded, ['Asia/Shanghai', 'Asia/Urumqi', 'Asia/Chongqing']);
  });
  it("finds: char-code array", () => {
    const f = only(scanCode(`const C = String.fromCharCode(...${JSON.stringify([...'acme.com,globex.cn'].map((c) => c.charCodeAt(0)))}).split(',');`), RULE);
    assert.equal(f.length, 1, JSON.stringify(f, null, 1));
    assert.deepEqual(f[0]!.decoded, ['acme.com', 'globex.cn']);
  });
  it("finds: blob whose decoder is not visible (guessed base64)", () => {
    const f = only(scanCode(`const blob = '${b64("Asia/Shanghai\nAsia/Urumqi\nAsia/Hong_Kong")}'; module.exports = { blob };`), RULE);
    assert.equal(f.length, 1, JSON.stringify(f, null, 1));
    assert.match(f[0]!.message, /3 time zones/);
  });
  it("ignores: joining a plain list for a message", () => {
    assert.deepEqual(only(scanCode(`const opts = ['low', 'medium', 'high']; console.log(\`Valid: \${opts.join(', ')}\`);`), RULE), []);
  });
  it("ignores: an embedded image", () => {
    assert.deepEqual(only(scanCode(`const img = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';`), RULE), []);
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { only, scanCode } from '../helpers.ts';

const RULE = 'obf-unusual-unicode';

describe(RULE, () => {
  it("finds: bidirectional control in a comment", () => {
    const f = only(scanCode(`const access = 'user'; // \u202e check admin\nconsole.log(access);`), RULE);
    assert.equal(f.length, 1, JSON.stringify(f, null, 1));
    assert.equal(f[0]!.severity, 'high');
  });
  it("finds: zero-width space in a string", () => {
    const f = only(scanCode(`const s = 'a\u200bb';`), RULE);
    assert.equal(f.length, 1, JSON.stringify(f, null, 1));
    assert.equal(f[0]!.severity, 'medium');
  });
  it("finds: identifier with a Cyrillic letter", () => {
    const f = only(scanCode(`const p\u0430th = 1; console.log(p\u0430th);`), RULE);
    assert.equal(f.length, 1, JSON.stringify(f, null, 1));
    assert.equal(f[0]!.severity, 'high');
  });
  it("low only: a lone invisible character in a literal (entity tables, comparisons)", () => {
    const f = only(scanCode(`const ent = { ic: '\u2063', zwnj: "\u200c" }; const isJoiner = (c) => c === '\u200d';`), RULE);
    assert.equal(f.length, 3, JSON.stringify(f, null, 1));
    assert.ok(f.every((x) => x.severity === 'low'));
  });
  it("finds: Trojan Source's stretched string (an override left open in the literal) stays high", () => {
    const f = only(scanCode(`const accessLevel = "user";\nif (accessLevel != "user\u202e \u2066// Check if admin\u2069 \u2066") { console.log("admin"); }`), RULE);
    assert.equal(f.length, 4, JSON.stringify(f, null, 1));
    assert.ok(f.every((x) => x.severity === 'high'), JSON.stringify(f.map((x) => x.severity)));
  });
  it("low only: isolates and embeddings closed within their string (right-to-left UI text, a wrapped path)", () => {
    const code = `const m = { saved: "تم حفظ الجلسة في \u2068{{filename}}\u2069" };\nconst show = (p) => \`\u202a\${p}\u202c\`;`;
    const f = only(scanCode(code), RULE);
    assert.equal(f.length, 4, JSON.stringify(f, null, 1));
    assert.ok(f.every((x) => x.severity === 'low' && /closed within its string literal/.test(x.message)), JSON.stringify(f.map((x) => x.message)));
  });
  it("finds: a balanced pair across a string's end (in code) stays high", () => {
    const f = only(scanCode(`const a = "x\u2067"; const b = 1; // \u2069\n`), RULE);
    assert.equal(f.length, 2, JSON.stringify(f, null, 1));
    assert.ok(f.every((x) => x.severity === 'high'));
  });
  it("ignores: Persian text with a joiner", () => {
    assert.deepEqual(only(scanCode(`const fa = 'می\u200cبایست';`), RULE), []);
  });
  it("ignores: emoji sequence", () => {
    assert.deepEqual(only(scanCode(`const e = '👩\u200d💻';`), RULE), []);
  });
  it("low, one per pattern: bidi controls in a regex character class (qwen-code's BIDI_CONTROL_RE strips them)", () => {
    const code = `var BIDI_CONTROL_RE = /[\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;\nfunction strip(s) { return s.replace(BIDI_CONTROL_RE, ''); }`;
    const f = only(scanCode(code), RULE);
    assert.equal(f.length, 1, JSON.stringify(f, null, 1));
    assert.equal(f[0]!.severity, 'low');
    assert.match(f[0]!.message, /character class matches 6 /);
  });
  it("low, one per pattern: range bounds and a string passed to RegExp", () => {
    const f = only(scanCode(`const a = /[\u{202a}-\uD7FF]/u; const b = new RegExp("[\u202a-\u202e\u2066]", "g");`), RULE);
    assert.equal(f.length, 2, JSON.stringify(f, null, 1));
    assert.ok(f.every((x) => x.severity === 'low'));
  });
  it("finds: a bidi control in a regex outside a character class, or in a comment beside one, stays high", () => {
    const f = only(scanCode(`const re = /a\u202eb/; const ok = /[\u200b]/; // \u202e admin\n`), RULE);
    assert.deepEqual(f.map((x) => x.severity).sort(), ['high', 'high', 'low'], JSON.stringify(f, null, 1));
  });
});

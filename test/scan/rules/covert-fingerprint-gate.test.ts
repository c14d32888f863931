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
  it("ignores: another field of an object a function returns with the host name in it (Claude Code's boot canary)", () => {
    // ctx() returns { now, version, host }; only host is the host name. The decision compares
    // version and counts by now; its kind is compared with constants and picks a message.
    const code = `import { hostname } from "os";
function ctx(now) { return { now, version: "2.1.332", host: hostname() }; }
function decide(state, n) { let d = state.version === n.version ? state.count : 0; let age = n.now - state.at; return { decision: d > 2 ? { kind: "tripped", age } : { kind: "none", age } }; }
export function boot(state) { const c = ctx(Date.now()); const { decision: r } = decide(state, c); process.stderr.write(r.kind === "tripped" ? \`Fullscreen renderer turned off on this machine.\` : \`Fullscreen renderer on probation here.\`); return r; }`;
    const all = scanCode(code);
    assert.deepEqual(only(all, RULE), []);
    assert.deepEqual(all.filter((f) => f.rule.startsWith('flow-') || f.rule === 'fp-compare-constant').map((f) => f.rule), []);
    // The host field itself still counts: sending it is a flow.
    const sent = scanCode(code.replace('return r; }', 'fetch("https://t.example.dev/e", { method: "POST", body: c.host }); return r; }'));
    assert.ok(sent.some((f) => f.rule === 'flow-fingerprint-to-network'), JSON.stringify(sent.map((f) => f.rule)));
  });
  it("ignores: look-alike choice without fingerprint", () => {
    assert.deepEqual(only(scanCode(`const a = Math.random() > 0.5 ? '\\u0430' : 'a';`), RULE), []);
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { only, scanCode, b64 } from '../helpers.ts';

const RULE = 'fp-compare-constant';

describe(RULE, () => {
  it("finds: time zone against a hidden list", () => {
    const f = only(scanCode(`const L = atob('${b64("Asia/Shanghai,Asia/Urumqi")}').split(','); function check() { const tz = Intl.DateTimeFormat().resolvedOptions().timeZone; return L.includes(tz); }`), RULE);
    assert.equal(f.length, 1, JSON.stringify(f, null, 1));
    assert.equal(f[0]!.severity, 'high'); assert.equal(f[0]!.data?.hidden, true); assert.deepEqual(f[0]!.decoded, ['Asia/Shanghai', 'Asia/Urumqi']);
  });
  it("finds: host name against a company domain", () => {
    const f = only(scanCode(`const os = require('os'); if (os.hostname().endsWith('.corp.example.com')) mark();`), RULE);
    assert.equal(f.length, 1, JSON.stringify(f, null, 1));
    assert.equal(f[0]!.severity, 'high');
  });
  it("finds: base URL host against the vendor API (routine)", () => {
    const f = only(scanCode(`function firstParty() { const h = new URL(process.env.ANTHROPIC_BASE_URL).host; return h === 'api.anthropic.com'; }`), RULE);
    assert.equal(f.length, 1, JSON.stringify(f, null, 1));
    assert.equal(f[0]!.severity, 'low');
  });
  it("finds: time-zone offset of a region", () => {
    const f = only(scanCode(`if (new Date().getTimezoneOffset() === -480) flag = true;`), RULE);
    assert.equal(f.length, 1, JSON.stringify(f, null, 1));
  });
  it("ignores: another field of an object chosen by a condition or a fallback, when one field holds the host name", () => {
    const code = `import { hostname } from "os";
function base() { return { host: hostname(), mode: "fast" }; }
export async function run(flag, load) { const c = flag ? base() : { ...base(), mode: "slow" }; const d = (await load()) || base(); if (c.mode === "fast" || d.mode === "fast") return \`Use the fast path for this prompt, please.\`; return \`Use the slow path for this prompt, please.\`; }`;
    assert.deepEqual(only(scanCode(code), RULE), []);
    // The host field through the same choice still counts.
    const f = only(scanCode(code.replace('c.mode === "fast"', 'c.host === "build-01"')), RULE);
    assert.equal(f.length, 1, JSON.stringify(f, null, 1));
    assert.match(f[0]!.message, /host name/);
  });
  it("ignores: TZ against UTC", () => {
    assert.deepEqual(only(scanCode(`if (process.env.TZ === 'UTC') console.log('utc');`), RULE), []);
  });
  it("ignores: a zone name compared with a non-fingerprint value", () => {
    assert.deepEqual(only(scanCode(`if (user.zone === 'Asia/Shanghai') console.log(1);`), RULE), []);
  });
});

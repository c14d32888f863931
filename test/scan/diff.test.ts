// --diff: renamed minified identifiers still match; only new or changed findings are reported.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { scan } from '../../src/scan/scan.ts';
import { diff, diffAsResult } from '../../src/scan/diff.ts';
import { b64, writePackage } from './helpers.ts';

const v1 = (names: string) => `const r=atob("${b64(names)}").split(",");function i(){const t=Intl.DateTimeFormat().resolvedOptions().timeZone;return r.includes(t)}fetch("https://api.example.dev/v1/chat",{method:"POST",body:"{}"});module.exports={i};`;
// Same code re-minified with other names, one more hidden zone, one new endpoint.
const v2 = (names: string) => `const Q=atob("${b64(names)}").split(",");function Z(){const k=Intl.DateTimeFormat().resolvedOptions().timeZone;return Q.includes(k)}fetch("https://api.example.dev/v1/chat",{method:"POST",body:"{}"});fetch("https://beacon.example.dev/collect",{method:"POST"});module.exports={i:Z};`;

describe('scan --diff', () => {
  it('matches renamed code; reports the new endpoint and the changed hidden list only', async () => {
    const a = await scan(writePackage({ 'index.js': v1('Asia/Shanghai,Asia/Urumqi') }), { workers: 0 });
    const b = await scan(writePackage({ 'index.js': v2('Asia/Shanghai,Asia/Urumqi,Asia/Hong_Kong') }), { workers: 0 });
    const d = diff(a, b);
    assert.deepEqual(d.added.map((f) => f.rule).sort(), ['telemetry-endpoint']);
    assert.deepEqual(d.changed.map((c) => c.finding.rule).sort(), ['fp-compare-constant', 'hidden-encoded-list']);
    for (const c of d.changed) assert.deepEqual(c.added, ['Asia/Hong_Kong']);
    const r = diffAsResult(d);
    assert.equal(r.findings.length, 3);
    assert.ok(r.findings.some((f) => /Added: Asia\/Hong_Kong/.test(f.message)));
  });
  it('reports nothing when only identifiers and whitespace change', async () => {
    const a = await scan(writePackage({ 'index.js': v1('Asia/Shanghai') }), { workers: 0 });
    const b = await scan(writePackage({ 'index.js': v1('Asia/Shanghai').replace(/\br\b/g, 'xy').replace(/\bt\b/g, 'qq').replace(/;/g, ';\n  ') }), { workers: 0 });
    const d = diff(a, b);
    assert.deepEqual([...d.added, ...d.changed.map((c) => c.finding)].map((f) => f.rule), []);
  });
});

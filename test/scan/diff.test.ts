// --diff: renamed minified identifiers still match; only new or changed findings are reported.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { truncateSync } from 'node:fs';
import { join } from 'node:path';
import { scan } from '../../src/scan/scan.ts';
import { diff, diffAsResult } from '../../src/scan/diff.ts';
import { summarize } from '../../src/scan/rank.ts';
import { renderTerminal } from '../../src/scan/report/terminal.ts';
import { toHtml } from '../../src/scan/report/html.ts';
import { b64, writePackage } from './helpers.ts';
import { PLATFORM_LAUNCHER } from './fixtures.ts';

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
  it('reports event names added and removed anywhere in a long list, not only in its first 60 or 200', async () => {
    // 250 names: the first 60 are shown, the diff must still see the last ones.
    const names = Array.from({ length: 250 }, (_, i) => `tengu_event_${String(i).padStart(3, '0')}`);
    const code = (xs: string[]) => xs.map((x) => `logEvent("${x}", {});`).join('\n');
    const a = await scan(writePackage({ 'cli.js': code(names) }), { workers: 0 });
    const b = await scan(writePackage({ 'cli.js': code([...names.filter((x) => x !== 'tengu_event_230'), 'tengu_event_zz_new']) }), { workers: 0 });
    const d = diff(a, b);
    assert.equal(d.added.length, 0);
    assert.equal(d.changed.length, 1);
    assert.deepEqual(d.changed[0]!.added, ['tengu_event_zz_new']);
    assert.deepEqual(d.changed[0]!.removed, ['tengu_event_230']);
    const f = diffAsResult(d).findings[0]!;
    assert.match(f.message, /Added: tengu_event_zz_new\. Removed: tengu_event_230\./);
    assert.deepEqual(f.data?.addedValues, ['tengu_event_zz_new']);
  });
  it('a changed finding always says what changed (an install script whose command changed)', async () => {
    const pkg = (cmd: string) => writePackage({ 'package.json': JSON.stringify({ name: 'p', version: '1.0.0', scripts: { postinstall: cmd } }), 'index.js': 'module.exports = 1;' });
    const d = diff(await scan(pkg('node setup.js'), { workers: 0 }), await scan(pkg('node setup.js --telemetry'), { workers: 0 }));
    assert.equal(d.changed.length, 1);
    assert.deepEqual([d.changed[0]!.added, d.changed[0]!.removed], [[], []]);
    const f = diffAsResult(d).findings[0]!;
    assert.match(f.message, /Was: runs "postinstall" at install: node setup\.js$/);
    assert.ok(typeof f.data?.note === 'string');
  });
  describe('reports of a diff', () => {
    const tool = (version: string, code: string) => writePackage({ 'package.json': JSON.stringify({ name: '@acme/tool', version }), 'index.js': code });
    const send = (host: string) => `fetch("https://${host}/v1/telemetry",{method:"POST"});`;
    const diffOf = async (a: string, b: string) => diffAsResult(diff(await scan(tool('2.1.89', a), { workers: 0 }), await scan(tool('2.1.90', b), { workers: 0 })));

    it('name both versions, A → B, in the terminal heading and the HTML title and <h1>', async () => {
      const r = await diffOf(send('t.example.com'), send('t.example.com') + send('beacon.example.com'));
      const text = renderTerminal(r, { color: false, title: 'Airlock scan --diff' });
      assert.match(text.split('\n')[0]!, /^Airlock scan --diff: @acme\/tool@2\.1\.89 → @acme\/tool@2\.1\.90 /);
      const html = toHtml(r, 'Airlock scan --diff');
      assert.match(html, /<h1>Airlock scan --diff: @acme\/tool@2\.1\.89 → @acme\/tool@2\.1\.90<\/h1>/);
      assert.match(html, /<title>Airlock scan --diff: @acme\/tool@2\.1\.89 → @acme\/tool@2\.1\.90<\/title>/);
    });
    it('say that the switches are unchanged, never that none exists, when A had them', async () => {
      const sw = `if(process.env.DISABLE_TELEMETRY||process.env.DO_NOT_TRACK)off();if(process.env.CLAUDE_CODE_ENABLE_TELEMETRY)on();`;
      const r = await diffOf(sw + send('t.example.com'), sw + send('t.example.com') + send('beacon.example.com'));
      assert.ok(!r.findings.some((f) => f.rule === 'telemetry-switch'), 'unchanged switches are not findings of the diff');
      const text = renderTerminal(r, { color: false });
      assert.doesNotMatch(text, /no switch found/);
      assert.match(text, /^ {2}switched off by: DISABLE_TELEMETRY, DO_NOT_TRACK \(unchanged since A\)$/m);
      assert.match(text, /^ {2}switched on \(not off\) by: CLAUDE_CODE_ENABLE_TELEMETRY \(unchanged since A\)$/m);
      const html = toHtml(r);
      assert.doesNotMatch(html, /no switch found/i);
      assert.match(html, /<p>Switched off by: <code>DISABLE_TELEMETRY<\/code>, <code>DO_NOT_TRACK<\/code> \(unchanged since A\)<\/p>/);
    });
    it('tell new switches from kept ones, and name a switch B no longer has', async () => {
      const r1 = await diffOf(`if(process.env.DISABLE_TELEMETRY)off();` + send('t.example.com'), `if(process.env.DISABLE_TELEMETRY||process.env.DO_NOT_TRACK)off();` + send('t.example.com'));
      assert.match(renderTerminal(r1, { color: false }), /^ {2}switched off by: DO_NOT_TRACK \(new in B\); DISABLE_TELEMETRY \(unchanged since A\)$/m);
      // Nothing new in B but a switch gone: still reported.
      const r2 = await diffOf(`if(process.env.DISABLE_TELEMETRY)off();` + send('t.example.com'), send('t.example.com'));
      assert.equal(r2.findings.length, 0);
      const text = renderTerminal(r2, { color: false });
      assert.match(text, /^ {2}no switch found in B to turn it off; A was switched off by DISABLE_TELEMETRY, no longer found$/m);
      assert.match(toHtml(r2), /<p>No switch found in B to turn it off; A was switched off by <code>DISABLE_TELEMETRY<\/code>, no longer found<\/p>/);
    });
  });
  describe('coverage gaps', () => {
    // Code over the per-file limit, as a sparse file: the scan reads its first bytes only.
    const withUnread = (version: string, bytes: number): string => {
      const dir = writePackage({ 'package.json': JSON.stringify({ name: '@acme/tool', version }), 'index.js': 'module.exports = 1;', 'lib/payload.js': '' });
      truncateSync(join(dir, 'lib/payload.js'), bytes);
      return dir;
    };
    const coverage = (fs: Array<{ rule: string }>): string[] => fs.map((f) => f.rule).filter((r) => r.startsWith('coverage-'));

    it('the same unread file in two versions (other targets) is the same finding: not new, not changed, still not vouched for', async () => {
      const a = await scan(withUnread('1.0.0', 70_000_000), { workers: 0 });
      const b = await scan(withUnread('1.0.1', 70_000_000), { workers: 0 });
      assert.notEqual(a.target, b.target);
      const [fa, fb] = [a, b].map((r) => r.findings.find((f) => f.rule === 'coverage-unread-code')!);
      assert.equal(fa!.fingerprint, fb!.fingerprint, 'the target is not part of the fingerprint');
      const d = diff(a, b);
      assert.deepEqual(coverage(d.added), []);
      assert.deepEqual(coverage(d.changed.map((c) => c.finding)), []);
      // B's unread code is still unread: the diff says so, and cannot be clean.
      const r = diffAsResult(d);
      assert.deepEqual(r.findings.map((f) => [f.rule, f.data?.diff]), [['coverage-unread-code', 'unchanged']]);
      assert.match(r.findings[0]!.message, /^unchanged since A: Not analysed: 66\.8 MB of code/);
      assert.equal(summarize(r).verdict, 'incomplete');
    });
    it('an unread file whose size changed is changed, not new', async () => {
      const d = diff(await scan(withUnread('1.0.0', 70_000_000), { workers: 0 }), await scan(withUnread('1.0.1', 71_000_000), { workers: 0 }));
      assert.deepEqual(coverage(d.added), []);
      assert.deepEqual(coverage(d.changed.map((c) => c.finding)), ['coverage-unread-code']);
      assert.match(d.changed[0]!.note ?? '', /^Was: Not analysed: 66\.8 MB/);
    });
    it('platform packages: the same ones are the same finding; new versions of them are a change that names them', async () => {
      const launcher = (version: string): string => writePackage({ ...PLATFORM_LAUNCHER, 'package.json': PLATFORM_LAUNCHER['package.json']!.replaceAll('1.2.0', version) });
      const same = diff(await scan(launcher('1.2.0'), { workers: 0 }), await scan(launcher('1.2.0'), { workers: 0 }));
      assert.deepEqual([...coverage(same.added), ...coverage(same.changed.map((c) => c.finding))], []);
      assert.deepEqual(diffAsResult(same).findings.map((f) => [f.rule, f.data?.diff]), [['coverage-platform-packages', 'unchanged']]);
      const bumped = diff(await scan(launcher('1.2.0'), { workers: 0 }), await scan(launcher('1.2.1'), { workers: 0 }));
      assert.deepEqual(coverage(bumped.added), []);
      assert.deepEqual(bumped.changed.map((c) => [c.finding.rule, c.added, c.removed]), [['coverage-platform-packages',
        ['@fx/codex@1.2.1-darwin-arm64', '@fx/codex@1.2.1-linux-x64', '@fx/codex@1.2.1-win32-x64'],
        ['@fx/codex@1.2.0-darwin-arm64', '@fx/codex@1.2.0-linux-x64', '@fx/codex@1.2.0-win32-x64']]]);
      assert.equal(summarize(diffAsResult(bumped)).verdict, 'incomplete');
    });
  });
});

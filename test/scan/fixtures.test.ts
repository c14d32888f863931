// Fixture packages: each behaviour in plain, minified and obfuscated form gives exactly the expected
// findings (info aside); clean packages using the same APIs give nothing above low.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { create } from 'tar';
import { scan } from '../../src/scan/scan.ts';
import { platformPackages } from '../../src/scan/coverage.ts';
import { summarize } from '../../src/scan/rank.ts';
import { BEHAVIOURS, CLEAN, PLATFORM_LAUNCHER, packageFiles } from './fixtures.ts';
import { cutTarball, entryData, writePackage, writeTarball } from './helpers.ts';

const COVERT = ['covert-fingerprint-gate:critical', 'flow-fingerprint-selects-chars:critical', 'flow-fingerprint-to-prompt:high', 'fp-compare-constant:high', 'hidden-encoded-list:high'];
const BEACON = ['flow-fingerprint-to-network:high', 'fp-host-identity:low', 'fp-host-identity:low'];
const EXPECTED: Record<string, Record<string, string[]>> = {
  'covert-region-prompt': {
    plain: COVERT,
    minified: COVERT,
    obfuscated: [...COVERT, 'obf-mangled-identifiers:medium'].sort(),
  },
  'hostname-beacon': {
    plain: [...BEACON, 'telemetry-endpoint:low'].sort(),
    minified: [...BEACON, 'telemetry-endpoint:low'].sort(),
    // The endpoint is base64-encoded: reported as a hidden string instead of a telemetry URL.
    obfuscated: [...BEACON, 'hidden-encoded-string:medium', 'obf-mangled-identifiers:medium'].sort(),
  },
};

const notInfo = (fs: Array<{ rule: string; severity: string }>): string[] => fs.filter((f) => f.severity !== 'info').map((f) => `${f.rule}:${f.severity}`).sort();

describe('fixture packages', () => {
  for (const [name, forms] of Object.entries(BEHAVIOURS)) {
    for (const [form, code] of Object.entries(forms)) {
      it(`${name} (${form}): exact findings`, async () => {
        const dir = writePackage(packageFiles(`fx-${name}`, code));
        const r = await scan(dir, { workers: 0 });
        assert.equal(r.stats.parseErrors, 0);
        assert.equal(r.pkg.name, `fx-${name}`);
        assert.deepEqual(notInfo(r.findings), EXPECTED[name]![form]);
      });
    }
  }

  it('covert-region-prompt: the decoded list and the covert combination rank first', async () => {
    const r = await scan(writePackage(packageFiles('fx', BEHAVIOURS['covert-region-prompt']!.obfuscated)), { workers: 0 });
    assert.equal(r.findings[0]!.rule, 'covert-fingerprint-gate');
    assert.deepEqual(r.findings[0]!.decoded, ['Asia/Shanghai', 'Asia/Urumqi', 'Asia/Hong_Kong']);
  });

  for (const [name, code] of Object.entries(CLEAN)) {
    it(`${name}: same APIs, used innocently, nothing above low`, async () => {
      const r = await scan(writePackage(packageFiles(name, code)), { workers: 0 });
      assert.deepEqual(r.findings.filter((f) => f.severity !== 'info' && f.severity !== 'low'), []);
    });
  }
  it('clean-network: exact routine findings', async () => {
    const r = await scan(writePackage(packageFiles('clean-network', CLEAN['clean-network']!)), { workers: 0 });
    assert.deepEqual(r.findings.map((f) => `${f.rule}:${f.severity}`).sort(), [
      'fp-base-url-read:info', 'fp-host-identity:low', 'fp-proxy-read:info', 'fp-proxy-read:info', 'net-endpoint:info',
    ]);
  });

  it('reads a tarball in memory (npm pack layout)', async () => {
    const dir = writePackage({ 'package/package.json': JSON.stringify({ name: 'fx-tgz', version: '2.0.0', scripts: { postinstall: 'node x.js' } }), 'package/lib/index.js': BEHAVIOURS['hostname-beacon']!.plain });
    const tgz = join(dir, 'fx.tgz');
    await create({ gzip: true, file: tgz, cwd: dir }, ['package']);
    const r = await scan(tgz, { workers: 0 });
    assert.equal(r.pkg.version, '2.0.0');
    assert.ok(r.findings.some((f) => f.rule === 'flow-fingerprint-to-network' && f.file === 'lib/index.js'));
    assert.ok(r.findings.some((f) => f.rule === 'pkg-install-script'));
  });
});

describe('coverage: what the scan reads, and what it says it could not', () => {
  const beacon = `#!/usr/bin/env node\n${BEHAVIOURS['hostname-beacon']!.plain}`;
  const beaconFound = (r: { findings: Array<{ rule: string; file: string }> }, file: string): boolean =>
    r.findings.some((f) => f.rule === 'flow-fingerprint-to-network' && f.file === file);

  it('an extension-less script with a node, bun or deno #! line is analysed wherever it is', async () => {
    const files = { 'package.json': JSON.stringify({ name: 'fx-shebang', version: '1.0.0' }), 'libexec/tool': beacon, 'scripts/run': beacon.replace('env node', 'env -S bun --smol'), 'NOTES': '#!/bin/sh\necho not node' };
    for (const target of [writePackage(files), await writeTarball(files)]) {
      const r = await scan(target, { workers: 0 });
      assert.equal(r.stats.files, 2, target);
      assert.ok(beaconFound(r, 'libexec/tool') && beaconFound(r, 'scripts/run'), target);
    }
  });

  it('a link to a script (`which claude` after a global install) is followed, in a directory too', async () => {
    const dir = writePackage({ 'package/cli': beacon, 'package/lib/index.js': BEHAVIOURS['hostname-beacon']!.plain });
    mkdirSync(join(dir, 'inst/bin'), { recursive: true });
    symlinkSync('../../package/cli', join(dir, 'inst/bin/claude'));
    symlinkSync('../../package/lib/index.js', join(dir, 'inst/bin/tool'));
    symlinkSync('../../package', join(dir, 'inst/bin/pkg'));
    assert.ok(beaconFound(await scan(join(dir, 'inst/bin/claude'), { workers: 0 }), 'cli'));
    assert.ok(beaconFound(await scan(join(dir, 'inst/bin/tool'), { workers: 0 }), 'index.js'), 'named by what it links to');
    const r = await scan(join(dir, 'inst'), { workers: 0 });
    // Read under the link's name (bin/tool, without a #! line, is not code); the linked directory
    // would have given bin/pkg/cli and bin/pkg/lib/index.js.
    assert.deepEqual(r.findings.filter((f) => f.rule === 'flow-fingerprint-to-network').map((f) => f.file), ['bin/claude'], 'a linked directory is not followed');
  });

  it('nothing to analyse is an input error, not a clean package', async () => {
    const dir = writePackage({ 'README.md': '# tool', 'package.json': JSON.stringify({ name: 'fx-docs' }) });
    mkdirSync(join(dir, 'empty'));
    await assert.rejects(scan(join(dir, 'empty'), { workers: 0 }), /^Error: nothing to analyse: .*empty: no files$/);
    await assert.rejects(scan(join(dir, 'README.md'), { workers: 0 }), /nothing to analyse: .*README\.md: no JavaScript or TypeScript/);
    await assert.rejects(scan(dir, { workers: 0 }), /nothing to analyse: .*in 2 file\(s\)/);
  });

  it('a file that is not a gzip-compressed tar archive is an input error', async () => {
    const file = join(writePackage({}), 'notgz.tgz');
    writeFileSync(file, 'random\n');
    await assert.rejects(scan(file, { workers: 0 }), /notgz\.tgz is not a readable npm tarball .*Unrecognized archive format/);
  });

  it('a tarball cut inside a file entry, or between entries, is an input error naming the damage', async () => {
    const tgz = await writeTarball({ 'package.json': JSON.stringify({ name: 'fx-cut', version: '1.0.0' }), 'index.js': `${BEHAVIOURS['hostname-beacon']!.plain}\n${'// padding\n'.repeat(3000)}`, 'z.js': '1;' });
    // Half of index.js's data: node-tar only warns, and handed over the first half as the file.
    await assert.rejects(scan(cutTarball(tgz, (tar) => entryData(tar, 'index.js') + 16_000), { workers: 0 }), /truncated or corrupt archive \(TAR_BAD_ARCHIVE: Truncated input.*index\.js: 16000 of its \d+ bytes\)/);
    // Cut at an entry's edge: only the missing end-of-archive marker shows it.
    await assert.rejects(scan(cutTarball(tgz, (tar) => entryData(tar, 'z.js') - 512), { workers: 0 }), /truncated or corrupt archive \(no end-of-archive marker\)/);
    assert.ok(beaconFound(await scan(tgz, { workers: 0 }), 'index.js'), 'the whole tarball reads');
  });

  it('a launcher whose code is in platform packages: named, with what to scan, and not clean', async () => {
    const r = await scan(writePackage(PLATFORM_LAUNCHER), { workers: 0 });
    const f = r.findings.filter((x) => x.rule === 'coverage-platform-packages');
    assert.equal(f.length, 1);
    assert.equal(f[0]!.severity, 'high');
    assert.equal(f[0]!.file, 'package.json');
    assert.deepEqual((f[0]!.data?.packages as Array<{ name: string }>).map((p) => p.name), ['@fx/codex-darwin-arm64', '@fx/codex-linux-x64', '@fx/codex-win32-x64']);
    assert.match(f[0]!.message, /The tool's code is not in this package: .*@fx\/codex-linux-x64.* e\.g\. airlock scan @fx\/codex@1\.2\.0-(linux-x64|darwin-arm64|win32-x64)$/);
    const s = summarize(r);
    assert.equal(s.verdict, 'incomplete');
    assert.match(s.headline, /^Incomplete: .*Not scanned: 3 platform package\(s\) of the tool; scan them, e\.g\. airlock scan @fx\/codex@1\.2\.0-/);
  });

  it('platform packages: the naming schemes of real tools, and dependencies of other tools ignored', () => {
    const names = (own: string, deps: Record<string, string>): string[] => platformPackages(own, { optionalDependencies: deps }).map((p) => p.spec);
    assert.deepEqual(names('esbuild', { '@esbuild/linux-x64': '0.25.0', '@esbuild/darwin-arm64': '0.25.0' }), ['@esbuild/darwin-arm64@0.25.0', '@esbuild/linux-x64@0.25.0']);
    assert.deepEqual(names('opencode-ai', { 'opencode-linux-x64-musl': '1.0.0', 'opencode-windows-x64': '^1.0.0' }), ['opencode-linux-x64-musl@1.0.0', 'opencode-windows-x64']);
    assert.deepEqual(names('@anthropic-ai/claude-code', { '@anthropic-ai/claude-code-linux-x64': '2.0.0', '@img/sharp-linux-x64': '0.33.0' }), ['@anthropic-ai/claude-code-linux-x64@2.0.0']);
    assert.deepEqual(names('tool', { '@img/sharp-linux-x64': '0.33.0', 'tool-linux': '1.0.0', 'tool-helper': '1.0.0' }), []);
  });

  it("platform packages beside a tool's own code (over 512 KiB): medium, the verdict follows the code", async () => {
    const m = JSON.parse(PLATFORM_LAUNCHER['package.json']!) as Record<string, unknown>;
    const r = await scan(writePackage({ 'package.json': JSON.stringify(m), 'index.js': `${CLEAN['clean-dates']!}\n${'module.exports.x = 1;\n'.repeat(30_000)}` }), { workers: 0 });
    assert.deepEqual(r.findings.filter((x) => x.rule === 'coverage-platform-packages').map((x) => x.severity), ['medium']);
    assert.equal(summarize(r).verdict, 'routine');
  });
});

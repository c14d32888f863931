import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { create } from 'tar';
import { resolveInput } from '../../../src/scan/inputs.ts';
import { scanInput } from '../../../src/scan/scan.ts';
import { summarize } from '../../../src/scan/rank.ts';
import type { ScanResult } from '../../../src/scan/types.ts';

const RULE = 'pkg-native-executable';
const root = mkdtempSync(join(tmpdir(), 'airlock-native-'));
after(() => rmSync(root, { recursive: true, force: true }));

// Headers as the formats begin, then NULs and some bytes: enough to be told apart, nothing that runs.
const ELF = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(5000, 0)]);
const MACHO = Buffer.concat([Buffer.from([0xcf, 0xfa, 0xed, 0xfe, 7, 0, 0, 1]), Buffer.alloc(3000, 0)]);
const WASM = Buffer.concat([Buffer.from([0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0]), Buffer.alloc(100, 0)]);
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(200, 0)]);

/** A package directory with these files (and its package.json). */
function pkgDir(name: string, files: Record<string, string | Buffer>): string {
  const dir = join(root, name, 'package');
  for (const [path, content] of Object.entries({ 'package.json': JSON.stringify({ name, version: '1.0.0' }), ...files })) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

async function scanDir(dir: string): Promise<ScanResult> {
  return scanInput(await resolveInput(dir, { env: {}, cacheDir: root }), { workers: 0 });
}

async function scanTarball(dir: string): Promise<ScanResult> {
  const file = join(root, `${Math.random().toString(36).slice(2)}.tgz`);
  await create({ gzip: true, file, cwd: dirname(dir) }, ['package']);
  assert.ok(readFileSync(file).length > 0);
  return scanInput(await resolveInput(file, { env: {}, cacheDir: root }), { workers: 0 });
}

const of = (r: ScanResult) => r.findings.filter((f) => f.rule === RULE);

describe(RULE, () => {
  it('finds: a compiled program in bin/ beside JavaScript (medium), in a directory and in a tarball', async () => {
    const dir = pkgDir('with-js', { 'index.js': 'module.exports = 1;', 'bin/tool': ELF });
    for (const r of [await scanDir(dir), await scanTarball(dir)]) {
      const f = of(r);
      assert.equal(f.length, 1);
      assert.equal(f[0]!.severity, 'medium');
      assert.equal(f[0]!.file, 'bin/tool');
      assert.deepEqual(f[0]!.data, { count: 1, bytes: ELF.length, formats: ['ELF'], files: [{ path: 'bin/tool', format: 'ELF', bytes: ELF.length }] });
      assert.match(f[0]!.message, /ships an ELF binary \(5 KB\) that this scan cannot read\./);
      assert.equal(r.stats.files, 1, 'the binary is not parsed as JavaScript');
      assert.match(summarize(r).headline, /Not covered: 1 native binary this scan cannot read\./);
    }
  });

  it('finds: a package of binaries only is one finding, high, largest first', async () => {
    const dir = pkgDir('only-binaries', { 'vendor/x/bin/app': MACHO, 'vendor/x/lib/core.wasm': WASM, 'vendor/x/lib/helper.so': ELF });
    for (const r of [await scanDir(dir), await scanTarball(dir)]) {
      const f = of(r);
      assert.equal(f.length, 1);
      assert.equal(f[0]!.severity, 'high');
      assert.equal(f[0]!.file, 'vendor/x/lib/helper.so');
      assert.deepEqual(f[0]!.data?.formats, ['ELF', 'Mach-O', 'WebAssembly']);
      assert.equal(f[0]!.data?.count, 3);
      assert.match(f[0]!.message, /3 native binaries .* and no code it can/);
    }
  });

  it('ignores: JavaScript with a NUL byte, which is still analysed as code (no way to hide a script)', async () => {
    const dir = pkgDir('nul-js', { 'index.js': 'const pad = "\u0000";\neval(process.argv[2]);\n', 'bin/cli.js': '#!/usr/bin/env node\n"\u0000";require("../index.js");\n' });
    for (const r of [await scanDir(dir), await scanTarball(dir)]) {
      assert.deepEqual(of(r), []);
      assert.equal(r.stats.files, 2);
      assert.ok(r.findings.some((f) => f.rule === 'dyn-eval' && f.file === 'index.js'));
    }
  });

  it('ignores: images, text assets, a shell launcher in bin/ and plain JavaScript', async () => {
    const dir = pkgDir('clean', { 'index.js': 'module.exports = 1;', 'logo.png': PNG, 'README.md': '# tool', 'bin/tool': '#!/bin/sh\nexec node "$(dirname "$0")/../index.js" "$@"\n' });
    for (const r of [await scanDir(dir), await scanTarball(dir)]) {
      assert.deepEqual(of(r), []);
      assert.doesNotMatch(summarize(r).headline, /Not covered/);
    }
  });
});

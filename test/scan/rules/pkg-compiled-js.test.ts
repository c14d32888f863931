// A Bun-compiled tool: its embedded modules are scanned as <binary>!/<module>, and the binary is
// reported for what it is (binaries built by ../bun-binary.ts).
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { create } from 'tar';
import { gzipSync } from 'node:zlib';
import { resolveInput } from '../../../src/scan/inputs.ts';
import { scanInput } from '../../../src/scan/scan.ts';
import { summarize } from '../../../src/scan/rank.ts';
import { bunBinary, ELF_HEAD, MODULES, TOOL, ZSTD_MODULE } from '../bun-binary.ts';

const root = mkdtempSync(join(tmpdir(), 'airlock-bun-'));
after(() => rmSync(root, { recursive: true, force: true }));

describe('pkg-compiled-js', () => {
  const bin = bunBinary(MODULES, { entry: 0, argv: '--user-agent=tool/1.2.3 --' });

  async function scanOf(target: string) {
    return scanInput(await resolveInput(target, { env: {}, cacheDir: root }), { workers: 0 });
  }

  it('finds: the embedded code, scanned as <binary>!/<module>, in a package directory, a tarball and as a file', async () => {
    const dir = join(root, 'pkg');
    mkdirSync(join(dir, 'bin'), { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'tool-linux-x64', version: '1.2.3' }));
    writeFileSync(join(dir, 'bin', 'tool'), bin);
    writeFileSync(join(root, 'tool'), bin);
    const tgz = join(root, 'tool.tgz');
    // Outside bin/ in the tarball: read whole only because its last bytes hold the trailer.
    mkdirSync(join(root, 'tarball', 'package', 'vendor'), { recursive: true });
    writeFileSync(join(root, 'tarball', 'package', 'package.json'), JSON.stringify({ name: 'tool-linux-x64', version: '1.2.3' }));
    writeFileSync(join(root, 'tarball', 'package', 'vendor', 'tool'), bin);
    await create({ gzip: true, file: tgz, cwd: join(root, 'tarball') }, ['package']);
    for (const [target, path] of [[dir, 'bin/tool'], [tgz, 'vendor/tool'], [join(root, 'tool'), 'tool']] as const) {
      const r = await scanOf(target);
      assert.equal(r.stats.files, 2, 'the two JavaScript modules are parsed');
      const net = r.findings.find((f) => f.rule === 'flow-fingerprint-to-network');
      assert.equal(net?.file, `${path}!/src/index.js`);
      assert.equal(net?.line, 2);
      assert.ok(r.findings.some((f) => f.rule === 'fp-timezone-read' && f.file === `${path}!/chunk-a1b2c3.js`));
      const compiled = r.findings.filter((f) => f.rule === 'pkg-compiled-js');
      assert.equal(compiled.length, 1);
      assert.equal(compiled[0]!.severity, 'info');
      assert.deepEqual(compiled[0]!.data, { runtime: 'Bun', modules: 4, code: 2, codeBytes: Buffer.byteLength(TOOL) + Buffer.byteLength(MODULES[1]![1] as string), entry: 'src/index.js', execArgv: '--user-agent=tool/1.2.3 --', unread: [] });
      assert.match(compiled[0]!.message, new RegExp(`^${path} is a Bun-compiled program: 2 of its 4 embedded modules are code`));
      // The runtime is not reported as unread; the native library compiled in beside the code is.
      const unread = r.findings.filter((f) => f.rule === 'pkg-native-executable');
      assert.equal(unread.length, 1);
      assert.equal(unread[0]!.severity, 'medium');
      assert.deepEqual(unread[0]!.data?.files, [{ path: `${path}!/libpty-q1w2e3.so`, format: 'ELF', bytes: 508 }]);
      assert.match(summarize(r).headline, /Not covered: 1 native binary/);
    }
  });

  it('finds: a module stored compressed is unpacked (gzip, zstd) or listed as unread, never parsed as bytes', async () => {
    // A zstd frame header and bytes no decoder accepts.
    const zstd = Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0xa0]), Buffer.alloc(64, 0xe2)]);
    // A gzip header over bytes that do not inflate.
    const badGzip = Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0]), Buffer.alloc(40, 0xff)]);
    const packed = bunBinary([...MODULES, ['vendor-lib.min.js', gzipSync('module.exports=function(s){return eval(s)};')], ['tz-lib.min.js', ZSTD_MODULE], ['chart.umd.min.js', zstd], ['broken.min.js', badGzip]]);
    const file = join(root, 'packed-tool');
    writeFileSync(file, packed);
    const r = await scanInput(await resolveInput(file, { env: {}, cacheDir: root }), { workers: 0 });
    assert.equal(r.stats.parseErrors, 0);
    assert.equal(r.stats.files, 4);
    assert.ok(r.findings.some((f) => f.rule === 'dyn-eval' && f.file === 'packed-tool!/vendor-lib.min.js'));
    assert.ok(r.findings.some((f) => f.rule === 'dyn-eval' && f.file === 'packed-tool!/tz-lib.min.js'), 'the zstd module was read');
    assert.ok(r.findings.some((f) => f.rule === 'fp-timezone-read' && f.file === 'packed-tool!/tz-lib.min.js'));
    assert.ok(!r.findings.some((f) => f.file.endsWith('chart.umd.min.js') || f.file.endsWith('broken.min.js')));
    const c = r.findings.find((f) => f.rule === 'pkg-compiled-js');
    assert.deepEqual(c?.data?.unread, ['chart.umd.min.js (zstd)', 'broken.min.js (gzip)']);
    assert.match(c!.message, /2 compressed code modules were not read \(they do not unpack: malformed, or above 64 MB\): chart\.umd\.min\.js \(zstd\), broken\.min\.js \(gzip\)\./);
  });

  it('ignores: a native binary without compiled-in code (it stays unread: high, nothing else to scan)', async () => {
    const plain = join(root, 'plain');
    writeFileSync(plain, Buffer.concat([ELF_HEAD, Buffer.alloc(4000, 0)]));
    const r = await scanOf(plain);
    assert.equal(r.stats.files, 0);
    assert.deepEqual(r.findings.map((f) => [f.rule, f.severity]), [['pkg-native-executable', 'high']]);
  });
});

// Reading the code compiled into a Bun executable (binaries built by bun-binary.ts). Scanning it:
// rules/pkg-compiled-js.test.ts; the real thing (OpenCode's platform package): registry.test.ts.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bunGraph, nativeFormat, unpackModule, zstdBound } from '../../src/scan/native.ts';
import { bunBinary, ELF_HEAD, MODULES, TOOL, TRAILER, ZSTD_MODULE, ZSTD_TEXT, zstdBomb } from './bun-binary.ts';

describe('bunGraph', () => {
  it('reads the modules, the entry point and the built-in arguments of a compiled program', () => {
    const g = bunGraph(bunBinary(MODULES, { entry: 0, argv: '--user-agent=tool/1.2.3 --use-system-ca --' }));
    assert.ok(g);
    assert.deepEqual(g.modules.map((m) => m.name), ['src/index.js', 'chunk-a1b2c3.js', 'font-9x8y7z.woff2', 'libpty-q1w2e3.so']);
    assert.equal(g.modules[0]!.contents.toString(), TOOL);
    assert.equal(g.entry, 'src/index.js');
    assert.equal(g.execArgv, '--user-agent=tool/1.2.3 --use-system-ca --');
    assert.equal(nativeFormat(g.modules[3]!.contents), 'ELF');
  });

  it('finds the graph whatever the entry size (it changes between Bun releases), with data after it (section headers)', () => {
    for (const entrySize of [36, 44, 52, 64]) {
      const g = bunGraph(bunBinary(MODULES, { entrySize, entry: 1, after: Buffer.alloc(4096, 7) }));
      assert.deepEqual(g?.modules.map((m) => m.name), MODULES.map(([n]) => n), `entry size ${entrySize}`);
      assert.equal(g?.entry, 'chunk-a1b2c3.js');
    }
  });

  it('reads Windows virtual paths', () => {
    assert.deepEqual(bunGraph(bunBinary(MODULES, { root: 'B:/~BUN/root/' }))?.modules.map((m) => m.name), MODULES.map(([n]) => n));
  });

  it('ignores: a binary that only holds the trailer text, one with a table pointing outside it, one with foreign paths', () => {
    assert.equal(bunGraph(Buffer.concat([ELF_HEAD, Buffer.alloc(100), Buffer.from(`x${TRAILER}y`), Buffer.alloc(100)])), null);
    const bad = bunBinary(MODULES);
    bad.writeUInt32LE(0xfffffff0, bad.length - TRAILER.length - 32 + 8);
    assert.equal(bunGraph(bad), null);
    assert.equal(bunGraph(bunBinary(MODULES, { root: '/usr/lib/' })), null);
    assert.equal(bunGraph(Buffer.concat([ELF_HEAD, Buffer.alloc(10_000)])), null);
  });
});

describe('unpackModule (zstd)', () => {
  it('unpacks a zstd module on every supported runtime (node:zlib from 22.15, a JavaScript decoder before)', () => {
    const u = unpackModule(ZSTD_MODULE);
    assert.ok('bytes' in u);
    assert.equal(u.bytes.toString('utf8'), ZSTD_TEXT);
    const small = unpackModule(zstdBomb(3));
    assert.ok('bytes' in small);
    assert.equal(small.bytes.length, 3 * 128 * 1024);
    assert.ok(small.bytes.every((b) => b === 0x41));
  });

  it('bounds what it unpacks before decoding: the frame and block headers say how much can come out', () => {
    assert.equal(zstdBound(ZSTD_MODULE), 117, 'the declared content size');
    assert.equal(zstdBound(zstdBomb(600)), 600 * 128 * 1024, 'no declared size: each block counts');
    // A skippable frame before the data is stepped over.
    const skip = Buffer.concat([Buffer.from([0x5a, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 1, 2, 3]), ZSTD_MODULE]);
    assert.equal(zstdBound(skip), 117);
    assert.equal(zstdBound(ZSTD_MODULE.subarray(0, 20)), null, 'truncated');
    assert.equal(zstdBound(Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x08, 0, 0, 0])), null, 'reserved bit set');
    // 4 GiB out of 128 KiB in: over the 64 MB limit by its headers, so it is not decoded (that
    // would take ~30 s and 4 GiB of memory here).
    assert.equal(zstdBound(zstdBomb(32 * 1024)), 2 ** 32);
    assert.deepEqual(unpackModule(zstdBomb(32 * 1024)), { unread: 'zstd' });
    assert.deepEqual(unpackModule(ZSTD_MODULE.subarray(0, 60)), { unread: 'zstd' });
  });
});

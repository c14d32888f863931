// Reading the code compiled into a Bun executable (binaries built by bun-binary.ts). Scanning it:
// rules/pkg-compiled-js.test.ts; the real thing (OpenCode's platform package): registry.test.ts.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bunGraph, nativeFormat } from '../../src/scan/native.ts';
import { bunBinary, ELF_HEAD, MODULES, TOOL, TRAILER } from './bun-binary.ts';

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

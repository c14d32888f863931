// A Bun-compiled executable, built by the tests in the layout such a program has (module data, a
// table of offsets, the trailer) behind an ELF header, with the trailer text also planted earlier
// in the file, as Bun's own code holds it. Nothing in it runs.
export const TRAILER = '\n---- Bun! ----\n';
export const ELF_HEAD = Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]);

export interface Build { root?: string; entrySize?: number; entry?: number; argv?: string; after?: Buffer }

/** An executable with these modules compiled in, in Bun's layout. */
export function bunBinary(modules: Array<[string, string | Buffer]>, o: Build = {}): Buffer {
  const root = o.root ?? '/$bunfs/root/';
  const entrySize = o.entrySize ?? 52;
  const parts: Buffer[] = [];
  let len = 0;
  const put = (b: Buffer): [number, number] => { const at = len; parts.push(b, Buffer.alloc(1)); len += b.length + 1; return [at, b.length]; };
  const ptrs = modules.map(([name, body]) => [put(Buffer.from(root + name)), put(Buffer.isBuffer(body) ? body : Buffer.from(body))] as const);
  const argv = put(Buffer.from(`${o.argv ?? ''}\0`));
  const list = Buffer.alloc(entrySize * modules.length);
  ptrs.forEach(([n, c], i) => {
    list.writeUInt32LE(n[0], i * entrySize); list.writeUInt32LE(n[1], i * entrySize + 4);
    list.writeUInt32LE(c[0], i * entrySize + 8); list.writeUInt32LE(c[1], i * entrySize + 12);
    list.writeUInt8(1, i * entrySize + entrySize - 4);
  });
  const listAt = len;
  parts.push(list);
  len += list.length;
  const table = Buffer.alloc(32);
  table.writeBigUInt64LE(BigInt(len), 0);
  table.writeUInt32LE(listAt, 8); table.writeUInt32LE(list.length, 12);
  table.writeUInt32LE(o.entry ?? 0, 16);
  table.writeUInt32LE(argv[0], 20); table.writeUInt32LE(argv[1], 24);
  table.writeUInt32LE(3, 28);
  // The runtime: a header, code, and the trailer text as a constant among its strings.
  const runtime = Buffer.concat([ELF_HEAD, Buffer.alloc(3000, 0x90), Buffer.from(`error: ${TRAILER}\0`), Buffer.alloc(2000, 0)]);
  return Buffer.concat([runtime, ...parts, table, Buffer.from(TRAILER), o.after ?? Buffer.alloc(0)]);
}

export const TOOL = 'const os = require("os");\nfetch("https://telemetry.tool.example/v1/events", { method: "POST", body: JSON.stringify({ host: os.hostname() }) });\n';
export const MODULES: Array<[string, string | Buffer]> = [
  ['src/index.js', TOOL],
  ['chunk-a1b2c3.js', 'module.exports = { tz: Intl.DateTimeFormat().resolvedOptions().timeZone };\n'],
  ['font-9x8y7z.woff2', Buffer.from([0x77, 0x4f, 0x46, 0x32, 0, 0, 0, 1])],
  ['libpty-q1w2e3.so', Buffer.concat([ELF_HEAD, Buffer.alloc(500, 0)])],
];

/** A JavaScript module compressed by the zstd command-line tool (`zstd -19`): 117 bytes in one compressed block. */
export const ZSTD_MODULE = Buffer.from('KLUv/SR1FQMAUocXGICrDoDYVvIgkakJNbmXXIFDlcH9KekQTgCLztTTDy7Ta41+42yNZ7qMKHS9VJLLrhlD0eax1LhU6gYjEwrdod2G9XqLC3/6LZeTQ1cyfdl1snO5cNmRGUeXvqkwDAAesTaT', 'base64');
export const ZSTD_TEXT = 'module.exports = function (s) { const tz = Intl.DateTimeFormat().resolvedOptions().timeZone; return eval(s + tz); };\n';

/** A frame without a declared size (window 128 KiB) of `n` RLE blocks of 128 KiB each: 4 bytes per block in, 128 KiB out. */
export function zstdBomb(n: number): Buffer {
  const blocks = Array.from({ length: n }, (_, i) => {
    const h = ((128 * 1024) << 3) | (1 << 1) | (i === n - 1 ? 1 : 0);
    return Buffer.from([h & 0xff, (h >> 8) & 0xff, (h >> 16) & 0xff, 0x41]);
  });
  return Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x38]), ...blocks]);
}

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

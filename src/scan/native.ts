// Native executables in a package: which format a file is, and, for a program compiled with
// `bun build --compile`, the JavaScript it carries. Such a binary is the Bun runtime with the
// tool's bundled modules appended (on Linux in a `.bun` section, on macOS in a `__BUN` segment,
// on Windows in a `.bun` PE section, in older releases at the end of the file). Wherever it sits,
// the module graph ends with a fixed 16-byte trailer, preceded by a 32-byte table of offsets:
//
//   u64 byteCount            length of the module data, which starts byteCount bytes before the table
//   u32 offset, u32 length   the module list (an array of fixed-size entries)
//   u32 entryPoint           index of the entry module in that list
//   u32 offset, u32 length   the command-line arguments baked in at compile time
//   u32 flags
//
// Every entry starts with two (offset, length) pairs: the module's virtual path (/$bunfs/root/...
// on POSIX, B:/~BUN/root/... on Windows) and its contents. The entry size has changed between Bun
// releases, so it is not assumed: the smallest size under which every entry names a module path
// and points inside the data is taken. Offsets are relative to the start of the module data.
// Nothing here runs the binary; it is read as bytes.
import * as zlib from 'node:zlib';
import { decompress } from 'fzstd';
import type { NativeFile } from './types.ts';

/** A native executable or WebAssembly module, by its first bytes. */
export function nativeFormat(head: Buffer): NativeFile['format'] | null {
  if (head.length < 4) return null;
  const m = head.readUInt32BE(0);
  if (m === 0x7f454c46) return 'ELF';
  if (m === 0xfeedface || m === 0xfeedfacf || m === 0xcefaedfe || m === 0xcffaedfe) return 'Mach-O';
  if (m === 0x0061736d) return 'WebAssembly';
  if (head[0] === 0x4d && head[1] === 0x5a) return 'PE';
  return null;
}

export interface EmbeddedModule {
  /** Path inside the binary, without the virtual root (`chunk-5z1jv3fy.js`). */
  name: string;
  contents: Buffer;
}

export interface BunGraph {
  modules: EmbeddedModule[];
  /** The module the binary starts with. */
  entry: string | null;
  /** Runtime arguments fixed at compile time (`--user-agent=... --use-system-ca`). */
  execArgv: string;
}

const TRAILER = Buffer.from('\n---- Bun! ----\n');
/**
 * How near the end of a compiled program its module graph ends: after it come at most the section
 * or load-command tables and a code signature. A binary without the trailer in its last bytes is
 * not read whole (Codex CLI's package holds 423 MB of native code).
 */
export const BUN_TAIL = 16 * 1024 * 1024;
export const mayHoldBunGraph = (tail: Buffer): boolean => tail.includes(TRAILER);
const TABLE = 32;
const ROOTS = ['/$bunfs/root/', 'B:/~BUN/root/', '/$bunfs/', 'B:/~BUN/'];
/** Largest plausible module entry: six (offset, length) pairs and a few flag bytes, with room to grow. */
const MAX_ENTRY = 128;

/** The JavaScript and other modules of a Bun-compiled executable, or null if it is not one. */
export function bunGraph(bin: Buffer): BunGraph | null {
  // The trailer text is also a constant inside Bun's own code: try each occurrence from the end.
  for (let at = bin.lastIndexOf(TRAILER); at >= TABLE; at = at === 0 ? -1 : bin.lastIndexOf(TRAILER, at - 1)) {
    const g = graphAt(bin, at);
    if (g) return g;
  }
  return null;
}

function graphAt(bin: Buffer, trailer: number): BunGraph | null {
  const t = trailer - TABLE;
  const byteCount = Number(bin.readBigUInt64LE(t));
  const base = t - byteCount;
  if (byteCount <= 0 || base < 0) return null;
  const listOff = bin.readUInt32LE(t + 8);
  const listLen = bin.readUInt32LE(t + 12);
  const entryId = bin.readUInt32LE(t + 16);
  const argvOff = bin.readUInt32LE(t + 20);
  const argvLen = bin.readUInt32LE(t + 24);
  if (listLen === 0 || listOff + listLen > byteCount || argvOff + argvLen > byteCount) return null;
  const data = bin.subarray(base, t);
  for (let size = 16; size <= MAX_ENTRY; size += 4) {
    if (listLen % size !== 0) continue;
    const modules = readList(data, listOff, listLen / size, size);
    if (!modules) continue;
    return {
      modules,
      entry: modules[entryId]?.name ?? null,
      execArgv: data.toString('utf8', argvOff, argvOff + argvLen).replace(/\0+$/, '').trim(),
    };
  }
  return null;
}

function readList(data: Buffer, off: number, count: number, size: number): EmbeddedModule[] | null {
  const out: EmbeddedModule[] = [];
  for (let i = 0; i < count; i++) {
    const e = off + i * size;
    const nameOff = data.readUInt32LE(e);
    const nameLen = data.readUInt32LE(e + 4);
    const bodyOff = data.readUInt32LE(e + 8);
    const bodyLen = data.readUInt32LE(e + 12);
    if (nameLen === 0 || nameLen > 4096 || nameOff + nameLen > data.length || bodyOff + bodyLen > data.length) return null;
    const path = data.toString('utf8', nameOff, nameOff + nameLen);
    const root = ROOTS.find((r) => path.startsWith(r));
    if (root === undefined) return null;
    out.push({ name: path.slice(root.length), contents: data.subarray(bodyOff, bodyOff + bodyLen) });
  }
  return out;
}

/** Largest module unpacked (as the scan reads no text file above it). */
const MAX_UNPACKED = 64 * 1024 * 1024;
// zstd is in node:zlib from Node 22.15; before that, fzstd (a decoder in JavaScript) reads it.
const nativeZstd = (zlib as unknown as { zstdDecompressSync?: (b: Buffer, o: { maxOutputLength: number }) => Buffer }).zstdDecompressSync;

/**
 * The most bytes zstd data can decode to, read from its frame and block headers (RFC 8878)
 * without decoding; null when the headers are not valid. A frame that declares its content size
 * counts that; otherwise each block counts its largest output. The decoder allocates a frame's
 * window, so a window above the limit counts as that much.
 */
export function zstdBound(b: Uint8Array): number | null {
  const u32 = (at: number): number => (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16)) + b[at + 3]! * 0x1000000;
  let at = 0;
  let total = 0;
  while (at < b.length) {
    if (at + 8 > b.length) return null;
    const magic = u32(at);
    if ((magic & 0xfffffff0) >>> 0 === 0x184d2a50) { // skippable frame: magic, size, data
      at += 8 + u32(at + 4);
      continue;
    }
    if (magic !== 0xfd2fb528) return null;
    const fhd = b[at + 4]!;
    const single = (fhd >> 5) & 1;
    const fcsFlag = fhd >> 6;
    if ((fhd & 8) !== 0) return null; // reserved bit
    let p = at + 5;
    let window = 0;
    if (single === 0) {
      const wd = b[p++]!;
      const base = 2 ** (10 + (wd >> 3));
      window = base + (base / 8) * (wd & 7);
    }
    p += [0, 1, 2, 4][fhd & 3]!; // dictionary id
    const fcsBytes = fcsFlag === 0 ? single : 1 << fcsFlag;
    let declared: number | null = null;
    if (fcsBytes > 0) {
      if (p + fcsBytes > b.length) return null;
      declared = 0;
      for (let i = fcsBytes - 1; i >= 0; i--) declared = declared * 256 + b[p + i]!;
      if (fcsBytes === 2) declared += 256;
      p += fcsBytes;
    }
    if (single === 1) window = declared ?? 0;
    let blocks = 0;
    for (;;) {
      if (p + 3 > b.length) return null;
      const h = b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16);
      const type = (h >> 1) & 3;
      const size = h >>> 3;
      if (type === 3) return null;
      // raw and RLE blocks decode to `size` bytes; a compressed block to at most 128 KiB.
      blocks += type === 2 ? Math.min(128 * 1024, Math.max(window, 1)) : size;
      p += 3 + (type === 1 ? 1 : size);
      if ((h & 1) === 1) break;
    }
    if (((fhd >> 2) & 1) === 1) p += 4; // content checksum
    if (p > b.length) return null;
    total += Math.max(declared ?? blocks, window);
    at = p;
  }
  return total;
}

function unzstd(b: Buffer): Buffer | null {
  if (nativeZstd !== undefined) return nativeZstd(b, { maxOutputLength: MAX_UNPACKED });
  const bound = zstdBound(b);
  if (bound === null || bound > MAX_UNPACKED) return null;
  const out = decompress(b);
  return out.length > MAX_UNPACKED ? null : Buffer.from(out.buffer, out.byteOffset, out.length);
}

/**
 * A module's bytes as the runtime loads them: compiled programs may store a module compressed
 * (Claude Code's native build keeps three bundled libraries zstd-compressed). gzip and zstd are
 * unpacked; null when the data cannot be unpacked within the size limit, so that compressed bytes
 * are never parsed as code. Anything else is returned as it is.
 */
export function unpackModule(b: Buffer): { bytes: Buffer } | { unread: 'zstd' | 'gzip' } {
  if (b.length >= 4 && b.readUInt32BE(0) === 0x28b52ffd) {
    try {
      const out = unzstd(b);
      return out === null ? { unread: 'zstd' } : { bytes: out };
    } catch {
      return { unread: 'zstd' };
    }
  }
  if (b.length >= 3 && b[0] === 0x1f && b[1] === 0x8b && b[2] === 8) {
    try { return { bytes: zlib.gunzipSync(b, { maxOutputLength: MAX_UNPACKED }) }; } catch { return { unread: 'gzip' }; }
  }
  return { bytes: b };
}

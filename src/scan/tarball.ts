// Reading an npm tarball in memory: nothing is extracted to disk and nothing is executed.
import { Parser, type ReadEntry } from 'tar';
import type { SourceFile } from './types.ts';

/**
 * Largest file read as text. Above it a file is reported as not analysed, never dropped: a bundle
 * is split into pieces, but a file whose pieces do not parse is analysed again whole, and that one
 * AST (~40 bytes a source byte) is what this bounds.
 */
export const MAX_FILE = 64 * 1024 * 1024;
/** Largest file read whole for a look inside (a compiled tool with its code embedded). */
export const MAX_WHOLE = 1024 * 1024 * 1024;
/** First bytes of a file not kept by name: enough for a format's magic number and a shebang line. */
export const HEAD = 256;

/** A NUL byte in the first 8 KiB: no text file has one. */
export const isBinary = (b: Buffer): boolean => b.subarray(0, 8192).includes(0);

export interface TarballReader {
  /** Text files to return. */
  keep: (path: string, size: number) => boolean;
  /** A file not kept by name, kept after all for its first bytes (a script with a node shebang). */
  keepHead?: (path: string, head: Buffer) => boolean;
  /**
   * Every other file, with its first bytes (to tell a native executable from an image or a font),
   * and the whole file when `whole` asks for it; also a kept file that `mayBeBinary` allows to be
   * a binary and that is one.
   */
  skipped?: (path: string, size: number, head: Buffer, whole: Buffer | null) => void;
  /**
   * Which skipped files to pass whole: those whose first bytes `want` and whose last `tail` bytes
   * `keep` (the chunks are held until the end, and joined only for a file that is kept).
   */
  whole?: { want: (head: Buffer) => boolean; tail: number; keep: (tail: Buffer) => boolean };
  mayBeBinary?: (path: string) => boolean;
}

/** The last `n` bytes of a file held as chunks. */
function tailOf(chunks: Buffer[], n: number): Buffer {
  let i = chunks.length;
  let len = 0;
  while (i > 0 && len < n) len += (chunks[--i] as Buffer).length;
  const t = Buffer.concat(chunks.slice(i));
  return t.subarray(Math.max(0, t.length - n));
}

/**
 * Text files of a .tgz, paths without the leading `package/` folder. A damaged archive is an
 * error, not a smaller package: node-tar only warns about a truncated or corrupt one and hands
 * over what it could read, which would be scanned as if it were the whole tool.
 */
export function readTarball(data: Buffer, r: TarballReader): Promise<SourceFile[]> {
  return new Promise((resolve, reject) => {
    const files: SourceFile[] = [];
    const damage: string[] = [];
    let eof = false;
    const parser = new Parser({
      onwarn(code: string, message: string | Error) { damage.push(`${code}: ${message instanceof Error ? message.message : message}`); },
      onReadEntry(entry: ReadEntry) {
        const path = entry.path.replace(/^[^/]+\//, '');
        if (entry.type !== 'File') { entry.resume(); return; }
        const size = entry.size;
        // 'text': returned as a file; 'head': held until the first bytes decide; 'whole': held for
        // `skipped`; 'drop': only counted.
        let mode: 'text' | 'head' | 'whole' | 'drop' = size <= MAX_FILE && r.keep(path, size) ? 'text' : 'head';
        let head = Buffer.alloc(0);
        let got = 0;
        const chunks: Buffer[] = [];
        const decide = (): void => {
          head = Buffer.concat(chunks, Math.min(got, HEAD));
          if (size <= MAX_FILE && r.keepHead?.(path, head) === true) mode = 'text';
          else if (r.skipped !== undefined && size <= MAX_WHOLE && r.whole?.want(head) === true) mode = 'whole';
          else { mode = 'drop'; chunks.length = 0; }
        };
        entry.on('data', (c: Buffer) => {
          got += c.length;
          if (mode === 'drop') return;
          chunks.push(c);
          if (mode === 'head' && got >= HEAD) decide();
        });
        entry.on('end', () => {
          if (got !== size) { damage.push(`${path}: ${got} of its ${size} bytes`); return; }
          if (mode === 'head') decide();
          if (mode !== 'text') {
            r.skipped?.(path, size, head, mode === 'whole' && r.whole?.keep(tailOf(chunks, r.whole.tail)) === true ? Buffer.concat(chunks) : null);
            return;
          }
          const buf = Buffer.concat(chunks);
          // A binary kept by name (an extension-less file in bin/ can be the tool itself, compiled).
          if (r.skipped !== undefined && r.mayBeBinary?.(path) === true && isBinary(buf)) r.skipped(path, buf.length, buf.subarray(0, HEAD), buf);
          else files.push({ path, text: buf.toString('utf8') });
        });
      },
    });
    // Two zero blocks end an archive (npm pack writes them); a cut at an entry's edge leaves no other trace.
    parser.on('eof', () => { eof = true; });
    parser.on('error', reject);
    parser.on('end', () => {
      if (!eof && damage.length === 0) damage.push('no end-of-archive marker');
      if (damage.length > 0) reject(new Error(`truncated or corrupt archive (${[...new Set(damage)].slice(0, 3).join('; ')})`));
      else resolve(files);
    });
    parser.end(data);
  });
}

// Reading an npm tarball in memory: nothing is extracted to disk and nothing is executed.
import { Parser, type ReadEntry } from 'tar';
import type { SourceFile } from './types.ts';

const MAX_FILE = 64 * 1024 * 1024;
/** Largest file read whole for a look inside (a compiled tool with its code embedded). */
export const MAX_WHOLE = 1024 * 1024 * 1024;

/** A NUL byte in the first 8 KiB: no text file has one. */
export const isBinary = (b: Buffer): boolean => b.subarray(0, 8192).includes(0);

export interface TarballReader {
  /** Text files to return. */
  keep: (path: string, size: number) => boolean;
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

/** Text files of a .tgz, paths without the leading `package/` folder. */
export function readTarball(data: Buffer, r: TarballReader): Promise<SourceFile[]> {
  return new Promise((resolve, reject) => {
    const files: SourceFile[] = [];
    const parser = new Parser({
      onReadEntry(entry: ReadEntry) {
        const path = entry.path.replace(/^[^/]+\//, '');
        if (entry.type !== 'File' || entry.size > MAX_FILE || !r.keep(path, entry.size)) {
          if (entry.type === 'File' && r.skipped !== undefined) {
            let head: Buffer | null = null;
            let chunks: Buffer[] | null = null;
            entry.on('data', (c: Buffer) => {
              if (head === null) {
                head = c.subarray(0, 4);
                if (entry.size <= MAX_WHOLE && r.whole?.want(head) === true) chunks = [];
              }
              chunks?.push(c);
            });
            entry.on('end', () => r.skipped?.(path, entry.size, head ?? Buffer.alloc(0), chunks && r.whole?.keep(tailOf(chunks, r.whole.tail)) === true ? Buffer.concat(chunks) : null));
          }
          entry.resume();
          return;
        }
        const chunks: Buffer[] = [];
        entry.on('data', (c: Buffer) => chunks.push(c));
        entry.on('end', () => {
          const buf = Buffer.concat(chunks);
          // A binary kept by name (an extension-less file in bin/ can be the tool itself, compiled).
          if (r.skipped !== undefined && r.mayBeBinary?.(path) === true && isBinary(buf)) r.skipped(path, buf.length, buf.subarray(0, 4), buf);
          else files.push({ path, text: buf.toString('utf8') });
        });
      },
    });
    parser.on('error', reject);
    parser.on('end', () => resolve(files));
    parser.end(data);
  });
}

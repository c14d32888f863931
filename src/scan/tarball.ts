// Reading an npm tarball in memory: nothing is extracted to disk and nothing is executed.
import { Parser, type ReadEntry } from 'tar';
import type { SourceFile } from './types.ts';

const MAX_FILE = 64 * 1024 * 1024;

/** A NUL byte in the first 8 KiB: no text file has one. */
export const isBinary = (b: Buffer): boolean => b.subarray(0, 8192).includes(0);

/**
 * Text files of a .tgz, paths without the leading `package/` folder. `skipped` sees every other
 * file with its first bytes (to tell a native executable from an image or a font), and also a
 * kept file that `mayBeBinary` allows to be one and that is.
 */
export function readTarball(
  data: Buffer,
  keep: (path: string, size: number) => boolean,
  skipped?: (path: string, size: number, head: Buffer) => void,
  mayBeBinary: (path: string) => boolean = () => false,
): Promise<SourceFile[]> {
  return new Promise((resolve, reject) => {
    const files: SourceFile[] = [];
    const parser = new Parser({
      onReadEntry(entry: ReadEntry) {
        const path = entry.path.replace(/^[^/]+\//, '');
        if (entry.type !== 'File' || entry.size > MAX_FILE || !keep(path, entry.size)) {
          if (entry.type === 'File' && skipped !== undefined) {
            let head: Buffer | null = null;
            entry.on('data', (c: Buffer) => { head ??= c.subarray(0, 4); });
            entry.on('end', () => skipped(path, entry.size, head ?? Buffer.alloc(0)));
          }
          entry.resume();
          return;
        }
        const chunks: Buffer[] = [];
        entry.on('data', (c: Buffer) => chunks.push(c));
        entry.on('end', () => {
          const buf = Buffer.concat(chunks);
          // A binary kept by name (an extension-less file in bin/ can be the tool itself, compiled).
          if (skipped !== undefined && mayBeBinary(path) && isBinary(buf)) skipped(path, buf.length, buf.subarray(0, 4));
          else files.push({ path, text: buf.toString('utf8') });
        });
      },
    });
    parser.on('error', reject);
    parser.on('end', () => resolve(files));
    parser.end(data);
  });
}

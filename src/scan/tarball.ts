// Reading an npm tarball in memory: nothing is extracted to disk and nothing is executed.
import { Parser, type ReadEntry } from 'tar';
import type { SourceFile } from './types.ts';

const MAX_FILE = 64 * 1024 * 1024;

/** Text files of a .tgz, paths without the leading `package/` folder. */
export function readTarball(data: Buffer, keep: (path: string, size: number) => boolean): Promise<SourceFile[]> {
  return new Promise((resolve, reject) => {
    const files: SourceFile[] = [];
    const parser = new Parser({
      onReadEntry(entry: ReadEntry) {
        const path = entry.path.replace(/^[^/]+\//, '');
        if (entry.type !== 'File' || entry.size > MAX_FILE || !keep(path, entry.size)) {
          entry.resume();
          return;
        }
        const chunks: Buffer[] = [];
        entry.on('data', (c: Buffer) => chunks.push(c));
        entry.on('end', () => files.push({ path, text: Buffer.concat(chunks).toString('utf8') }));
      },
    });
    parser.on('error', reject);
    parser.on('end', () => resolve(files));
    parser.end(data);
  });
}

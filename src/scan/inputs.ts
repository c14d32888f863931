// Turning what the user named (an npm spec, a tarball, a directory, a file) into source files.
import { open, readFile, readdir, stat } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import type { NativeFile, PackageInfo, ScanInput, SourceFile } from './types.ts';
import { isBinary, readTarball } from './tarball.ts';
import { fetchPackage, looksLikeSpec } from './registry.ts';

const CODE = /\.(m|c)?(j|t)sx?$/;
const SKIP_DIRS = new Set(['node_modules', '.git']);
const MAX_FILE = 64 * 1024 * 1024;

export interface ResolveOptions { env: NodeJS.ProcessEnv; cacheDir: string }

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

export const isCode = (path: string): boolean => CODE.test(path) && !/\.d\.[cm]?ts$/.test(path) && !path.endsWith('.map');

/**
 * A file in bin/ without a code extension may be a launcher script or the tool itself, compiled.
 * Code files are always read as code: a NUL byte must not make a script look like a binary.
 */
const launcherOrBinary = (path: string): boolean => path.startsWith('bin/') && !isCode(path);

export async function resolveInput(target: string, opts: ResolveOptions): Promise<ScanInput> {
  const st = await stat(target).catch(() => null);
  if (st?.isDirectory()) return fromDirectory(target);
  if (st?.isFile()) {
    if (/\.(tgz|tar\.gz|tar)$/.test(target)) return fromTarball(target, await readFile(target));
    const text = await readFile(target, 'utf8');
    return { label: target, pkg: {}, files: [{ path: basename(target), text }], skipped: 0 };
  }
  if (!looksLikeSpec(target)) throw new Error(`not a file, directory or npm package spec: ${target}`);
  const p = await fetchPackage(target, opts.env, opts.cacheDir);
  const input = await fromTarball(`${p.name}@${p.version}`, p.tarball);
  input.pkg.name ??= p.name;
  input.pkg.version ??= p.version;
  return input;
}

async function fromTarball(label: string, data: Buffer): Promise<ScanInput> {
  let skipped = 0;
  const executables: NativeFile[] = [];
  const files = await readTarball(data, (path) => path === 'package.json' || path === 'binding.gyp' || isCode(path) || path.startsWith('bin/'), (path, bytes, head) => {
    skipped++;
    const format = nativeFormat(head);
    if (format !== null) executables.push({ path, bytes, format });
  }, launcherOrBinary);
  return withManifest(label, files, skipped, executables);
}

async function fromDirectory(dir: string): Promise<ScanInput> {
  const files: SourceFile[] = [];
  const executables: NativeFile[] = [];
  let skipped = 0;
  const notAnalysed = async (full: string, path: string, bytes: number): Promise<void> => {
    skipped++;
    const f = await open(full, 'r');
    try {
      const head = Buffer.alloc(4);
      const { bytesRead } = await f.read(head, 0, 4, 0);
      const format = nativeFormat(head.subarray(0, bytesRead));
      if (format !== null) executables.push({ path, bytes, format });
    } finally {
      await f.close();
    }
  };
  const visit = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const full = join(d, e.name);
      if (e.isDirectory()) { if (!SKIP_DIRS.has(e.name)) await visit(full); continue; }
      if (!e.isFile()) continue;
      const rel = relative(dir, full).split(sep).join('/');
      const size = (await stat(full)).size;
      if ((rel === 'package.json' || rel === 'binding.gyp' || isCode(rel) || rel.startsWith('bin/')) && size <= MAX_FILE) {
        const text = await readFile(full);
        if (launcherOrBinary(rel) && isBinary(text)) { await notAnalysed(full, rel, size); continue; }
        files.push({ path: rel, text: text.toString('utf8') });
      } else await notAnalysed(full, rel, size);
    }
  };
  await visit(dir);
  files.sort((a, b) => a.path.localeCompare(b.path));
  executables.sort((a, b) => a.path.localeCompare(b.path));
  return withManifest(dir, files, skipped, executables);
}

function withManifest(label: string, all: SourceFile[], skipped: number, executables: NativeFile[] = []): ScanInput {
  const pkg: PackageInfo = executables.length > 0 ? { executables } : {};
  const manifest = all.find((f) => f.path === 'package.json');
  if (manifest) {
    try {
      const m = JSON.parse(manifest.text) as Record<string, unknown>;
      pkg.manifest = m;
      pkg.manifestPath = 'package.json';
      if (typeof m.name === 'string') pkg.name = m.name;
      if (typeof m.version === 'string') pkg.version = m.version;
    } catch { /* a broken manifest is reported by nothing; the code is still scanned */ }
  }
  return { label, pkg, files: all, skipped };
}

/** Files to parse: code, and extension-less scripts in bin/ that start with a node shebang. */
export const isAnalysable = (f: SourceFile): boolean => isCode(f.path) || (f.path.startsWith('bin/') && !f.path.includes('.') && /^#!.*\bnode\b/.test(f.text));

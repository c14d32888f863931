// Turning what the user named (an npm spec, a tarball, a directory, a file) into source files.
import { open, readFile, readdir, stat } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import type { NativeFile, PackageInfo, ScanInput, SourceFile } from './types.ts';
import { isBinary, MAX_WHOLE, readTarball } from './tarball.ts';
import { BUN_TAIL, bunGraph, mayHoldBunGraph, nativeFormat, unpackModule } from './native.ts';
import { fetchPackage, looksLikeSpec } from './registry.ts';

const CODE = /\.(m|c)?(j|t)sx?$/;
const SKIP_DIRS = new Set(['node_modules', '.git']);
const MAX_FILE = 64 * 1024 * 1024;

export interface ResolveOptions { env: NodeJS.ProcessEnv; cacheDir: string }

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
    const data = await readFile(target);
    const name = basename(target);
    if (isBinary(data) && nativeFormat(data) !== null) {
      const natives = new Natives();
      natives.add(name, data.length, data, data);
      return withManifest(target, natives.files, natives);
    }
    return { label: target, pkg: {}, files: [{ path: name, text: data.toString('utf8') }], skipped: 0 };
  }
  if (!looksLikeSpec(target)) throw new Error(`not a file, directory or npm package spec: ${target}`);
  const p = await fetchPackage(target, opts.env, opts.cacheDir);
  const input = await fromTarball(`${p.name}@${p.version}`, p.tarball);
  input.pkg.name ??= p.name;
  input.pkg.version ??= p.version;
  return input;
}

async function fromTarball(label: string, data: Buffer): Promise<ScanInput> {
  const natives = new Natives();
  const files = await readTarball(data, {
    keep: (path) => path === 'package.json' || path === 'binding.gyp' || isCode(path) || path.startsWith('bin/'),
    skipped: (path, bytes, head, whole) => natives.add(path, bytes, head, whole),
    whole: { want: (head) => nativeFormat(head) !== null, tail: BUN_TAIL, keep: mayHoldBunGraph },
    mayBeBinary: launcherOrBinary,
  });
  return withManifest(label, [...files, ...natives.files], natives);
}

async function fromDirectory(dir: string): Promise<ScanInput> {
  const files: SourceFile[] = [];
  const natives = new Natives();
  const notAnalysed = async (full: string, path: string, bytes: number): Promise<void> => {
    const f = await open(full, 'r');
    try {
      const head = Buffer.alloc(4);
      const { bytesRead } = await f.read(head, 0, 4, 0);
      let whole: Buffer | null = null;
      if (nativeFormat(head.subarray(0, bytesRead)) !== null && bytes <= MAX_WHOLE) {
        const tail = Buffer.alloc(Math.min(bytes, BUN_TAIL));
        await f.read(tail, 0, tail.length, bytes - tail.length);
        if (mayHoldBunGraph(tail)) whole = await readFile(full);
      }
      natives.add(path, bytes, head.subarray(0, bytesRead), whole);
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
        if (launcherOrBinary(rel) && isBinary(text)) { natives.add(rel, size, text, text); continue; }
        files.push({ path: rel, text: text.toString('utf8') });
      } else await notAnalysed(full, rel, size);
    }
  };
  await visit(dir);
  files.push(...natives.files);
  files.sort((a, b) => a.path.localeCompare(b.path));
  natives.executables.sort((a, b) => a.path.localeCompare(b.path));
  return withManifest(dir, files, natives);
}

/**
 * The files a scan does not read as code, and what some of them hold: a native executable is
 * listed (the package rules say what it means for coverage), and one compiled with Bun gives up
 * the modules embedded in it, its code to be scanned as `<binary>!/<module>`.
 */
class Natives {
  readonly executables: NativeFile[] = [];
  readonly files: SourceFile[] = [];
  skipped = 0;

  add(path: string, bytes: number, head: Buffer, whole: Buffer | null): void {
    this.skipped++;
    const format = nativeFormat(head);
    if (format === null) return;
    const graph = whole !== null && format !== 'WebAssembly' ? bunGraph(whole) : null;
    if (graph === null) { this.executables.push({ path, bytes, format }); return; }
    let modules = 0;
    let codeBytes = 0;
    const unread: string[] = [];
    for (const m of graph.modules) {
      const inner = `${path}!/${m.name}`;
      if (isCode(inner) && m.contents.length <= MAX_FILE) {
        const u = unpackModule(m.contents);
        if ('unread' in u) { unread.push(`${m.name} (${u.unread})`); this.skipped++; continue; }
        this.files.push({ path: inner, text: u.bytes.toString('utf8') });
        modules++;
        codeBytes += u.bytes.length;
        continue;
      }
      this.skipped++;
      const f = nativeFormat(m.contents.subarray(0, 4));
      if (f !== null) this.executables.push({ path: inner, bytes: m.contents.length, format: f });
    }
    this.executables.push({ path, bytes, format, embedded: { runtime: 'Bun', modules: graph.modules.length, code: modules, codeBytes, entry: graph.entry, execArgv: graph.execArgv, unread } });
  }
}

function withManifest(label: string, all: SourceFile[], natives: Natives): ScanInput {
  const pkg: PackageInfo = natives.executables.length > 0 ? { executables: natives.executables } : {};
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
  return { label, pkg, files: all, skipped: natives.skipped };
}

/** Files to parse: code, and extension-less scripts in bin/ that start with a node shebang. */
export const isAnalysable = (f: SourceFile): boolean => isCode(f.path) || (f.path.startsWith('bin/') && !f.path.includes('.') && /^#!.*\bnode\b/.test(f.text));

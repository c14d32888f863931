// Turning what the user named (an npm spec, a tarball, a directory, a file) into source files.
import { open, readFile, readdir, realpath, stat } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import type { NativeFile, PackageInfo, ScanInput, SourceFile, UnreadFile } from './types.ts';
import { HEAD, isBinary, MAX_FILE, MAX_WHOLE, readTarball } from './tarball.ts';
import { BUN_TAIL, bunGraph, mayHoldBunGraph, nativeFormat, unpackModule } from './native.ts';
import { fetchPackage, looksLikeSpec } from './registry.ts';

const CODE = /\.(m|c)?(j|t)sx?$/;
const SKIP_DIRS = new Set(['node_modules', '.git']);
// The kernel reads at most 256 bytes of a `#!` line (HEAD): an interpreter named after them never runs.
const NODE_SHEBANG = /^#![^\n]*\b(node|nodejs|bun|deno)\b/;

export interface ResolveOptions { env: NodeJS.ProcessEnv; cacheDir: string }

export const isCode = (path: string): boolean => CODE.test(path) && !/\.d\.[cm]?ts$/.test(path) && !path.endsWith('.map');

/**
 * A script its `#!` line hands to node, Bun or Deno, whatever its name and wherever it is: npm links
 * a bin entry of any name, and `which <tool>` after a global install is such a file, extension-less.
 */
export const isNodeScript = (head: Buffer | string): boolean =>
  NODE_SHEBANG.test(typeof head === 'string' ? head.slice(0, HEAD) : head.subarray(0, HEAD).toString('utf8'));

/**
 * A file in bin/ without a code extension may be a launcher script or the tool itself, compiled.
 * Code files are always read as code: a NUL byte must not make a script look like a binary.
 */
const launcherOrBinary = (path: string): boolean => path.startsWith('bin/') && !isCode(path);
const keptByName = (path: string): boolean => path === 'package.json' || path === 'binding.gyp' || isCode(path) || path.startsWith('bin/');

export async function resolveInput(target: string, opts: ResolveOptions): Promise<ScanInput> {
  const st = await stat(target).catch(() => null);
  if (st?.isDirectory()) return fromDirectory(target);
  if (st?.isFile()) {
    if (/\.(tgz|tar\.gz|tar)$/.test(target)) return fromTarball(target, await readFile(target));
    // `which <tool>` is a link into the package: the file goes by the name of what it links to.
    const name = basename(await realpath(target));
    const found = new Found();
    await found.read(target, name, st.size, !isCode(name));
    return found.input(target);
  }
  if (!looksLikeSpec(target)) throw new Error(`not a file, directory or npm package spec: ${target}`);
  const p = await fetchPackage(target, opts.env, opts.cacheDir);
  const input = await fromTarball(`${p.name}@${p.version}`, p.tarball);
  input.pkg.name ??= p.name;
  input.pkg.version ??= p.version;
  return input;
}

async function fromTarball(label: string, data: Buffer): Promise<ScanInput> {
  const found = new Found();
  let files: SourceFile[];
  try {
    files = await readTarball(data, {
      keep: keptByName,
      keepHead: (_path, head) => isNodeScript(head),
      skipped: (path, bytes, head, whole) => found.add(path, bytes, head, whole),
      whole: { want: (head) => nativeFormat(head) !== null, tail: BUN_TAIL, keep: mayHoldBunGraph },
      mayBeBinary: launcherOrBinary,
    });
  } catch (e) {
    throw new Error(`${label} is not a readable npm tarball (a gzip-compressed tar archive): ${e instanceof Error ? e.message : String(e)}`);
  }
  // The archive's files first, then the modules found inside its compiled programs.
  found.files.unshift(...files);
  return found.input(label);
}

async function fromDirectory(dir: string): Promise<ScanInput> {
  const found = new Found();
  const visit = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const full = join(d, e.name);
      if (e.isDirectory()) { if (!SKIP_DIRS.has(e.name)) await visit(full); continue; }
      // A link to a file is read as that file (npm links bins so); a link to a directory is not
      // followed: it can loop, or lead out of the package.
      const st = e.isFile() || e.isSymbolicLink() ? await stat(full).catch(() => null) : null;
      if (!st?.isFile()) continue;
      const rel = relative(dir, full).split(sep).join('/');
      await found.read(full, rel, st.size, launcherOrBinary(rel));
    }
  };
  await visit(dir);
  found.files.sort((a, b) => a.path.localeCompare(b.path));
  found.executables.sort((a, b) => a.path.localeCompare(b.path));
  return found.input(dir);
}

/**
 * What a scan finds in its input: code to read, and the files it does not read as code with what
 * some of them hold. A native executable is listed (the package rules say what it means for
 * coverage), one compiled with Bun gives up the modules embedded in it, its code to be scanned as
 * `<binary>!/<module>`, and code over the size limit is listed as unread.
 */
class Found {
  readonly files: SourceFile[] = [];
  readonly executables: NativeFile[] = [];
  readonly unread: UnreadFile[] = [];
  skipped = 0;

  /** One file on disk: read as text when its name or its `#!` line says it is code, else looked at. */
  async read(full: string, path: string, bytes: number, mayBeBinary: boolean): Promise<void> {
    if (bytes <= MAX_FILE && keptByName(path)) {
      const data = await readFile(full);
      if (mayBeBinary && isBinary(data)) this.add(path, bytes, data.subarray(0, HEAD), data);
      else this.files.push({ path, text: data.toString('utf8') });
      return;
    }
    const f = await open(full, 'r');
    try {
      const buf = Buffer.alloc(Math.min(bytes, HEAD));
      const head = buf.subarray(0, (await f.read(buf, 0, buf.length, 0)).bytesRead);
      if (bytes <= MAX_FILE && isNodeScript(head)) { this.files.push({ path, text: (await readFile(full)).toString('utf8') }); return; }
      let whole: Buffer | null = null;
      if (nativeFormat(head) !== null && bytes <= MAX_WHOLE) {
        const tail = Buffer.alloc(Math.min(bytes, BUN_TAIL));
        await f.read(tail, 0, tail.length, bytes - tail.length);
        if (mayHoldBunGraph(tail)) whole = await readFile(full);
      }
      this.add(path, bytes, head, whole);
    } finally {
      await f.close();
    }
  }

  /** A file not read as code, with its first bytes (and all of them when it may hold a Bun graph). */
  add(path: string, bytes: number, head: Buffer, whole: Buffer | null): void {
    this.skipped++;
    const format = nativeFormat(head);
    if (format === null) {
      if (bytes > MAX_FILE && (isCode(path) || isNodeScript(head))) this.unread.push({ path, bytes });
      return;
    }
    const graph = whole !== null && format !== 'WebAssembly' ? bunGraph(whole) : null;
    if (graph === null) { this.executables.push({ path, bytes, format }); return; }
    let modules = 0;
    let codeBytes = 0;
    const unread: string[] = [];
    for (const m of graph.modules) {
      const inner = `${path}!/${m.name}`;
      if (isCode(inner) && m.contents.length > MAX_FILE) { this.unread.push({ path: inner, bytes: m.contents.length }); this.skipped++; continue; }
      if (isCode(inner)) {
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

  input(label: string): ScanInput {
    const pkg: PackageInfo = this.executables.length > 0 ? { executables: this.executables } : {};
    const manifest = this.files.find((f) => f.path === 'package.json');
    if (manifest) {
      try {
        const m = JSON.parse(manifest.text) as Record<string, unknown>;
        pkg.manifest = m;
        pkg.manifestPath = 'package.json';
        if (typeof m.name === 'string') pkg.name = m.name;
        if (typeof m.version === 'string') pkg.version = m.version;
      } catch { /* a broken manifest is reported by nothing; the code is still scanned */ }
    }
    return { label, pkg, files: this.files, skipped: this.skipped, ...(this.unread.length > 0 ? { unread: this.unread } : {}) };
  }
}

/** Files to parse: code, and scripts whose `#!` line runs them with node, Bun or Deno. */
export const isAnalysable = (f: SourceFile): boolean => isCode(f.path) || (!f.path.includes('!/') && isNodeScript(f.text));

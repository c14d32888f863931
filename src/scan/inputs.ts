// Turning what the user named (an npm spec, a tarball, a directory, a file) into source files.
import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import type { PackageInfo, ScanInput, SourceFile } from './types.ts';
import { readTarball } from './tarball.ts';
import { fetchPackage, looksLikeSpec } from './registry.ts';

const CODE = /\.(m|c)?(j|t)sx?$/;
const SKIP_DIRS = new Set(['node_modules', '.git']);
const MAX_FILE = 64 * 1024 * 1024;

export interface ResolveOptions { env: NodeJS.ProcessEnv; cacheDir: string }

export const isCode = (path: string): boolean => CODE.test(path) && !/\.d\.[cm]?ts$/.test(path) && !path.endsWith('.map');

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
  const files = await readTarball(data, (path) => {
    const keep = path === 'package.json' || path === 'binding.gyp' || isCode(path) || path.startsWith('bin/');
    if (!keep) skipped++;
    return keep;
  });
  return withManifest(label, files, skipped);
}

async function fromDirectory(dir: string): Promise<ScanInput> {
  const files: SourceFile[] = [];
  let skipped = 0;
  const visit = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const full = join(d, e.name);
      if (e.isDirectory()) { if (!SKIP_DIRS.has(e.name)) await visit(full); continue; }
      if (!e.isFile()) continue;
      const rel = relative(dir, full).split(sep).join('/');
      if (rel === 'package.json' || rel === 'binding.gyp' || isCode(rel)) {
        const s = await stat(full);
        if (s.size > MAX_FILE) { skipped++; continue; }
        files.push({ path: rel, text: await readFile(full, 'utf8') });
      } else skipped++;
    }
  };
  await visit(dir);
  files.sort((a, b) => a.path.localeCompare(b.path));
  return withManifest(dir, files, skipped);
}

function withManifest(label: string, all: SourceFile[], skipped: number): ScanInput {
  const pkg: PackageInfo = {};
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

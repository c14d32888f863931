// Test helpers: analyse a snippet in-process, and write fixture packages into a temp dir.
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { create } from 'tar';
import { analyzeText } from '../../src/scan/analyze.ts';
import type { ScanFinding } from '../../src/scan/types.ts';

export function scanCode(code: string, file = 'index.js'): ScanFinding[] {
  const r = analyzeText({ file, offset: 0, line: 1, column: 1 }, code);
  if (r.parseErrors > 0) throw new Error(`fixture does not parse: ${r.firstError}`);
  return r.findings;
}

export const only = (fs: ScanFinding[], rule: string): ScanFinding[] => fs.filter((f) => f.rule === rule);

export const b64 = (s: string): string => Buffer.from(s).toString('base64');
export const xorHex = (s: string, k: number): string => Buffer.from([...Buffer.from(s)].map((c) => c ^ k)).toString('hex');
export const reversed = (s: string): string => [...s].reverse().join('');

/** Write a package (path -> content) into a fresh temp dir; returns the dir. */
export function writePackage(files: Record<string, string>, prefix = 'airlock-scan-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), text);
  }
  return dir;
}

/** Write files (path -> content) under `package/` and pack them as npm does; returns the .tgz path. */
export async function writeTarball(files: Record<string, string | Buffer>): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-scan-tgz-'));
  for (const [p, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, 'package', p)), { recursive: true });
    writeFileSync(join(dir, 'package', p), content);
  }
  const file = join(dir, 'package.tgz');
  await create({ gzip: true, file, cwd: dir }, ['package']);
  return file;
}

/** A copy of a .tgz whose tar stream is cut where `at` says (the gzip stream around it stays valid). */
export function cutTarball(tgz: string, at: (tar: Buffer) => number): string {
  const tar = gunzipSync(readFileSync(tgz));
  const file = tgz.replace(/\.tgz$/, '-cut.tgz');
  writeFileSync(file, gzipSync(tar.subarray(0, at(tar))));
  return file;
}

/** Where the data of a tar entry begins (its 512-byte header holds the path first). */
export const entryData = (tar: Buffer, path: string): number => tar.indexOf(`package/${path}\u0000`) + 512;

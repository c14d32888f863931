// Test helpers: analyse a snippet in-process, and write fixture packages into a temp dir.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
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

// Fetches a published npm package as a tarball (never installed, no install script run) and
// unpacks it under .tmp/packages, once; later runs reuse it.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

export function ensurePackage(spec: string): string {
  const dir = resolve('.tmp/packages', spec.replace(/[/@]/g, '_'));
  const pkg = join(dir, 'package');
  if (existsSync(join(pkg, 'package.json'))) return pkg;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  execFileSync('npm', ['pack', spec, '--pack-destination', dir, '--silent'], { stdio: ['ignore', 'pipe', 'inherit'], timeout: 300_000 });
  const tgz = readdirSync(dir).find((f) => f.endsWith('.tgz'));
  if (tgz === undefined) throw new Error(`npm pack ${spec} produced no tarball`);
  const tmp = join(dir, 'x');
  mkdirSync(tmp);
  execFileSync('tar', ['xzf', join(dir, tgz), '-C', tmp]);
  renameSync(join(tmp, 'package'), pkg);
  rmSync(tmp, { recursive: true, force: true });
  rmSync(join(dir, tgz));
  return pkg;
}

// Fetching a package from the npm registry as a tarball: resolve the spec against the packument,
// download dist.tarball, check dist.integrity, cache by name@version. Nothing is installed and no
// script runs. Proxy variables are honoured (undici's EnvHttpProxyAgent), as in corporate networks.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EnvHttpProxyAgent, fetch as ufetch } from 'undici';

export interface FetchedPackage { name: string; version: string; tarball: Buffer; fromCache: boolean }

export class RegistryError extends Error {}

/** `@scope/name@range`, `name@tag`, `name`. */
export function parseSpec(spec: string): { name: string; range: string } {
  const at = spec.startsWith('@') ? spec.indexOf('@', 1) : spec.indexOf('@');
  if (at <= 0) return { name: spec, range: 'latest' };
  return { name: spec.slice(0, at), range: spec.slice(at + 1) || 'latest' };
}

export const looksLikeSpec = (s: string): boolean => /^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*(@[\w.^~<>=| -]+)?$/i.test(s);

let agent: EnvHttpProxyAgent | null = null;
async function get(url: string, accept: string): Promise<Buffer> {
  agent ??= new EnvHttpProxyAgent();
  const res = await ufetch(url, { headers: { accept }, dispatcher: agent });
  if (!res.ok) throw new RegistryError(`GET ${url}: HTTP ${res.status}`);
  return Buffer.from(await res.arrayBuffer());
}

export async function fetchPackage(spec: string, env: NodeJS.ProcessEnv, cacheDir: string): Promise<FetchedPackage> {
  const { name, range } = parseSpec(spec);
  const registry = (env.npm_config_registry || env.NPM_CONFIG_REGISTRY || 'https://registry.npmjs.org/').replace(/\/?$/, '/');
  if (/^\d+\.\d+\.\d+(-[\w.-]+)?$/.test(range)) {
    const cached = await readCache(cacheDir, name, range);
    if (cached) return { name, version: range, tarball: cached, fromCache: true };
  }
  const doc = JSON.parse((await get(registry + name.replace('/', '%2f'), 'application/vnd.npm.install-v1+json')).toString('utf8')) as {
    'dist-tags'?: Record<string, string>;
    versions?: Record<string, { dist?: { tarball?: string; integrity?: string; shasum?: string } }>;
  };
  const version = doc['dist-tags']?.[range] ?? (doc.versions?.[range] ? range : maxSatisfying(Object.keys(doc.versions ?? {}), range));
  const dist = version ? doc.versions?.[version]?.dist : undefined;
  if (!version || !dist?.tarball) throw new RegistryError(`no version of ${name} matches "${range}"`);
  const cached = await readCache(cacheDir, name, version);
  if (cached) return { name, version, tarball: cached, fromCache: true };
  const tarball = await get(dist.tarball, 'application/octet-stream');
  verify(tarball, dist.integrity, dist.shasum, `${name}@${version}`);
  await writeCache(cacheDir, name, version, tarball);
  return { name, version, tarball, fromCache: false };
}

function verify(data: Buffer, integrity: string | undefined, shasum: string | undefined, what: string): void {
  const sri = integrity?.split(/\s+/).find((x) => x.startsWith('sha512-'));
  if (sri) {
    if (createHash('sha512').update(data).digest('base64') !== sri.slice(7)) throw new RegistryError(`integrity mismatch for ${what}`);
  } else if (shasum && createHash('sha1').update(data).digest('hex') !== shasum) throw new RegistryError(`shasum mismatch for ${what}`);
}

const cachePath = (dir: string, name: string, version: string): string => join(dir, `${name.replace('/', '+')}@${version}.tgz`);

async function readCache(dir: string, name: string, version: string): Promise<Buffer | null> {
  try { return await readFile(cachePath(dir, name, version)); } catch { return null; }
}

async function writeCache(dir: string, name: string, version: string, data: Buffer): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
    const p = cachePath(dir, name, version);
    await writeFile(p + '.part', data);
    await rename(p + '.part', p);
  } catch { /* the cache is an optimisation */ }
}

/** Enough of semver ranges for specs people type: exact, ^, ~, x-ranges, >=. */
export function maxSatisfying(versions: string[], range: string): string | undefined {
  const parse = (v: string): number[] | null => {
    const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(v);
    return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : null;
  };
  const cmp = (a: number[], b: number[]): number => (a[0]! - b[0]!) || (a[1]! - b[1]!) || (a[2]! - b[2]!);
  const r = range.trim();
  const ok = (v: number[]): boolean => {
    if (r === '*' || r === 'x' || r === '') return true;
    const m = /^([\^~]|>=)?\s*(\d+)(?:\.(\d+|x|\*))?(?:\.(\d+|x|\*))?$/.exec(r);
    if (!m) return false;
    const base = [Number(m[2]), m[3] && /\d/.test(m[3]) ? Number(m[3]) : 0, m[4] && /\d/.test(m[4]) ? Number(m[4]) : 0];
    if (m[1] === '>=') return cmp(v, base) >= 0;
    if (cmp(v, base) < 0) return false;
    if (m[1] === '^') return base[0]! > 0 ? v[0] === base[0] : v[0] === 0 && v[1] === base[1];
    if (m[1] === '~' || (m[3] && m[4] === undefined) || m[4] === 'x' || m[4] === '*') return v[0] === base[0] && v[1] === base[1];
    if (m[3] === undefined || m[3] === 'x' || m[3] === '*') return v[0] === base[0];
    return cmp(v, base) === 0;
  };
  let best: number[] | null = null;
  let bestS: string | undefined;
  for (const s of versions) {
    const v = parse(s);
    if (v && ok(v) && (!best || cmp(v, best) > 0)) { best = v; bestS = s; }
  }
  return bestS;
}

// What the scan did not read although it is the tool's code: files over the size limit and
// platform packages that hold what a launcher starts. Reported as findings of their own (category
// coverage) so that no report reads as clean where nothing was looked at (docs/scan.md, Coverage).
import { hash } from './analysis.ts';
import { MAX_FILE } from './tarball.ts';
import { mb } from './progress.ts';
import type { ScanFinding, ScanInput, Severity } from './types.ts';

/** Less code than this beside platform packages of the same tool: a launcher, the tool is in them. */
const LAUNCHER_BYTES = 512 * 1024;
const OS = new Set(['linux', 'linuxmusl', 'musl', 'darwin', 'macos', 'osx', 'mac', 'win32', 'windows', 'win', 'freebsd', 'openbsd', 'netbsd', 'sunos', 'android', 'aix']);
const ARCH = new Set(['x64', 'x86', 'amd64', 'arm64', 'aarch64', 'ia32', 'arm', 'armv7', 'armv6', 'ppc64', 'ppc64le', 's390x', 'riscv64', 'loong64', 'universal']);

/**
 * What the scan did not read although it is the tool's code, as findings of their own (category
 * coverage) so that every report shows them and `--fail-on high` fails on them: code over the size
 * limit, and platform packages (`@openai/codex-linux-x64`, `@esbuild/darwin-arm64`) that hold what a
 * launcher starts. High when the package's own code is a launcher: nothing of the tool was read.
 *
 * As for code findings, the fingerprint holds nothing of the target (its label, a temp directory):
 * the kind of gap and its package-relative file are the shape, and what was not read (the file's
 * size, the platform packages' versions) the value, so --diff finds the same gap in the next
 * version as the same finding, or as changed. It never drops one: diff.ts carries B's gaps over.
 */
export function coverageFindings(input: ScanInput, codeBytes: number): ScanFinding[] {
  const out: ScanFinding[] = [];
  const finding = (rule: string, severity: Severity, file: string, message: string, excerpt: string, value: string, data: Record<string, unknown>): void => {
    const shape = `${rule}\u0000${file}`;
    out.push({ rule, severity, category: 'coverage', message, file, line: 1, column: 1, offset: 0, excerpt, data, fingerprint: hash(`${shape}\u0000${value}`), shape: hash(shape) });
  };
  for (const u of input.unread ?? []) {
    finding('coverage-unread-code', 'high', u.path,
      `Not analysed: ${mb(u.bytes)} of code, over the ${mb(MAX_FILE)} a file this scan reads. Code nobody has read cannot be called clean: review it another way.`,
      `${u.path} (${u.bytes} bytes)`, String(u.bytes), { bytes: u.bytes, limit: MAX_FILE });
  }
  const platforms = platformPackages(input.pkg.name, input.pkg.manifest);
  if (platforms.length > 0) {
    const launcher = codeBytes <= LAUNCHER_BYTES;
    const names = platforms.map((p) => p.name);
    const specs = platforms.map((p) => p.spec);
    const host = platforms.find((p) => p.tokens.includes(process.platform) && p.tokens.includes(process.arch)) ?? platforms[0]!;
    const message = launcher
      ? `The tool's code is not in this package: its ${Math.ceil(codeBytes / 1024)} KB of code launch platform packages this scan did not read (${names.join(', ')}). Scan the one of each platform you allow, e.g. airlock scan ${host.spec}`
      : `Part of the tool ships in platform packages this scan did not read (${names.join(', ')}). Scan them too, e.g. airlock scan ${host.spec}`;
    // `values`: what --diff names as added and removed when the versions of the packages change.
    finding('coverage-platform-packages', launcher ? 'high' : 'medium', input.pkg.manifestPath ?? 'package.json', message,
      platforms.map((p) => `"${p.name}": "${p.range}"`).join(', '), specs.join('\u0001'),
      { packages: platforms.map((p) => ({ name: p.name, spec: p.spec })), launcherBytes: codeBytes, scan: host.spec, values: specs });
  }
  return out;
}

const NPM_NAME = /^(?:@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*$/i;
const VERSION = /^\d+\.\d+\.\d+[\w.+-]*$/;
const ALIAS = /^(?:@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*@\d+\.\d+\.\d+[\w.+-]*$/i;

interface Platform { name: string; range: string; spec: string; tokens: string[] }

/** Dependencies named as builds of this package for one OS and CPU: `<name>-<os>-<arch>`, `@<name>/<os>-<arch>`, `@scope/<name>-<os>-<arch>`. */
export function platformPackages(own: string | undefined, manifest: Record<string, unknown> | undefined): Platform[] {
  if (own === undefined || manifest === undefined) return [];
  const split = (n: string): { scope: string | null; bare: string } => {
    const m = /^@([^/]+)\/(.+)$/.exec(n);
    return m ? { scope: m[1]!, bare: m[2]! } : { scope: null, bare: n };
  };
  const me = split(own);
  const out: Platform[] = [];
  const seen = new Set<string>();
  for (const field of ['optionalDependencies', 'dependencies']) {
    const deps = manifest[field];
    if (deps === null || typeof deps !== 'object') continue;
    for (const [name, range] of Object.entries(deps as Record<string, unknown>)) {
      // Only names npm could install: they end up in the report and the command it suggests.
      if (typeof range !== 'string' || seen.has(name) || !NPM_NAME.test(name)) continue;
      const dep = split(name);
      const tokens = dep.bare.toLowerCase().split(/[-_.]/);
      const at = tokens.findIndex((t) => OS.has(t) || ARCH.has(t));
      if (at < 0 || !tokens.some((t) => OS.has(t)) || !tokens.some((t) => ARCH.has(t))) continue;
      const stem = tokens.slice(0, at).join('-');
      const same = (me.scope !== null && dep.scope === me.scope) || dep.scope === me.bare
        || (stem !== '' && (me.bare === stem || me.bare.startsWith(`${stem}-`)));
      if (!same) continue;
      seen.add(name);
      // `npm:<name>@<version>` aliases (Codex's) name the package to fetch; a range is not shell-safe.
      const alias = range.startsWith('npm:') ? range.slice(4) : '';
      const spec = ALIAS.test(alias) ? alias : VERSION.test(range) ? `${name}@${range}` : name;
      out.push({ name, range, spec, tokens });
    }
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

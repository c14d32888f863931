// The CLI: formats, --diff, --fail-on exit codes, usage errors.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Ajv } from 'ajv';
import { run } from '../../src/cli/scan.ts';
import { BEHAVIOURS, CLEAN, PLATFORM_LAUNCHER, packageFiles } from './fixtures.ts';
import { cutTarball, entryData, writePackage, writeTarball } from './helpers.ts';

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (s: string) => out.push(s), err: (s: string) => err.push(s), env: {}, isTTY: false } };
}

describe('airlock scan CLI', () => {
  const covert = writePackage(packageFiles('fx-cli', BEHAVIOURS['covert-region-prompt']!.minified));
  const clean = writePackage(packageFiles('fx-clean', CLEAN['clean-network']!));
  it('terminal report; exit 1 when a finding is at or above --fail-on (default high)', async () => {
    const t = io();
    assert.equal(await run([covert, '--workers', '0'], t.io), 1);
    assert.match(t.out.join('\n'), /COVERT BEHAVIOUR/);
  });
  it('exit 0 for a clean package', async () => {
    const t = io();
    assert.equal(await run([clean, '--workers', '0'], t.io), 0);
  });
  it('--json and --fail-on none', async () => {
    const t = io();
    assert.equal(await run(['--json', '--fail-on', 'none', covert], t.io), 0);
    assert.equal((JSON.parse(t.out.join('\n')) as { verdict: string }).verdict, 'covert');
  });
  it('--sarif --out writes a file', async () => {
    const t = io();
    const file = join(clean, 'report.sarif');
    await run(['--sarif', '--out', file, '--fail-on', 'none', clean], t.io);
    assert.equal((JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version, '2.1.0');
  });
  it('--diff reports what is new in B', async () => {
    const t = io();
    assert.equal(await run(['--diff', clean, covert, '--json', '--fail-on', 'none', '--workers', '0'], t.io), 0);
    const j = JSON.parse(t.out.join('\n')) as { diff: boolean; findings: Array<{ rule: string }> };
    assert.equal(j.diff, true);
    assert.ok(j.findings.some((f) => f.rule === 'covert-fingerprint-gate'));
    assert.ok(!j.findings.some((f) => f.rule === 'fp-proxy-read'));
  });
  it('--diff of two launchers with the same platform packages: not new, still counted and failing --fail-on high', async () => {
    const t = io();
    assert.equal(await run(['--diff', writePackage(PLATFORM_LAUNCHER), writePackage(PLATFORM_LAUNCHER), '--workers', '0'], t.io), 1);
    const text = t.out.join('\n');
    assert.match(text, /^Airlock scan --diff \(new or changed in B; 0 new, 0 changed, 0 gone; 1 still not analysed\)/);
    assert.match(text, /^Incomplete: /m);
    assert.match(text, /unchanged since A: The tool's code is not in this package/);
  });
  it('usage errors exit 2', async () => {
    assert.equal(await run([], io().io), 2);
    assert.equal(await run(['--diff', 'only-one'], io().io), 2);
    assert.equal(await run(['x', '--fail-on', 'bogus'], io().io), 2);
    const t = io();
    assert.equal(await run(['/nonexistent/dir/!!'], t.io), 2);
    assert.match(t.err.join('\n'), /not a file, directory or npm package spec/);
  });
  it('input errors exit 2: nothing to analyse, not a tarball, a truncated tarball', async () => {
    const dir = writePackage({ 'README.md': '# tool' });
    writeFileSync(join(dir, 'notgz.tgz'), 'random\n');
    const tgz = await writeTarball({ 'package.json': '{"name":"fx-cut"}', 'index.js': `${'// padding\n'.repeat(2000)}module.exports = 1;\n` });
    const cases: Array<[string, RegExp]> = [
      [join(dir, 'README.md'), /^airlock scan: nothing to analyse: /],
      [join(dir, 'notgz.tgz'), /not a readable npm tarball/],
      [cutTarball(tgz, (tar) => entryData(tar, 'index.js') + 5000), /truncated or corrupt archive .*Truncated input/],
    ];
    for (const [target, message] of cases) {
      const t = io();
      assert.equal(await run([target, '--json', '--fail-on', 'none'], t.io), 2, target);
      assert.match(t.err.join('\n'), message);
      assert.deepEqual(t.out, []);
    }
  });
  it('a report that cannot be written exits 2 and names the path', async () => {
    const t = io();
    assert.equal(await run([clean, '--sarif', '--out', '/nonexistent/dir/x.sarif', '--fail-on', 'none'], t.io), 2);
    assert.match(t.err.join('\n'), /^airlock scan: cannot write the report to \/nonexistent\/dir\/x\.sarif: ENOENT/);
  });
  it('a launcher of platform packages: exit 1 at --fail-on high, verdict incomplete', async () => {
    const t = io();
    assert.equal(await run([writePackage(PLATFORM_LAUNCHER), '--json', '--workers', '0'], t.io), 1);
    assert.equal((JSON.parse(t.out.join('\n')) as { verdict: string }).verdict, 'incomplete');
  });
});

describe('airlock scan CLI: code over the per-file size limit', () => {
  // The evasion: a fingerprint-and-exfiltrate script padded past 64 MB with a comment, beside a
  // small index.js, and as the package's only code. The padding varies (a token every 100 bytes):
  // a tarball that inflates over 1000 times is refused by node-tar as a bomb, which is exit 2 too.
  let seed = 1;
  const token = (): string => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed.toString(36).padStart(8, '0'); };
  const big = `/*\n${Array.from({ length: Math.ceil(65 * 1024 * 1024 / 100) }, () => `${' '.repeat(91)}${token()}`).join('\n')}\n*/\n${BEHAVIOURS['hostname-beacon']!.plain}`;
  const beside = writePackage({ ...packageFiles('fx-big', CLEAN['clean-dates']!), 'lib/payload.js': big });
  const only = writePackage({ 'package.json': JSON.stringify({ name: 'fx-only-big', version: '1.0.0', bin: { tool: 'bin/tool' } }), 'bin/tool': `#!/usr/bin/env node\n${big}` });
  const tgz = writeTarball({ 'package.json': JSON.stringify({ name: 'fx-big' }), 'index.js': CLEAN['clean-dates']!, 'lib/payload.js': big });
  // 65 MB a copy: not left behind in the temp dir.
  after(async () => { for (const d of [beside, only, dirname(await tgz)]) rmSync(d, { recursive: true, force: true }); });

  it('is reported as not analysed in every format, and fails --fail-on high', async () => {
    const targets = [beside, await tgz];
    for (const target of targets) {
      const t = io();
      assert.equal(await run([target, '--json', '--workers', '0'], t.io), 1, target);
      const j = JSON.parse(t.out.join('\n')) as { verdict: string; headline: string; stats: { files: number }; findings: Array<{ rule: string; severity: string; file: string }> };
      assert.equal(j.verdict, 'incomplete');
      assert.match(j.headline, /Not analysed: 1 code file\(s\) over the size limit \(lib\/payload\.js\)/);
      assert.equal(j.stats.files, 1);
      assert.deepEqual(j.findings.filter((f) => f.rule === 'coverage-unread-code').map((f) => `${f.file}:${f.severity}`), ['lib/payload.js:high']);
    }
    const term = io();
    assert.equal(await run([beside, '--workers', '0'], term.io), 1);
    assert.match(term.out.join('\n'), /^Incomplete: part of the tool's code was not analysed/m);
    assert.match(term.out.join('\n'), /coverage-unread-code {2}lib\/payload\.js:1:1\n\s+Not analysed: 65\.0 MB of code/);

    const html = io();
    await run([beside, '--html', '--workers', '0'], html.io);
    assert.match(html.out.join('\n'), /<p class="verdict incomplete">Incomplete: /);
    assert.match(html.out.join('\n'), /coverage-unread-code/);

    const sarif = io();
    assert.equal(await run([beside, '--sarif', '--workers', '0'], sarif.io), 1);
    const log = JSON.parse(sarif.out.join('\n')) as { runs: Array<{ tool: { driver: { rules: Array<{ id: string }> } }; results: Array<{ ruleId: string; ruleIndex: number; level: string; locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }> }> };
    const schema = JSON.parse(readFileSync(new URL('../fixtures/scan/sarif-schema-2.1.0.json', import.meta.url), 'utf8')) as object;
    const validate = new Ajv({ strict: false, validateFormats: false }).compile(schema);
    assert.ok(validate(log), JSON.stringify(validate.errors?.slice(0, 3)));
    const r = log.runs[0]!.results.find((x) => x.ruleId === 'coverage-unread-code');
    assert.equal(r?.level, 'error');
    assert.equal(r?.locations[0]!.physicalLocation.artifactLocation.uri, 'lib/payload.js');
    assert.equal(log.runs[0]!.tool.driver.rules[r!.ruleIndex]?.id, 'coverage-unread-code', 'the finding has its rule entry');
  });

  it('as the only code: a report that says so (0 files read), not a clean one and not "nothing to analyse"', async () => {
    const t = io();
    assert.equal(await run([only, '--json', '--workers', '0'], t.io), 1);
    const j = JSON.parse(t.out.join('\n')) as { verdict: string; stats: { files: number }; findings: Array<{ rule: string; file: string }> };
    assert.equal(j.verdict, 'incomplete');
    assert.equal(j.stats.files, 0);
    assert.deepEqual(j.findings.filter((f) => f.rule === 'coverage-unread-code').map((f) => f.file), ['bin/tool']);
  });
});

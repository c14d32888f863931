// The CLI: formats, --diff, --fail-on exit codes, usage errors.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../../src/cli/scan.ts';
import { BEHAVIOURS, CLEAN, packageFiles } from './fixtures.ts';
import { writePackage } from './helpers.ts';

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
  it('usage errors exit 2', async () => {
    assert.equal(await run([], io().io), 2);
    assert.equal(await run(['--diff', 'only-one'], io().io), 2);
    assert.equal(await run(['x', '--fail-on', 'bogus'], io().io), 2);
    const t = io();
    assert.equal(await run(['/nonexistent/dir/!!'], t.io), 2);
    assert.match(t.err.join('\n'), /not a file, directory or npm package spec/);
  });
});

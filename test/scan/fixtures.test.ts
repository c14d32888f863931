// Fixture packages: each behaviour in plain, minified and obfuscated form gives exactly the expected
// findings (info aside); clean packages using the same APIs give nothing above low.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { create } from 'tar';
import { scan } from '../../src/scan/scan.ts';
import { BEHAVIOURS, CLEAN, packageFiles } from './fixtures.ts';
import { writePackage } from './helpers.ts';

const COVERT = ['covert-fingerprint-gate:critical', 'flow-fingerprint-selects-chars:critical', 'flow-fingerprint-to-prompt:high', 'fp-compare-constant:high', 'hidden-encoded-list:high'];
const BEACON = ['flow-fingerprint-to-network:high', 'fp-host-identity:low', 'fp-host-identity:low'];
const EXPECTED: Record<string, Record<string, string[]>> = {
  'covert-region-prompt': {
    plain: COVERT,
    minified: COVERT,
    obfuscated: [...COVERT, 'obf-mangled-identifiers:medium'].sort(),
  },
  'hostname-beacon': {
    plain: [...BEACON, 'telemetry-endpoint:low'].sort(),
    minified: [...BEACON, 'telemetry-endpoint:low'].sort(),
    // The endpoint is base64-encoded: reported as a hidden string instead of a telemetry URL.
    obfuscated: [...BEACON, 'hidden-encoded-string:medium', 'obf-mangled-identifiers:medium'].sort(),
  },
};

const notInfo = (fs: Array<{ rule: string; severity: string }>): string[] => fs.filter((f) => f.severity !== 'info').map((f) => `${f.rule}:${f.severity}`).sort();

describe('fixture packages', () => {
  for (const [name, forms] of Object.entries(BEHAVIOURS)) {
    for (const [form, code] of Object.entries(forms)) {
      it(`${name} (${form}): exact findings`, async () => {
        const dir = writePackage(packageFiles(`fx-${name}`, code));
        const r = await scan(dir, { workers: 0 });
        assert.equal(r.stats.parseErrors, 0);
        assert.equal(r.pkg.name, `fx-${name}`);
        assert.deepEqual(notInfo(r.findings), EXPECTED[name]![form]);
      });
    }
  }

  it('covert-region-prompt: the decoded list and the covert combination rank first', async () => {
    const r = await scan(writePackage(packageFiles('fx', BEHAVIOURS['covert-region-prompt']!.obfuscated)), { workers: 0 });
    assert.equal(r.findings[0]!.rule, 'covert-fingerprint-gate');
    assert.deepEqual(r.findings[0]!.decoded, ['Asia/Shanghai', 'Asia/Urumqi', 'Asia/Hong_Kong']);
  });

  for (const [name, code] of Object.entries(CLEAN)) {
    it(`${name}: same APIs, used innocently, nothing above low`, async () => {
      const r = await scan(writePackage(packageFiles(name, code)), { workers: 0 });
      assert.deepEqual(r.findings.filter((f) => f.severity !== 'info' && f.severity !== 'low'), []);
    });
  }
  it('clean-network: exact routine findings', async () => {
    const r = await scan(writePackage(packageFiles('clean-network', CLEAN['clean-network']!)), { workers: 0 });
    assert.deepEqual(r.findings.map((f) => `${f.rule}:${f.severity}`).sort(), [
      'fp-base-url-read:info', 'fp-host-identity:low', 'fp-proxy-read:info', 'fp-proxy-read:info', 'net-endpoint:info',
    ]);
  });

  it('reads a tarball in memory (npm pack layout)', async () => {
    const dir = writePackage({ 'package/package.json': JSON.stringify({ name: 'fx-tgz', version: '2.0.0', scripts: { postinstall: 'node x.js' } }), 'package/lib/index.js': BEHAVIOURS['hostname-beacon']!.plain });
    const tgz = join(dir, 'fx.tgz');
    await create({ gzip: true, file: tgz, cwd: dir }, ['package']);
    const r = await scan(tgz, { workers: 0 });
    assert.equal(r.pkg.version, '2.0.0');
    assert.ok(r.findings.some((f) => f.rule === 'flow-fingerprint-to-network' && f.file === 'lib/index.js'));
    assert.ok(r.findings.some((f) => f.rule === 'pkg-install-script'));
  });
});

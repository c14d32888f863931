// Integration: a real published AI CLI from the npm registry, fetched as a tarball (cached under
// .tmp/scan-cache), never installed. Asserts the scan completes and lists the telemetry endpoint
// and the settings that switch telemetry off. Set AIRLOCK_OFFLINE=1 to skip without network.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { scan } from '../../src/scan/scan.ts';
import { summarize } from '../../src/scan/rank.ts';
import { maxSatisfying, parseSpec } from '../../src/scan/registry.ts';

const SPEC = '@google/gemini-cli@0.61.0';

describe('registry', () => {
  it('parses specs and ranges', () => {
    assert.deepEqual(parseSpec('@qwen-code/qwen-code@0.24.4'), { name: '@qwen-code/qwen-code', range: '0.24.4' });
    assert.deepEqual(parseSpec('left-pad'), { name: 'left-pad', range: 'latest' });
    assert.equal(maxSatisfying(['1.2.3', '1.4.0', '2.0.0'], '^1.2.0'), '1.4.0');
    assert.equal(maxSatisfying(['0.24.1', '0.24.4', '0.25.0'], '~0.24.1'), '0.24.4');
  });

  it(`scans ${SPEC} from the registry: telemetry endpoint and off-switches`, { skip: process.env.AIRLOCK_OFFLINE ? 'AIRLOCK_OFFLINE set' : false, timeout: 15 * 60_000 }, async () => {
    const r = await scan(SPEC, { cacheDir: resolve('.tmp/scan-cache') });
    assert.equal(r.pkg.name, '@google/gemini-cli');
    assert.equal(r.pkg.version, '0.61.0');
    assert.ok(r.stats.files > 10 && r.stats.bytes > 10_000_000);
    const s = summarize(r);
    // Gemini CLI's usage statistics go to Google's Clearcut logging endpoint ...
    assert.ok(s.telemetry.endpoints.some((e) => e.url.startsWith('https://play.googleapis.com/log')), JSON.stringify(s.telemetry.endpoints.slice(0, 20)));
    // ... and are switched off with the usageStatisticsEnabled setting or the telemetry variables.
    const switches = s.telemetry.switches.map((x) => x.name);
    assert.ok(switches.includes('usageStatisticsEnabled'), switches.join(','));
    assert.ok(switches.some((x) => x.startsWith('GEMINI_TELEMETRY')), switches.join(','));
    assert.ok(s.telemetry.events.some((e) => e.count >= 10));
  });
});

// Integration: real published AI CLIs from the npm registry, fetched as tarballs (cached under
// .tmp/scan-cache), never installed. Asserts the scan completes and lists the telemetry endpoints
// and the settings that switch telemetry off; for OpenCode, a Bun-compiled binary, that its
// embedded JavaScript is extracted and scanned. Set AIRLOCK_OFFLINE=1 to skip without network.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { scan } from '../../src/scan/scan.ts';
import { summarize } from '../../src/scan/rank.ts';
import { maxSatisfying, parseSpec } from '../../src/scan/registry.ts';

const SPEC = '@google/gemini-cli@0.61.0';
const OPENCODE = 'opencode-linux-x64@1.18.33';
const QWEN = '@qwen-code/qwen-code@0.24.4';
const offline = process.env.AIRLOCK_OFFLINE ? 'AIRLOCK_OFFLINE set' : false;

describe('registry', () => {
  it('parses specs and ranges', () => {
    assert.deepEqual(parseSpec('@qwen-code/qwen-code@0.24.4'), { name: '@qwen-code/qwen-code', range: '0.24.4' });
    assert.deepEqual(parseSpec('left-pad'), { name: 'left-pad', range: 'latest' });
    assert.equal(maxSatisfying(['1.2.3', '1.4.0', '2.0.0'], '^1.2.0'), '1.4.0');
    assert.equal(maxSatisfying(['0.24.1', '0.24.4', '0.25.0'], '~0.24.1'), '0.24.4');
  });

  it(`scans ${SPEC} from the registry: telemetry endpoint and off-switches`, { skip: offline, timeout: 15 * 60_000 }, async () => {
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

  it(`scans ${OPENCODE}, one Bun-compiled ELF: the JavaScript inside it, its endpoints and off-switch`, { skip: offline, timeout: 15 * 60_000 }, async () => {
    const r = await scan(OPENCODE, { cacheDir: resolve('.tmp/scan-cache') });
    assert.equal(r.pkg.name, 'opencode-linux-x64');
    assert.ok(r.stats.files > 1000 && r.stats.bytes > 50_000_000, JSON.stringify(r.stats));
    assert.equal(r.stats.parseErrors, 0);
    const compiled = r.findings.filter((f) => f.rule === 'pkg-compiled-js');
    assert.equal(compiled.length, 1);
    assert.equal(compiled[0]!.file, 'bin/opencode');
    assert.equal(compiled[0]!.data?.entry, 'src/index.js');
    assert.match(String(compiled[0]!.data?.execArgv), /--user-agent=opencode\/1\.18\.33/);
    // Its own service and the model catalogue, found in the extracted code.
    const hosts = new Set(r.findings.filter((f) => f.rule === 'net-endpoint' && f.file.startsWith('bin/opencode!/')).map((f) => f.data?.host));
    for (const h of ['api.opencode.ai', 'models.opencode.ai', 'api.anthropic.com']) assert.ok(hosts.has(h), h);
    assert.ok(summarize(r).telemetry.switches.some((x) => x.name === 'OTEL_SDK_DISABLED'));
    // The native libraries compiled in beside the code are what stays unread; the runtime is not listed.
    const unread = r.findings.find((f) => f.rule === 'pkg-native-executable');
    assert.equal(unread?.severity, 'medium');
    const paths = (unread?.data?.files as Array<{ path: string }>).map((x) => x.path);
    assert.ok(paths.some((x) => /^bin\/opencode!\/libopentui-[^/]+\.so$/.test(x)), paths.join(','));
    assert.ok(!paths.includes('bin/opencode'));
    assert.match(summarize(r).headline, /Not covered: 13 native binaries/);
  });

  it(`scans ${QWEN}: its event groups without the diagram builders of its web UI`, { skip: offline, timeout: 15 * 60_000 }, async () => {
    const r = await scan(QWEN, { cacheDir: resolve('.tmp/scan-cache') });
    const groups = r.findings.filter((f) => f.rule === 'telemetry-events').map((f) => `${String(f.data?.callee)}:${String(f.data?.count)}`).sort();
    // Mermaid's C4 parser builds its diagram with addContainer("container_db", ...o[p]) and the like
    // (web-shell/assets/c4Diagram-*.js): element types, not events.
    for (const builder of ['addContainer', 'addComponent', 'addRel', 'addPersonOrSystem']) assert.ok(!groups.some((g) => g.startsWith(`${builder}:`)), groups.join(', '));
    // Every other group stays, with all its names: the startup events among them.
    assert.deepEqual(groups, ['D:7', 'call:6', 'diagnostic:8', 'event:12', 'exec:5', 'recordStartupEvent:22', 'recordStartupEvent:3', 'report:7', 'request:5', 'sseEvent:5']);
  });
});

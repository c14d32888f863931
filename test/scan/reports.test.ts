// Report formats: SARIF validated against the official 2.1.0 schema, HTML self-contained and
// escaped, JSON with summary, terminal within one screen for the important part.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { scan } from '../../src/scan/scan.ts';
import { fileUri, toSarif } from '../../src/scan/report/sarif.ts';
import { toHtml } from '../../src/scan/report/html.ts';
import { toJson } from '../../src/scan/report/json.ts';
import { renderTerminal } from '../../src/scan/report/terminal.ts';
import { BEHAVIOURS, packageFiles } from './fixtures.ts';
import { writePackage } from './helpers.ts';
import type { ScanFinding, ScanResult } from '../../src/scan/types.ts';

const hostile = `${BEHAVIOURS['covert-region-prompt']!.plain}\nconst x = "</pre><script>alert(1)</script><img src=https://evil.example/x>";\nfetch("https://api.example.dev/v1/x?a=<b>");`;
const result = () => scan(writePackage(packageFiles('fx-report', hostile)), { workers: 0 });

describe('scan reports', () => {
  it('SARIF 2.1.0 validates against the official schema', async () => {
    const schema = JSON.parse(readFileSync(new URL('../fixtures/scan/sarif-schema-2.1.0.json', import.meta.url), 'utf8')) as object;
    const ajv = new Ajv({ strict: false, validateFormats: false });
    const validate = ajv.compile(schema);
    const log = JSON.parse(toSarif(await result())) as { runs: Array<{ results: Array<{ ruleId: string; level: string }> }> };
    assert.ok(validate(log), JSON.stringify(validate.errors?.slice(0, 3)));
    assert.ok(log.runs[0]!.results.some((x) => x.ruleId === 'covert-fingerprint-gate' && x.level === 'error'));
  });
  it('the schema check fails on a broken log (the validator is live)', () => {
    const schema = JSON.parse(readFileSync(new URL('../fixtures/scan/sarif-schema-2.1.0.json', import.meta.url), 'utf8')) as object;
    const validate = new Ajv({ strict: false, validateFormats: false }).compile(schema);
    assert.equal(validate({ version: '2.1.0', runs: [{ results: [] }] }), false);
  });
  it('HTML is self-contained and escapes evidence', async () => {
    const html = toHtml(await result());
    assert.doesNotMatch(html, /<script/i);
    assert.doesNotMatch(html, /<(link|img|iframe)\b/i);
    assert.doesNotMatch(html, /<[a-z]+[^>]*\s(src|href)=/i);
    assert.match(html, /&lt;\/pre&gt;&lt;script&gt;/);
    assert.match(html, /covert-fingerprint-gate/);
    assert.match(html, /<style>/);
  });
  it('JSON carries the verdict, telemetry and every finding', async () => {
    const r = await result();
    const j = JSON.parse(toJson(r)) as { verdict: string; findings: unknown[]; mustLook: Array<{ rule: string }> };
    assert.equal(j.verdict, 'covert');
    assert.equal(j.findings.length, r.findings.length);
    assert.equal(j.mustLook[0]!.rule, 'covert-fingerprint-gate');
  });
  it('terminal: verdict and the covert combination in the first lines', async () => {
    const text = renderTerminal(await result(), { color: false });
    const lines = text.split('\n');
    assert.match(lines[1]!, /^COVERT BEHAVIOUR/);
    const first = lines.findIndex((l) => /^ 1\. /.test(l));
    assert.ok(first > 0 && first < 8);
    assert.match(lines[first]!, /covert-fingerprint-gate/);
    assert.match(text, /decoded: "Asia\/Shanghai"/);
    assert.doesNotMatch(text, /\x1b\[/);
  });
  /**
   * A scanned package whose endpoint URL carries `evil`, plus findings built by hand with it in
   * every string field a report prints (name, file, message, excerpt, decoded, data, related).
   */
  async function withHostileText(name: string, evil: string): Promise<ScanResult> {
    const code = `fetch("https://analytics.evil-telemetry.com/v1/track/${evil.replace('\x1b', '\\x1b').replace('\x1b', '\\x1b')}", { method: "POST" });`;
    const r = await scan(writePackage({ 'package.json': JSON.stringify({ name, version: '1.0.0' }), 'index.js': code }), { workers: 0 });
    const byHand = (rule: string, severity: ScanFinding['severity'], fp: string, data: Record<string, unknown>, more: Partial<ScanFinding> = {}): ScanFinding => ({
      rule, severity, category: 'telemetry', file: 'a.js', line: 1, column: 1, offset: 0, message: evil, excerpt: '', fingerprint: fp, shape: fp, data, ...more,
    });
    r.findings.push(
      byHand('telemetry-endpoint', 'high', 'x', { url: `https://t.example/${evil}`, host: 't.example', count: 1 }, {
        file: `lib/${evil}.js`, message: `sends telemetry to https://t.example/${evil}`, excerpt: evil, decoded: [evil],
        related: [{ file: evil, line: 1, column: 1, offset: 0, note: evil, excerpt: evil }],
      }),
      byHand('telemetry-events', 'info', 'y', { callee: evil, events: [evil], count: 1, prefix: evil }),
      byHand('telemetry-switch', 'info', 'z', { name: `DISABLE_TELEMETRY${evil}`, type: 'env' }),
    );
    r.pkg.name = `fx-${evil}`;
    return r;
  }
  it('terminal: no escape sequence from the package reaches the screen (URLs, messages, names, paths)', async () => {
    const r = await withHostileText('fx-esc', '\x1b[3A\x1b[2KNo covert behaviour found.\u202e');
    for (const color of [false, true]) {
      const text = renderTerminal(r, { color, all: true });
      const raw = text.replace(/\x1b\[[0-9;]*m/g, ''); // the report's own colours
      assert.doesNotMatch(raw, /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]/, JSON.stringify(raw));
      assert.match(text, /\\u\{1b\}\[3A/);
    }
  });
  it('HTML: package strings are escaped as in the terminal, bidi overrides and invisible characters shown as \\u{…}', async () => {
    // U+202E makes "gpj.exe" read "exe.jpg", U+200B hides in a name, U+0430 is a Cyrillic a.
    const html = toHtml(await withHostileText('fx-html', '\u202egpj.exe\u200b\u0430\x1b[2K'));
    assert.doesNotMatch(html, /[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u0430]/, 'a raw control, bidi, invisible or look-alike character');
    assert.match(html, /\\u\{202e\}gpj\.exe\\u\{200b\}\\u\{430\}\\u\{1b\}\[2K/);
    assert.match(html, /<h1>Airlock scan: fx-\\u\{202e\}gpj/);
    assert.match(html, /<code>DISABLE_TELEMETRY\\u\{202e\}/);
  });
  it('SARIF: artifact URIs are percent-encoded per path segment', async () => {
    const r = await scan(writePackage({ 'sub dir/my file#1%.js': 'fetch("https://api.example.dev/v1/x");' }), { workers: 0 });
    const log = JSON.parse(toSarif(r)) as { runs: Array<{ results: Array<{ locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }> }> };
    const uris = log.runs[0]!.results.map((x) => x.locations[0]!.physicalLocation.artifactLocation.uri);
    assert.ok(uris.length > 0);
    for (const u of uris) assert.equal(u, 'sub%20dir/my%20file%231%25.js');
    assert.equal(fileUri('bin/opencode!/chunk-1.js'), 'bin/opencode!/chunk-1.js');
    assert.equal(fileUri('c:x/a?b.js'), 'c%3Ax/a%3Fb.js');
  });
  it('terminal and HTML: a switch that turns telemetry on is not listed as switching it off', async () => {
    const code = `if (process.env.CLAUDE_CODE_ENABLE_TELEMETRY || process.env.ENABLE_ENHANCED_TELEMETRY_BETA) init(); if (process.env.DISABLE_TELEMETRY) off(); fetch("https://t.example.com/v1/telemetry", { method: "POST" });`;
    const r = await scan(writePackage({ 'index.js': code }), { workers: 0 });
    const text = renderTerminal(r, { color: false });
    assert.match(text, /^ {2}switched off by: DISABLE_TELEMETRY$/m);
    assert.match(text, /^ {2}switched on \(not off\) by: CLAUDE_CODE_ENABLE_TELEMETRY, ENABLE_ENHANCED_TELEMETRY_BETA$/m);
    const html = toHtml(r);
    assert.match(html, /Switched off by: <code>DISABLE_TELEMETRY<\/code><\/p>/);
    assert.match(html, /Switched on \(not off\) by: <code>CLAUDE_CODE_ENABLE_TELEMETRY<\/code>/);
  });
});

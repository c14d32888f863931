// Report formats: SARIF validated against the official 2.1.0 schema, HTML self-contained and
// escaped, JSON with summary, terminal within one screen for the important part.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { scan } from '../../src/scan/scan.ts';
import { toSarif } from '../../src/scan/report/sarif.ts';
import { toHtml } from '../../src/scan/report/html.ts';
import { toJson } from '../../src/scan/report/json.ts';
import { renderTerminal } from '../../src/scan/report/terminal.ts';
import { BEHAVIOURS, packageFiles } from './fixtures.ts';
import { writePackage } from './helpers.ts';

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
});

// The active probe end to end on fake tools (real Node programs calling the API through the
// official SDKs): every hidden signal is found, attributed to the right persona dimension and
// classified; clean tools with heavy legitimate nondeterminism get a clean report.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { probe, type ProbeReport } from '../../src/probe/index.ts';
import { renderText } from '../../src/probe/report-text.ts';
import { FAKE_TOOLS, TEST_PERSONAS, fakeTools } from './helpers.ts';

const run = (file: string): Promise<ProbeReport> =>
  probe({ command: [process.execPath, file], personas: { only: TEST_PERSONAS }, runs: 2, concurrency: 6, timeoutMs: 60_000 });

describe('airlock probe on fake tools', () => {
  for (const tool of FAKE_TOOLS) {
    it(`${tool.name}: ${tool.signal ? `finds the ${tool.signal.cls} signal on ${tool.signal.dimension}` : 'clean report'}`, async () => {
      const r = await run(fakeTools().get(tool.name)!);
      assert.deepEqual(r.problems, [], renderText(r));
      assert.ok(r.runs.every((x) => x.exitCode === 0 && x.requests > 0), 'every run finished a one-shot prompt');
      assert.ok(r.noisyPlaces > 0, 'the tool\'s own nondeterminism was seen and discounted');
      if (tool.signal === null) {
        assert.equal(r.verdict, 'clean', renderText(r));
        assert.deepEqual(r.findings, []);
        assert.ok(r.differences.every((d) => d.severity === 'info'), 'only expected dynamic content remains');
        return;
      }
      assert.equal(r.verdict, 'findings');
      const real = r.differences.filter((d) => d.severity !== 'info');
      assert.ok(real.length > 0);
      assert.ok(real.every((d) => d.dimension === tool.signal!.dimension), renderText(r));
      assert.ok(real.some((d) => d.cls === tool.signal!.cls), renderText(r));
      const dim = r.dimensions.find((d) => d.dimension === tool.signal!.dimension)!;
      assert.equal(dim.highest, tool.signal.cls === 'format' ? 'medium' : 'high');
      assert.ok(r.dimensions.filter((d) => d.dimension !== tool.signal!.dimension).every((d) => d.findings === 0));
      assert.ok(r.findings.every((f) => f.detector === 'covert'));
    });
  }

  it('shows where and how: request, JSON path, line, code points', async () => {
    const r = await run(fakeTools().get('quote-by-host')!);
    const d = r.differences.find((x) => x.cls === 'confusable')!;
    assert.deepEqual({ request: d.request, field: d.field, line: d.line }, { request: 'POST /v1/messages #1', field: 'system[0].text', line: 1 });
    assert.match(d.detail, /U\+0027 .* → U\+2019 RIGHT SINGLE QUOTATION MARK/);
    assert.equal(d.variant.text.slice(d.variant.start, d.variant.end), '\u2019');
    const text = renderText(r);
    assert.match(text, /FINDINGS: the requests depend on host \(HIGH\)/);
    assert.match(text, /Claude\[\\u\{2019\}\]s/, 'the terminal shows the hidden code point');
  });
});

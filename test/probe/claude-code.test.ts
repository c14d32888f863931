// A real CLI under the probe: Claude Code 2.1.90 (a JavaScript bundle) runs headless under two
// personas, twice each, against the capture upstream; the probe completes and reports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { probe } from '../../src/probe/index.ts';
import { renderText } from '../../src/probe/report-text.ts';
import { renderHtml } from '../../src/probe/report-html.ts';

const CLI = resolve('node_modules/@anthropic-ai/claude-code/cli.js');

test('Claude Code 2.1.90 under the probe: 2 personas × 2 runs complete and produce a report', async () => {
  const r = await probe({
    command: [process.execPath, CLI, '-p', 'Say hi'],
    personas: { only: ['tz-shanghai', 'host-cn'] },
    runs: 2,
    concurrency: 6,
    timeoutMs: 90_000,
    set: { CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1' },
  });
  const text = renderText(r);
  assert.notEqual(r.verdict, 'failed', text);
  assert.ok(r.runs.length >= 6);
  assert.ok(r.runs.every((x) => x.exitCode === 0), text);
  assert.ok(r.requests.includes('POST /v1/messages #1'), text);
  assert.ok(r.comparedFields > 100, 'a real Claude Code request has many fields');
  assert.ok(r.noisyPlaces > 0, 'session ids and the like were discounted');
  // The host persona's base URL reached the capture server: the Host header echoes it (expected).
  assert.ok(r.differences.some((d) => d.dimension === 'host' && d.field === 'header host' && d.severity === 'info'), text);
  assert.match(text, /^airlock probe: /);
  assert.match(renderHtml(r), /Airlock probe report/);
});

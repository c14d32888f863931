// A real coding CLI, run headless through the gateway: Claude Code 2.1.90 (a JavaScript bundle).
// The mock provider first asks it to Read a .env file, so the second request carries a tool result.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startHarness, type Harness } from '../helpers/harness.ts';
import { runCli } from '../helpers/run-cli.ts';

const CLI = resolve('node_modules/@anthropic-ai/claude-code/cli.js');
let h: Harness;
let home: string;

before(async () => {
  home = mkdtempSync(join(tmpdir(), 'airlock-cc-'));
  writeFileSync(join(home, '.env'), 'AWS_ACCESS_KEY_ID=AKIAQ3EGRFZL7XKJ2M5T\nAWS_SECRET_ACCESS_KEY=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\n');
  h = await startHarness({
    mock: { reply: (_c, j) => (JSON.stringify(j).includes('tool_result') ? 'Done: the file holds AWS credentials.' : { tool: 'Read', input: { file_path: join(home, '.env') } }) },
  });
});
after(() => h.close());

test('Claude Code completes a one-shot prompt through the gateway; the audit trail names tool, version, user and usage', async () => {
  const r = await runCli(process.execPath, [CLI, '-p', 'What is in .env?'], {
    cwd: home,
    env: { PATH: process.env['PATH'], HOME: home, ANTHROPIC_BASE_URL: h.url, ANTHROPIC_API_KEY: h.key, CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1' },
  });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Done: the file holds AWS credentials\./);
  const recs = (await h.records()).filter((x) => x.route === 'POST /v1/messages');
  assert.ok(recs.length >= 2, 'a tool call round trip: at least two model calls');
  for (const rec of recs) {
    assert.equal(rec.tool, 'claude-cli');
    assert.equal(rec.toolVersion, '2.1.90');
    assert.equal(rec.user, 'alice');
    assert.equal(rec.team, 'payments');
    assert.equal(rec.outcome, 'ok');
    assert.ok((rec.inputTokens ?? 0) > 1000, 'usage read from the streamed response');
    assert.ok((rec.outputTokens ?? 0) > 0);
    assert.ok(rec.requestBytes > 50_000, 'a real Claude Code request is large');
  }
  // The first request is Claude Code's own prompt, tools and the user's question: nothing to find.
  assert.deepEqual(recs[0]!.findings.map((f) => `${f.detector}/${f.rule}`), [], 'no false positives on a real Claude Code prompt');
  // The .env file the agent read went out as a tool result: found, recorded masked, never raw.
  const last = recs.at(-1)!;
  const rules = last.findings.filter((f) => f.role === 'tool_result').map((f) => f.rule);
  assert.ok(rules.includes('aws-access-key') && rules.includes('aws-secret-key'), `findings: ${rules.join(', ')}`);
  const trail = JSON.stringify(await h.records());
  assert.ok(!trail.includes('hJ8sK2mZp4Lq9WvX1tYb7NcR5eF3gD6aQ0uIoPzE') && !trail.includes('AKIAQ3EGRFZL7XKJ2M5T'), 'no raw secret in the audit trail');
  // Every upstream request carried the gateway's provider key, never the Airlock key.
  assert.ok(h.mock.requests.every((q) => !JSON.stringify(q.headers).includes(h.key)));
});

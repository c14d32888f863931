// A real OpenAI-dialect coding CLI through the gateway: Qwen Code 0.15.10 (the newest release
// that runs on Node 20), fetched from the registry as a tarball and run headless.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHarness, PROVIDER_KEY, type Harness } from '../helpers/harness.ts';
import { runCli } from '../helpers/run-cli.ts';
import { ensurePackage } from '../helpers/npm-package.ts';

let h: Harness;
let cli: string;
before(async () => {
  cli = join(ensurePackage('@qwen-code/qwen-code@0.15.10'), 'cli.js');
  h = await startHarness({ mock: { reply: 'Qwen says hello through Airlock.' } });
});
after(() => h.close());

test('Qwen Code completes a one-shot prompt via OPENAI_BASE_URL; records name tool, version, user and usage', async () => {
  const home = mkdtempSync(join(tmpdir(), 'airlock-qwen-'));
  const r = await runCli(process.execPath, [cli, '-p', 'say hello'], {
    cwd: home,
    env: { PATH: process.env['PATH'], HOME: home, OPENAI_BASE_URL: `${h.url}/v1`, OPENAI_API_KEY: h.key, OPENAI_MODEL: 'qwen3-coder-plus' },
  });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Qwen says hello through Airlock\./);
  const recs = (await h.records()).filter((x) => x.route === 'POST /v1/chat/completions');
  assert.ok(recs.length >= 1);
  for (const rec of recs) {
    assert.equal(rec.tool, 'qwen-code');
    assert.equal(rec.toolVersion, '0.15.10');
    assert.equal(rec.user, 'alice');
    assert.equal(rec.model, 'qwen3-coder-plus');
    assert.equal(rec.outcome, 'ok');
    assert.ok((rec.inputTokens ?? 0) > 0 && (rec.outputTokens ?? 0) > 0, 'usage read from the stream');
  }
  assert.ok(h.mock.requests.every((q) => q.headers['authorization'] === `Bearer ${PROVIDER_KEY}`));
});

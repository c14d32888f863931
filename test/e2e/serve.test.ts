// The first README command, as a process: `airlock serve` on the embedded defaults prints what to
// give a client (with a first admin key), serves, and on SIGTERM drains and flushes the trail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import Anthropic from '@anthropic-ai/sdk';
import { MockProvider } from '../../src/probe/mock-provider.ts';
import { openStore } from '../../src/store/index.ts';

test('serve prints the client variables and a first key, serves, and exits cleanly on SIGTERM', async (t) => {
  const mock = new MockProvider({ reply: 'served', chunkDelayMs: 30 });
  const upstream = await mock.listen();
  // Closed however the test ends: a listening mock would keep the runner waiting after a failure.
  t.after(() => mock.close());
  const dir = mkdtempSync(join(tmpdir(), 'airlock-serve-'));
  const cfg = join(dir, 'airlock.yaml');
  // The organisation's gitleaks rules, relative to the configuration; one cannot apply to prompts.
  writeFileSync(join(dir, 'gitleaks.toml'), "[[rules]]\nid = 'acme-token'\nregex = '''acme_[0-9a-f]{32}'''\n\n[[rules]]\nid = 'pkcs12-file'\npath = '''\\.p12$'''\n");
  writeFileSync(cfg, `listen: { host: 127.0.0.1, port: 0 }\ndataDir: ${dir}\ninspection: { gitleaks: [gitleaks.toml] }\nupstreams:\n  - { name: anthropic, baseUrl: "${upstream}", dialects: [anthropic], apiKeyEnv: SERVE_TEST_KEY }\n`);
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--config', cfg], {
    env: { ...process.env, SERVE_TEST_KEY: 'sk-upstream', AIRLOCK_LOG_LEVEL: 'warn', USER: 'root-admin' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  // A failed assertion must not leave the gateway running (the test would wait for it forever).
  t.after(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL'); });
  let banner = '';
  let log = '';
  child.stderr.on('data', (d: Buffer) => (log += d.toString()));
  await new Promise<void>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout });
    rl.on('line', (l) => {
      banner += `${l}\n`;
      log += `${l}\n`; // the log (pino) is on stdout too, written asynchronously: read to the end
      if (banner.includes('CODEX_API_KEY')) resolve();
    });
    child.once('exit', () => reject(new Error(`serve exited early:\n${banner}`)));
  });
  const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(banner)?.[1];
  const key = /(alk_[A-Za-z0-9]+)/.exec(banner)?.[1];
  assert.ok(url !== undefined && key !== undefined, banner);
  assert.match(banner, new RegExp(`export ANTHROPIC_BASE_URL=${url}`));
  assert.match(banner, new RegExp(`export ANTHROPIC_API_KEY=${key}`), 'managed upstream: the Airlock key is the client key');
  assert.match(banner, /export OPENAI_BASE_URL=.*\/v1/);
  // The operator is told which candidate search runs (CI requires the native one).
  assert.match(banner, process.env['AIRLOCK_REQUIRE_NATIVE'] === '1' ? /Inspection engine: native trigger pass/ : /Inspection engine: (native trigger pass|JavaScript prefilter)/);
  assert.match(banner, new RegExp(`before any \\[table\\],\n    openai_base_url = "${url}/v1"\n    export CODEX_API_KEY=${key}:<your OpenAI key>`), 'Codex reads no base-URL variable: a config line; no OpenAI upstream holds a key here, so both keys go in one');

  assert.match(banner, /Secret rules: \d{3} built-in \+ 1 from .*gitleaks\.toml \(1 rule\(s\) or allowlist\(s\) not imported as written: see the log\)/);

  const client = new Anthropic({ baseURL: url, apiKey: key, maxRetries: 0 });
  await client.messages.create({ model: 'claude-x', max_tokens: 5, messages: [{ role: 'user', content: 'one' }] });
  // A stream in flight when SIGTERM arrives still completes.
  const stream = client.messages.stream({ model: 'claude-x', max_tokens: 5, messages: [{ role: 'user', content: 'two' }] });
  await new Promise<void>((r) => stream.once('text', () => r()));
  child.kill('SIGTERM');
  assert.equal(await stream.finalText(), 'served');
  assert.equal(await exited, 0);
  assert.match(log, /"rule":"pkcs12-file","reason":"path-only rule: not applicable to prompt text".*gitleaks rule or allowlist not imported as written/);

  const store = await openStore(`sqlite:${join(dir, 'airlock.db')}`);
  const recs = await store.readAudit({ limit: 10 });
  assert.equal(recs.length, 2, 'both exchanges recorded before exit');
  assert.ok(recs.every((r) => r.user === 'root-admin' && r.outcome === 'ok'));
  assert.equal((await store.verifyAudit()).ok, true);
  const keys = await store.listKeys();
  assert.equal(keys.length, 1);
  assert.equal(keys[0]!.role, 'admin');
  await store.close();
});

// The third dialect with a real client: Codex CLI 0.171.0 (a native binary shipped in an npm
// package, fetched as a tarball, never installed) run headless with `codex exec` through the
// gateway, which it reaches over the OpenAI Responses API. Codex ignores OPENAI_BASE_URL; it is
// pointed at Airlock in its config.toml, with a model provider of its own or with the built-in
// provider's `openai_base_url` (README, "Codex CLI").
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHarness, PROVIDER_KEY, type Harness } from '../helpers/harness.ts';
import { startPolicyGateway, type PolicyGateway } from '../policy/helpers.ts';
import { runCli, type CliRun } from '../helpers/run-cli.ts';
import { ensurePackage } from '../helpers/npm-package.ts';
import type { MockOptions } from '../../src/probe/mock-provider.ts';
import { probe } from '../../src/probe/index.ts';
import { renderText } from '../../src/probe/report-text.ts';

const VERSION = '0.171.0';
// The platform packages Codex publishes; elsewhere there is no binary to run.
const PLATFORM = `${process.platform}-${process.arch}`;
const supported = ['linux-x64', 'linux-arm64', 'darwin-x64', 'darwin-arm64'].includes(PLATFORM);
const skip = !supported && `no Codex binary for ${PLATFORM}`;

const SECRET = 'hJ8sK2mZp4Lq9WvX1tYb7NcR5eF3gD6aQ0uIoPzE';
const work = mkdtempSync(join(tmpdir(), 'airlock-codex-'));
writeFileSync(join(work, '.env'), `AWS_ACCESS_KEY_ID=AKIAQ3EGRFZL7XKJ2M5T\nAWS_SECRET_ACCESS_KEY=${SECRET}\n`);

let codex = '';
before(() => {
  if (!supported) return;
  const pkg = ensurePackage(`@openai/codex@${VERSION}-${PLATFORM}`);
  const triple = readdirSync(join(pkg, 'vendor'))[0] as string;
  codex = join(pkg, 'vendor', triple, 'bin', 'codex');
  assert.ok(existsSync(codex), `codex binary at ${codex}`);
});
after(() => rmSync(work, { recursive: true, force: true }));

/**
 * A CODEX_HOME whose config sends Codex to the gateway and to nothing else: no update check, no
 * analytics, no plugin sync (it would `git ls-remote` GitHub), no login-shell snapshot.
 */
function codexHome(baseUrl: string, provider: 'own' | 'built-in'): string {
  const home = mkdtempSync(join(tmpdir(), 'airlock-codex-home-'));
  mkdirSync(home, { recursive: true });
  const route = provider === 'own' ? `model_provider = "airlock"

[model_providers.airlock]
name = "Airlock"
base_url = "${baseUrl}/v1"
env_key = "AIRLOCK_KEY"
wire_api = "responses"
request_max_retries = 0
stream_max_retries = 0
` : `openai_base_url = "${baseUrl}/v1"
`;
  writeFileSync(join(home, 'config.toml'), `model = "gpt-5.4"
check_for_update_on_startup = false
web_search = "disabled"
${route}
[analytics]
enabled = false

[feedback]
enabled = false

[features]
plugins = false
apps = false
remote_plugin = false
shell_snapshot = false
tool_suggest = false
`);
  return home;
}

async function runCodex(baseUrl: string, key: string, prompt: string, provider: 'own' | 'built-in' = 'own'): Promise<CliRun> {
  const home = codexHome(baseUrl, provider);
  try {
    return await runCli(codex, ['exec', '--skip-git-repo-check', '--ephemeral', '-C', work, prompt], {
      cwd: work,
      // The built-in provider reads its key from CODEX_API_KEY, a provider of one's own from env_key.
      env: { PATH: process.env['PATH'], HOME: home, CODEX_HOME: home, ...(provider === 'own' ? { AIRLOCK_KEY: key } : { CODEX_API_KEY: key }) },
    });
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

/** First turn: read .env with the shell tool; second turn (its output is in the input): answer. */
const readsEnv: MockOptions['reply'] = (_c, j) => (JSON.stringify(j).includes('function_call_output')
  ? 'Done: the file holds AWS credentials.'
  : { tool: 'exec_command', input: { cmd: 'cat .env' } });

let h: Harness | null = null;
const gateways: PolicyGateway[] = [];
after(async () => {
  await h?.close();
  await Promise.all(gateways.map((g) => g.close()));
});

/** Codex asked about .env behind a policy that redacts or blocks secrets in tool results. */
async function askAboutEnv(action: 'redact' | 'block'): Promise<{ g: PolicyGateway; r: CliRun }> {
  const g = await startPolicyGateway(`version: 1
rules:
  - id: secrets-in-tool-results
    when: { detectors: [secrets], segments: [tool_result] }
    action: ${action}
`, { mock: { reply: readsEnv } });
  gateways.push(g);
  return { g, r: await runCodex(g.url, await g.key('alice', 'payments'), 'What is in .env?') };
}

test('Codex CLI completes a one-shot prompt over the Responses API; the record names tool, version, user and usage', { skip }, async () => {
  h = await startHarness({ mock: { reply: 'Codex says hello through Airlock.' } });
  const r = await runCodex(h.url, h.key, 'say hello');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Codex says hello through Airlock\./);
  const recs = (await h.records()).filter((x) => x.route === 'POST /v1/responses');
  assert.equal(recs.length, 1);
  const rec = recs[0]!;
  assert.equal(rec.tool, 'codex');
  assert.equal(rec.toolVersion, VERSION);
  assert.equal(rec.user, 'alice');
  assert.equal(rec.dialect, 'openai-responses');
  assert.equal(rec.model, 'gpt-5.4');
  assert.equal(rec.outcome, 'ok');
  assert.ok((rec.inputTokens ?? 0) > 0 && (rec.outputTokens ?? 0) > 0, 'usage read from the stream');
  // Its headers (installation id, turn metadata, originator) are inspected and hold nothing to report.
  assert.deepEqual(rec.findings.filter((f) => f.role === 'header').map((f) => `${f.rule}@${f.segmentPath}`), []);
  // Only the provider key goes upstream, never the Airlock key.
  const sent = h.mock.requests.filter((q) => q.url === '/v1/responses');
  assert.equal(sent.length, 1);
  assert.equal(sent[0]!.headers['authorization'], `Bearer ${PROVIDER_KEY}`);
  assert.ok(!sent[0]!.body.toString().includes(h.key));
});

test('Codex with the built-in provider: its WebSocket attempt gets one 426 and it goes on over HTTP', { skip }, async () => {
  const g = await startHarness({ mock: { reply: 'Codex over HTTP after the 426.' } });
  try {
    const r = await runCodex(g.url, g.key, 'say hello', 'built-in');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Codex over HTTP after the 426\./);
    assert.doesNotMatch(r.stderr, /Reconnecting/, 'no retries of the upgrade');
    const recs = await g.records();
    const upgrades = recs.filter((x) => x.route === 'GET /v1/responses');
    assert.equal(upgrades.length, 1);
    assert.equal(upgrades[0]!.status, 426);
    assert.equal(upgrades[0]!.errorCode, 'AIRLOCK_ERR_NO_WEBSOCKET');
    assert.equal(upgrades[0]!.tool, 'codex');
    const calls = recs.filter((x) => x.route === 'POST /v1/responses');
    assert.equal(calls.length, 1);
    assert.equal(calls[0]!.outcome, 'ok');
    assert.equal(g.mock.requests.filter((q) => q.method === 'GET').length, 0, 'the upgrade never reached the provider');
  } finally {
    await g.close();
  }
});

test('Codex reads .env with its shell tool: the secret in the tool output is redacted before the provider sees it', { skip }, async () => {
  const { g, r } = await askAboutEnv('redact');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Done: the file holds AWS credentials\./);
  const sent = g.mock.requests.filter((q) => q.url === '/v1/responses');
  assert.equal(sent.length, 2, 'the question, then the tool output');
  const second = JSON.parse(sent[1]!.body.toString()) as { input: Array<{ type: string; output?: string }> };
  const output = second.input.find((i) => i.type === 'function_call_output')?.output ?? '';
  assert.match(output, /AWS_SECRET_ACCESS_KEY=\[REDACTED:aws-secret-key#1\]/, 'the file reached the model redacted');
  assert.ok(sent.every((q) => !q.body.toString().includes(SECRET)), 'the secret never left');
  const recs = (await g.records()).filter((x) => x.route === 'POST /v1/responses');
  assert.equal(recs.length, 2);
  const redacted = recs[1]!;
  assert.equal(redacted.decision?.ruleId, 'secrets-in-tool-results');
  assert.ok(redacted.findings.some((f) => f.rule === 'aws-secret-key' && f.role === 'tool_result'));
  assert.ok(!JSON.stringify(recs).includes(SECRET), 'never in the audit trail');
});

test('a secret blocked by policy: Codex prints the reason and exits non-zero', { skip }, async () => {
  const { g, r } = await askAboutEnv('block');
  assert.notEqual(r.code, 0);
  // Codex shows the status and the gateway's message, which names what was found and where.
  const errors = (r.stdout + r.stderr).split('\n').filter((l) => l.startsWith('ERROR:'));
  assert.ok(errors.length >= 1, r.stderr);
  assert.match(errors[0]!, /403 Forbidden: an AWS secret access key was found in a tool result \(exec_command output\); remove it or ask for an exception: rule secrets-in-tool-results/);
  const sent = g.mock.requests.filter((q) => q.url === '/v1/responses');
  assert.equal(sent.length, 1, 'the question went through; the tool output did not');
  assert.ok(errors.every((l) => !l.includes(SECRET)), 'the error does not echo the secret');
  const blocked = (await g.records()).filter((x) => x.outcome === 'blocked');
  assert.equal(blocked.length, 1);
  assert.equal(blocked[0]!.decision?.ruleId, 'secrets-in-tool-results');
});

test('airlock probe --native runs Codex (a native binary) under personas through the capture proxy: clean, the persona host an expected echo', { skip }, async () => {
  // Codex reads no base-URL variable, so a shell hands it the persona's; the persona hosts resolve
  // nowhere, and every request reaches the capture server as an HTTP proxy.
  const cmd = `exec "$CODEX" exec --skip-git-repo-check --ephemeral -c 'openai_base_url="'"$OPENAI_BASE_URL"'"' -c check_for_update_on_startup=false -c features.plugins=false -c features.shell_snapshot=false -c analytics.enabled=false hi`;
  const r = await probe({
    command: ['sh', '-c', cmd], personas: { only: ['tz', 'host-cn'] }, runs: 2, native: true, cwd: work, concurrency: 4, timeoutMs: 60_000,
    set: { CODEX: codex, CODEX_API_KEY: 'sk-probe' },
  });
  assert.deepEqual(r.problems, [], renderText(r));
  assert.equal(r.verdict, 'clean', renderText(r));
  assert.ok(r.runs.every((x) => x.exitCode === 0 && x.requests >= 1));
  assert.ok(r.requests.includes('POST /v1/responses #1'), r.requests.join(', '));
  // The host persona's name travels in the Host header only: an echo of the persona, expected.
  const host = r.dimensions.find((d) => d.dimension === 'host')!;
  assert.ok(host.expected > 0 && host.findings === 0);
  assert.ok(r.differences.every((d) => d.severity === 'info'));
  assert.ok(!r.personas.some((p) => p.dimension === 'proxy'), 'no proxy persona: every persona goes through the proxy');
});

// The organisation's own secret rules (gitleaks.toml files in `inspection.gitleaks`) and allowed
// values (`inspection.allow`) in the gateway: found, recorded and redacted like the built-in rules,
// on the gateway's thread and in the inspection worker; an allowed value is never reported.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import { startHarness, type Harness } from '../helpers/harness.ts';

// An in-house token format no built-in rule knows, and a built-in-shaped secret the team allows.
const ACME = 'acme_5f0c2b9e4d7a1386c0b2e9f47a5d3c18';
const ALLOWED = 'hJ8sK2mZp4Lq9WvX1tYb7NcR5eF3gD6aQ0uIoPzE';
const dir = mkdtempSync(join(tmpdir(), 'airlock-org-rules-'));
const rules = join(dir, 'gitleaks.toml');
writeFileSync(rules, [
  '[[rules]]', 'id = "acme-internal-token"', 'description = "ACME internal service token"', "regex = '''\\bacme_[0-9a-f]{32}\\b'''", 'keywords = ["acme_"]', '',
  // Path-only: cannot apply to prompt text, so it is listed, not imported.
  '[[rules]]', 'id = "pkcs12-file"', "path = '''\\.p12$'''", '',
].join('\n'));

const inspection = { gitleaks: [rules], allow: [ALLOWED] };

async function send(h: Harness): Promise<void> {
  const client = new Anthropic({ baseURL: h.url, apiKey: h.key, maxRetries: 0 });
  await client.messages.create({
    model: 'claude-x', max_tokens: 8,
    messages: [
      { role: 'user', content: 'deploy it' },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'Read', input: { path: '.env' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: `ACME_TOKEN=${ACME}\nAWS_SECRET_ACCESS_KEY=${ALLOWED}\n` }] },
    ],
  });
}

describe('organisation secret rules and allowed values', () => {
  let redacting: Harness;
  let worker: Harness;
  before(async () => {
    redacting = await startHarness({ config: { inspection: { ...inspection, redact: true } } });
    worker = await startHarness({ config: { inspection }, workers: true });
  });
  after(async () => {
    await redacting.close();
    await worker.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('on the gateway thread: the imported rule finds and redacts its token; the allowed value passes', async () => {
    await send(redacting);
    const up = redacting.mock.requests.at(-1)!.body.toString();
    assert.ok(up.includes('ACME_TOKEN=[REDACTED:acme-internal-token#1]'), up);
    assert.ok(!up.includes(ACME));
    assert.ok(up.includes(ALLOWED), 'an allowed value is left alone');
    const [r] = await redacting.records();
    const found = r!.findings.filter((f) => f.detector === 'secrets');
    assert.deepEqual(found.map((f) => f.rule), ['acme-internal-token']);
    assert.equal(found[0]!.role, 'tool_result');
    assert.ok(!JSON.stringify(r).includes(ACME), 'the record holds a masked preview only');
  });

  test('in the inspection worker: the same findings', async () => {
    await send(worker);
    const [r] = await worker.records();
    assert.deepEqual(r!.findings.filter((f) => f.detector === 'secrets').map((f) => f.rule), ['acme-internal-token']);
    assert.ok(worker.mock.requests.at(-1)!.body.toString().includes(ACME), 'alert only: forwarded as sent');
  });

  test('without the configuration: only the generic assignment rule sees the token, and the value is reported', async () => {
    const plain = await startHarness({ config: { inspection: { redact: true } } });
    try {
      await send(plain);
      const [r] = await plain.records();
      assert.deepEqual(r!.findings.filter((f) => f.detector === 'secrets').map((f) => f.rule).sort(), ['aws-secret-key', 'generic-token']);
    } finally {
      await plain.close();
    }
  });
});

describe('organisation secret rules reloaded (file change, SIGHUP)', () => {
  const rdir = mkdtempSync(join(tmpdir(), 'airlock-org-rules-reload-'));
  const file = join(rdir, 'gitleaks.toml');
  const rule = (id: string, prefix: string): string =>
    ['[[rules]]', `id = "${id}"`, `description = "${id}"`, `regex = '''\\b${prefix}_[0-9a-f]{32}\\b'''`, `keywords = ["${prefix}_"]`, ''].join('\n');
  const BETA = 'beta_0c2b9e4d7a1386c0b2e9f47a5d3c185f';
  const GAMMA = 'gamma_9e4d7a1386c0b2e9f47a5d3c185f0c2b';
  writeFileSync(file, rule('acme-internal-token', 'acme'));
  let main: Harness;
  let worker: Harness;
  before(async () => {
    main = await startHarness({ config: { inspection: { gitleaks: [file], redact: true } } });
    worker = await startHarness({ config: { inspection: { gitleaks: [file] } }, workers: true });
  });
  after(async () => {
    await main.close();
    await worker.close();
    rmSync(rdir, { recursive: true, force: true });
  });
  // The same conversation every time: its parts' results are cached, and a reload must not let
  // results cached under the old rules hide a new rule's finding.
  const ask = (h: Harness, token: string): Promise<unknown> => new Anthropic({ baseURL: h.url, apiKey: h.key, maxRetries: 0 }).messages.create({
    model: 'claude-x', max_tokens: 8, messages: [{ role: 'user', content: `the build log says ${token} at step 3, what failed?` }],
  });
  const rules = async (h: Harness): Promise<string[]> => (await h.records()).at(-1)!.findings.filter((f) => f.detector === 'secrets').map((f) => f.rule);

  test('a new rule applies to the next exchange, on the gateway thread and in the worker; a broken file is refused and the rules in force stay', async () => {
    for (const h of [main, worker]) {
      await ask(h, BETA);
      assert.deepEqual(await rules(h), [], 'no rule knows it yet');
    }
    writeFileSync(file, rule('acme-internal-token', 'acme') + rule('beta-build-token', 'beta'));
    for (const h of [main, worker]) {
      assert.equal(await h.gw.reloadSecretRules('test'), true);
      await ask(h, BETA);
      assert.deepEqual(await rules(h), ['beta-build-token']);
    }
    assert.ok(main.mock.requests.at(-1)!.body.toString().includes('[REDACTED:beta-build-token#1]'), 'redacted on the gateway thread');
    writeFileSync(file, 'this is [[not toml');
    for (const h of [main, worker]) {
      assert.equal(await h.gw.reloadSecretRules('test'), false);
      assert.ok(h.logs.some((l) => l.level === 'error' && /secret rules reload rejected/.test(l.msg ?? '') && /gitleaks\.toml:\d+:\d+/.test(JSON.stringify(l.obj))), 'the log names the file and place');
      await ask(h, BETA);
      assert.deepEqual(await rules(h), ['beta-build-token'], 'the rules in force stay');
    }
  });

  test('a worker started again after a crash takes the rules in force, not a broken file on disk; rules not imported as written are logged', async () => {
    writeFileSync(file, rule('acme-internal-token', 'acme') + rule('beta-build-token', 'beta') + '[[rules]]\nid = "p12"\npath = \'\'\'\\.p12$\'\'\'\n');
    assert.equal(await worker.gw.reloadSecretRules('test'), true);
    assert.ok(worker.logs.some((l) => l.msg === 'gitleaks rule or allowlist not imported as written' && (l.obj as { rule?: string }).rule === 'p12'));
    writeFileSync(file, 'this is [[not toml');
    assert.equal(await worker.gw.reloadSecretRules('test'), false);
    // The worker goes away; the next exchange starts a new one.
    const client = (worker.gw as unknown as { inspection: { client: { worker: { terminate(): Promise<number> } | null } } }).inspection.client;
    await client.worker!.terminate();
    await ask(worker, BETA);
    assert.deepEqual(await rules(worker), ['beta-build-token']);
    assert.ok(!worker.logs.some((l) => /inspection worker failed/.test(l.msg ?? '')), 'inspected in the new worker, not on the gateway thread');
  });

  test('a change to the file and SIGHUP reload them', async () => {
    main.gw.watch();
    const reloads = (trigger: string): number => main.logs.filter((l) => l.msg === 'secret rules reloaded' && (l.obj as { trigger?: string }).trigger === trigger).length;
    const until = async (cond: () => boolean, what: string): Promise<void> => {
      for (const end = Date.now() + 5000; !cond(); await new Promise((r) => setTimeout(r, 20))) if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    };
    writeFileSync(file, rule('gamma-build-token', 'gamma'));
    await until(() => reloads('file change') > 0, 'the file change');
    await ask(main, GAMMA);
    assert.deepEqual(await rules(main), ['gamma-build-token']);
    process.kill(process.pid, 'SIGHUP');
    await until(() => reloads('SIGHUP') > 0, 'SIGHUP');
  });
});

// The configuration file read again while the gateway runs (Gateway.reloadConfig: SIGHUP and file
// changes): the inspection settings apply to the next exchange, before forwarding and in the
// inspection worker, with no restart; an invalid edit is refused whole; what takes a restart
// (upstreams, the listen address…) is named in a warning and not applied.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import { stringify } from 'yaml';
import { changedKeys, parseConfig, reloadPlan, type GatewayConfig } from '../../src/gateway/config.ts';
import { startHarness, type Harness } from '../helpers/harness.ts';

const dir = mkdtempSync(join(tmpdir(), 'airlock-config-reload-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const DOMAIN = 'corp-acme.net';
const HOST = `db1.payments.${DOMAIN}`;
const BETA = 'beta_0c2b9e4d7a1386c0b2e9f47a5d3c185f';

/** Writes the gateway's configuration in force, changed by `edit`, as its YAML file. */
function writeConfig(file: string, h: Harness, edit: (c: GatewayConfig) => void = () => {}): void {
  const c = structuredClone(h.gw.config);
  edit(c);
  writeFileSync(file, stringify(c));
}

// The same conversation every time: its parts' results are cached, and a reload must not let
// results cached under the old settings hide a new finding.
const ask = (h: Harness): Promise<unknown> => new Anthropic({ baseURL: h.url, apiKey: h.key, maxRetries: 0 }).messages.create({
  model: 'claude-x', max_tokens: 8, messages: [{ role: 'user', content: `the migration to ${HOST} failed with ${BETA}, why?` }],
});
const found = async (h: Harness, detector: string): Promise<string[]> =>
  (await h.records()).at(-1)!.findings.filter((f) => f.detector === detector).map((f) => f.rule);
const logged = (h: Harness, msg: string | RegExp): Harness['logs'] => h.logs.filter((l) => (typeof msg === 'string' ? l.msg === msg : msg.test(l.msg ?? '')));

describe('configuration reloaded without a restart', () => {
  let early: Harness;
  let worker: Harness;
  const files = new Map<Harness, string>();
  before(async () => {
    // Redaction needs findings before forwarding: inspected on the gateway's thread.
    early = await startHarness({ config: { inspection: { redact: true } } });
    // Alert only, worker threads on: inspected after the response in the inspection worker.
    worker = await startHarness({ workers: true });
    files.set(early, join(dir, 'early.yaml'));
    files.set(worker, join(dir, 'worker.yaml'));
  });
  after(async () => {
    await early.close();
    await worker.close();
  });

  test('an internal domain added to the file is found in the next exchange, before forwarding and in the worker', async () => {
    for (const h of [early, worker]) {
      const file = files.get(h)!;
      writeConfig(file, h);
      assert.equal(await h.gw.reloadConfig('test', { path: file }), true);
      assert.ok(logged(h, 'configuration reloaded; nothing to apply').length === 1, 'the same file: nothing to apply');
      await ask(h);
      assert.deepEqual(await found(h, 'internal-infra'), [], 'no internal name configured yet');
      writeConfig(file, h, (c) => {
        c.inspection.internal = { domains: [DOMAIN], hosts: [], cidrs: [], users: [] };
      });
      assert.equal(await h.gw.reloadConfig('test', { path: file }), true);
      const line = logged(h, 'configuration reloaded').at(-1)!;
      assert.deepEqual((line.obj as { changed: string[] }).changed, ['inspection.internal']);
      assert.ok(!JSON.stringify(h.logs).includes(DOMAIN), 'key paths only: an internal name is confidential');
      await ask(h);
      assert.equal((await found(h, 'internal-infra')).length, 1, 'found without a restart');
    }
    assert.ok(!worker.logs.some((l) => /inspection worker failed/.test(l.msg ?? '')), 'inspected in the worker, not on the gateway thread');
    assert.ok(!early.mock.requests.at(-1)!.body.toString().includes(HOST), 'redacted before forwarding');
    assert.ok(worker.mock.requests.at(-1)!.body.toString().includes(HOST), 'alert only: forwarded as sent');
  });

  test('an invalid edit is refused with one log line at file:line:column; the settings in force stay', async () => {
    for (const h of [early, worker]) {
      const file = files.get(h)!;
      const before = structuredClone(h.gw.config);
      // A new domain and a misspelt key: nothing of it applies.
      writeConfig(file, h, (c) => {
        c.inspection.internal!.domains = ['other.example'];
        (c.inspection as Record<string, unknown>)['redcat'] = true;
      });
      assert.equal(await h.gw.reloadConfig('test', { path: file }), false);
      const line = logged(h, 'configuration reload rejected; the configuration in force stays').at(-1);
      assert.ok(line !== undefined, 'refused with an error line');
      const err = (line.obj as { err: string }).err;
      assert.match(err, /worker\.yaml:\d+:\d+|early\.yaml:\d+:\d+/);
      assert.match(err, /redcat/);
      assert.ok(!err.includes('\n'), 'one line');
      assert.deepEqual(h.gw.config, before);
      await ask(h);
      assert.equal((await found(h, 'internal-infra')).length, 1, 'the old settings still apply');
    }
  });

  test('a change to upstreams is not applied and the warning names it; the inspection settings in the same edit are', async () => {
    const h = worker;
    const file = files.get(h)!;
    const sent = h.mock.requests.length;
    const { upstreams, limits } = structuredClone(h.gw.config);
    writeConfig(file, h, (c) => {
      c.upstreams[0]!.baseUrl = 'http://127.0.0.1:9';
      c.limits.drainMs = 1;
      c.inspection.internal!.domains = [];
    });
    assert.equal(await h.gw.reloadConfig('test', { path: file }), true);
    const warn = h.logs.filter((l) => l.level === 'warn' && /restart/.test(l.msg ?? '')).at(-1);
    assert.ok(warn !== undefined, 'a warning says a restart is needed');
    assert.deepEqual((warn.obj as { keys: string[] }).keys.sort(), ['limits.drainMs', 'upstreams']);
    assert.deepEqual((logged(h, 'configuration reloaded').at(-1)!.obj as { changed: string[] }).changed, ['inspection.internal.domains']);
    assert.deepEqual(h.gw.config.upstreams, upstreams, 'not applied, not even in part');
    assert.deepEqual(h.gw.config.limits, limits);
    await ask(h);
    assert.equal(h.mock.requests.length, sent + 1, 'still sent to the upstream in force');
    assert.deepEqual(await found(h, 'internal-infra'), [], 'the domain taken out applies');
  });

  test('a change that would start or stop the inspection worker takes a restart; a new gitleaks file is read and applies', async () => {
    const h = worker;
    const file = files.get(h)!;
    const rules = join(dir, 'gitleaks.toml');
    writeFileSync(rules, ['[[rules]]', 'id = "beta-build-token"', 'description = "beta"', "regex = '''\\bbeta_[0-9a-f]{32}\\b'''", 'keywords = ["beta_"]', ''].join('\n'));
    writeConfig(file, h, (c) => {
      c.upstreams[0]!.baseUrl = 'http://127.0.0.1:9';
      c.limits.drainMs = 1;
      c.inspection.redact = true;
      c.inspection.gitleaks = ['./gitleaks.toml'];
    });
    assert.equal(await h.gw.reloadConfig('test', { path: file }), true);
    const warn = h.logs.filter((l) => l.level === 'warn' && /restart/.test(l.msg ?? '')).at(-1)!;
    assert.deepEqual((warn.obj as { keys: string[] }).keys.sort(), ['inspection.redact', 'limits.drainMs', 'upstreams']);
    assert.equal(h.gw.config.inspection.redact, false);
    assert.deepEqual(h.gw.config.inspection.gitleaks, [rules], 'relative to the configuration file');
    await ask(h);
    assert.deepEqual(await found(h, 'secrets'), ['beta-build-token'], 'the new file\'s rule, in the worker');
    assert.ok(h.mock.requests.at(-1)!.body.toString().includes(BETA), 'not redacted: redaction waits for a restart');
  });
});

describe('configuration reload triggers', () => {
  let h: Harness;
  const file = join(dir, 'watched.yaml');
  before(async () => {
    h = await startHarness({ config: { inspection: { redact: true } } });
  });
  after(async () => {
    await h.close();
  });
  const until = async (cond: () => boolean, what: string): Promise<void> => {
    for (const end = Date.now() + 5000; !cond(); await new Promise((r) => setTimeout(r, 20))) if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
  };
  const reloads = (trigger: string): number => h.logs.filter((l) => /^configuration reloaded/.test(l.msg ?? '') && (l.obj as { trigger?: string }).trigger === trigger).length;

  test('a change to the file and SIGHUP reload it; the handler goes with the gateway', async () => {
    writeConfig(file, h);
    const handlers = process.listenerCount('SIGHUP');
    h.gw.watch({ path: file });
    assert.equal(process.listenerCount('SIGHUP'), handlers + 1, 'SIGHUP handler registered');
    writeConfig(file, h, (c) => {
      c.inspection.internal = { domains: [DOMAIN], hosts: [], cidrs: [], users: [] };
    });
    await until(() => reloads('file change') > 0, 'the file change');
    await ask(h);
    assert.equal((await found(h, 'internal-infra')).length, 1);
    process.kill(process.pid, 'SIGHUP');
    await until(() => reloads('SIGHUP') > 0, 'SIGHUP');
    await h.close();
    assert.equal(process.listenerCount('SIGHUP'), handlers, 'removed at close');
  });
});

describe('reloadPlan', () => {
  const base = parseConfig({ inspection: { allow: ['x'] } });
  test('names changed key paths, never values; holds what takes a restart', () => {
    const next = parseConfig({ listen: { port: 9 }, inspection: { allow: ['y'], thread: false, budgetMs: 5, internal: { domains: ['a.example'] } } });
    assert.deepEqual(changedKeys(base, next).sort(), ['inspection.allow', 'inspection.budgetMs', 'inspection.internal', 'inspection.thread', 'listen.port']);
    const plan = reloadPlan(base, next, ['thread']);
    assert.deepEqual(plan.applied.sort(), ['inspection.allow', 'inspection.budgetMs', 'inspection.internal']);
    assert.deepEqual(plan.restart.sort(), ['inspection.thread', 'listen.port']);
    assert.equal(plan.inspection.thread, true, 'held as it is');
    assert.deepEqual(plan.inspection.allow, ['y']);
  });
});

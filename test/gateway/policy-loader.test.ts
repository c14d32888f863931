// The policy file watch: every way a file gets replaced in practice reloads the policy, and the
// watch follows the file, so other files in its directory (the audit database's journal, often)
// are no concern of it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PolicyHolder, policyHash } from '../../src/gateway/policy-loader.ts';

const policy = (name: string): string => `version: 1\nname: ${name}\nrules:\n  - id: r\n    when: { detectors: [secrets] }\n    action: redact\n`;
const quiet = { info: () => {}, warn: () => {}, error: () => {} };

async function until(cond: () => boolean, what: string, ms = 4000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function holder(file: string): { h: PolicyHolder; reloads: string[] } {
  const reloads: string[] = [];
  const h = new PolicyHolder(file, { logger: quiet, debounceMs: 20, onLoad: (p) => reloads.push(p.hash) }).watch();
  return { h, reloads };
}

test('policy watch: edits in place, saves by rename and delete-and-create are all reloaded, again and again', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-watch-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'policy.yaml');
  writeFileSync(file, policy('v1'));
  const { h } = holder(file);
  t.after(() => h.close());
  writeFileSync(file, policy('v2'));
  await until(() => h.current.hash === policyHash(policy('v2')), 'an edit in place');
  // An editor's save: a temporary file renamed over the policy. The old file's watch ends with it.
  for (const v of ['v3', 'v4']) {
    writeFileSync(join(dir, '.policy.yaml.swp'), policy(v));
    renameSync(join(dir, '.policy.yaml.swp'), file);
    await until(() => h.current.hash === policyHash(policy(v)), `save by rename (${v})`);
  }
  // Removed, then written anew a little later.
  unlinkSync(file);
  await new Promise((r) => setTimeout(r, 120));
  writeFileSync(file, policy('v5'));
  await until(() => h.current.hash === policyHash(policy('v5')), 'delete and create');
  writeFileSync(file, policy('v6'));
  await until(() => h.current.hash === policyHash(policy('v6')), 'an edit after the file came back');
});

test('policy watch: a Kubernetes ConfigMap update (the ..data symlink swapped, the old version removed) is reloaded', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-watch-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const version = (n: number, text: string): void => {
    mkdirSync(join(dir, `..v${n}`));
    writeFileSync(join(dir, `..v${n}`, 'policy.yaml'), text);
    symlinkSync(`..v${n}`, join(dir, '..data_tmp'));
    renameSync(join(dir, '..data_tmp'), join(dir, '..data'));
    if (n > 1) rmSync(join(dir, `..v${n - 1}`), { recursive: true });
  };
  version(1, policy('v1'));
  symlinkSync('..data/policy.yaml', join(dir, 'policy.yaml'));
  const { h } = holder(join(dir, 'policy.yaml'));
  t.after(() => h.close());
  version(2, policy('v2'));
  await until(() => h.current.hash === policyHash(policy('v2')), 'the first ConfigMap update');
  version(3, policy('v3'));
  await until(() => h.current.hash === policyHash(policy('v3')), 'the second ConfigMap update');
});

test('policy watch: other files in the directory trigger nothing; close() stops the watch', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-watch-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'policy.yaml');
  writeFileSync(file, policy('v1'));
  let reads = 0;
  const h = new PolicyHolder(file, { logger: quiet, debounceMs: 10 }).watch();
  t.after(() => h.close());
  const reload = h.reload.bind(h);
  h.reload = (trigger: string): boolean => {
    reads++;
    return reload(trigger);
  };
  for (let i = 0; i < 50; i++) writeFileSync(join(dir, 'airlock.db-wal'), `page ${i}`);
  await new Promise((r) => setTimeout(r, 150));
  assert.equal(reads, 0, 'a neighbour\'s writes are not the policy\'s');
  h.close();
  writeFileSync(file, policy('v2'));
  await new Promise((r) => setTimeout(r, 150));
  assert.equal(reads, 0, 'closed: no reload');
  assert.equal(h.current.hash, policyHash(policy('v1')));
});

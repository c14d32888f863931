// `airlock policy` on files and a store written directly (no gateway): check accepts covert rules,
// explain re-runs a routed exchange with the upstream it was picked for, and test --replay reports a
// change of route target in text and HTML.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/cli/policy.ts';
import type { CliIO } from '../../src/cli/io.ts';
import type { AuditEntry } from '../../src/core/types.ts';
import { policyHash } from '../../src/gateway/policy-loader.ts';
import { openStore } from '../../src/store/index.ts';
import { makeEntry } from '../store/entries.ts';

const dir = mkdtempSync(join(tmpdir(), 'airlock-policy-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function io(): CliIO & { lines: string[]; errs: string[]; text: () => string } {
  const lines: string[] = [];
  const errs: string[] = [];
  return { lines, errs, out: (s) => lines.push(s), err: (s) => errs.push(s), env: {}, text: () => [...lines, ...errs].join('\n') };
}

const file = (name: string, text: string): string => {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
};

test('check: a rule on the covert detector is valid', async () => {
  const o = io();
  assert.equal(await run(['check', file('covert.yaml', 'version: 1\nrules:\n  - id: covert-block\n    when: { detectors: [covert], severity: high }\n    action: block\n')], o), 0, o.text());
  assert.match(o.text(), /covert\.yaml: ok \(1 rules, .*0 error\(s\), 0 warning\(s\)/);
  // A misspelt detector is still an error.
  assert.equal(await run(['check', file('covrt.yaml', 'version: 1\nrules:\n  - id: c\n    when: { detectors: [covrt] }\n    action: block\n')], io()), 1);
});

const ROUTE = (target: string): string => `version: 1\nrules:\n  - id: payments-inhouse\n    when: { teams: [payments], upstreams: [anthropic] }\n    action: route(${target})\n`;

// As the gateway records it: picked `anthropic` for the model, routed to `inhouse`; `upstream` is where it went.
const routed = (i: number, from: string | undefined): AuditEntry => makeEntry(i, {
  team: 'payments', upstream: 'inhouse', policyHash: policyHash(ROUTE('inhouse')),
  decision: { action: 'route', ruleId: 'payments-inhouse', reason: "routed to upstream 'inhouse' (rule payments-inhouse)", upstream: 'inhouse', ...(from !== undefined ? { from } : {}) },
});

test('explain: a routed exchange is re-run with the upstream it was picked for, and agrees with the record', async () => {
  const url = `sqlite:${join(dir, 'explain.db')}`;
  const store = await openStore(url);
  try {
    await store.migrate();
    await store.savePolicyVersion({ hash: policyHash(ROUTE('inhouse')), source: 'policy.yaml', text: ROUTE('inhouse') });
    await store.appendAudit([{ ...routed(3, 'anthropic'), gaps: [{ part: 'response', reason: "content-encoding 'zstd' cannot be decoded" }] }, routed(6, undefined)]);
  } finally {
    await store.close();
  }
  const o = io();
  assert.equal(await run(['explain', routed(3, 'anthropic').id, '--store', url], o), 0);
  assert.match(o.text(), /decision: route\(inhouse\) from anthropic by payments-inhouse/);
  assert.match(o.text(), /not inspected: the response: content-encoding 'zstd' cannot be decoded/);
  assert.match(o.text(), /MATCH payments-inhouse/);
  assert.match(o.text(), /=> route\(inhouse\) by payments-inhouse \(same as recorded\)/);
  assert.doesNotMatch(o.text(), /upstreams did not match|differs from the record/);
  // A record from before `from` was kept: only where it went is known (docs/policy.md says so).
  const old = io();
  assert.equal(await run(['explain', routed(6, undefined).id, '--store', url], old), 0);
  assert.match(old.text(), /payments-inhouse: upstreams did not match/);
});

test('test --replay: a route to another upstream counts as a change and shows both targets, in text and HTML', async () => {
  const trail = file('routed.jsonl', [routed(3, 'anthropic'), routed(6, 'anthropic'), makeEntry(1)].map((e) => JSON.stringify(e)).join('\n') + '\n');
  // The policy that decided: nothing changes (without --config, each record's picked upstream is used).
  const same = io();
  assert.equal(await run(['test', file('same.yaml', ROUTE('inhouse')), '--replay', trail, '--fail-on-change'], same), 0, same.text());
  assert.match(same.text(), /replayed 3 of 3 exchanges .*; 3 unchanged, 0 would change/);

  const candidate = file('openai.yaml', ROUTE('openai'));
  const o = io();
  assert.equal(await run(['test', candidate, '--replay', trail, '--fail-on-change'], o), 1);
  assert.match(o.text(), /1 unchanged, 2 would change/);
  assert.match(o.text(), /payments-inhouse\s+route\(inhouse\) → route\(openai\)\s+2/);
  assert.match(o.text(), /: route\(inhouse\) \(payments-inhouse\) → route\(openai\) \(payments-inhouse\): routed to upstream 'openai'/);
  const report = join(dir, 'routed.html');
  assert.equal(await run(['test', candidate, '--replay', trail, '--html', report], io()), 0);
  const html = readFileSync(report, 'utf8');
  assert.match(html, /would change<b>2<\/b>/);
  assert.match(html, /route\(inhouse\) → route\(openai\)/);
});

// `airlock policy` check / explain / test --replay / hash-value, run in-process on real files and
// a real store that a gateway with a policy wrote to.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import { run, hashValue } from '../../src/cli/policy.ts';
import { parseTime } from '../../src/cli/io.ts';
import type { CliIO } from '../../src/cli/io.ts';
import { startPolicyGateway, type PolicyGateway } from './helpers.ts';

const POLICY = `version: 1
rules:
  - id: no-forbidden-models
    when: { models: ["forbidden-*"] }
    action: block
  - id: web-alert
    when: { teams: [web] }
    action: alert
`;

function io(env: NodeJS.ProcessEnv = {}): CliIO & { lines: string[]; errs: string[] } {
  const lines: string[] = [];
  const errs: string[] = [];
  return { lines, errs, out: (s) => lines.push(s), err: (s) => errs.push(s), env };
}

let g: PolicyGateway;
let blockedId = '';
before(async () => {
  g = await startPolicyGateway(POLICY);
  const client = (k: string): Anthropic => new Anthropic({ baseURL: g.url, apiKey: k, maxRetries: 0 });
  const alice = await g.key('alice', 'payments');
  const wes = await g.key('wes', 'web');
  await client(alice).messages.create({ model: 'claude-x', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] });
  await client(wes).messages.create({ model: 'claude-x', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] });
  await client(alice).messages.create({ model: 'forbidden-1', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }).catch(() => undefined);
  blockedId = (await g.records()).at(-1)!.id;
});
after(() => g.close());

test('check: ok with a summary; errors and lint findings located, exit 1', async () => {
  const ok = io();
  assert.equal(await run(['check', 'examples/policies/pii-by-team.yaml'], ok), 0);
  assert.match(ok.lines.at(-1)!, /pii-by-team\.yaml: ok \(2 rules, 0 client entries, 0 exceptions, 0 limits; combine: most-severe; 0 error\(s\), 0 warning\(s\); hash [0-9a-f]{12}\)/);
  const bad = join(g.dir, 'bad.yaml');
  writeFileSync(bad, 'version: 1\nrules:\n  - id: a\n    when: { detectors: [secretz] }\n    action: block\n  - id: b\n    when: { detectors: [secretz], teams: [x] }\n    action: alert\n');
  const b = io();
  assert.equal(await run(['check', bad], b), 1);
  assert.match(b.errs.join('\n'), /bad\.yaml:4:25: error: rules\[0\]\.when\.detectors\[0\]: found unknown detector 'secretz'/);
  assert.match(b.lines.join('\n'), /bad\.yaml:6:5: warning: rules\[1\]: rule 'b' can never decide/);
  const invalid = io();
  writeFileSync(bad, 'version: 1\nrules:\n  - id: a\n    action: nope\n');
  assert.equal(await run(['check', bad], invalid), 1);
  assert.match(invalid.errs[0]!, /bad\.yaml:4:13: error: rules\[0\]\.action: found 'nope'/);
});

test('explain: the deciding rule, the policy version and every rule re-run from the stored text', async () => {
  const o = io();
  assert.equal(await run(['explain', blockedId, '--store', `sqlite:${join(g.dir, 'airlock.db')}`], o), 0);
  const text = o.lines.join('\n');
  assert.match(text, /decision: block by no-forbidden-models: this exchange is blocked by policy \(rule no-forbidden-models\)/);
  assert.match(text, new RegExp(`policy version: ${g.policy.current.hash}`));
  assert.match(text, /MATCH no-forbidden-models/);
  assert.match(text, /- {3}web-alert: teams did not match/);
  assert.match(text, /=> block by no-forbidden-models \(same as recorded\)/);
});

test('test --replay: what a candidate policy would change, by rule and team, from the store and from JSONL', async () => {
  const candidate = join(g.dir, 'candidate.yaml');
  writeFileSync(candidate, 'version: 1\nrules:\n  - id: payments-block\n    when: { teams: [payments] }\n    action: block\n');
  const o = io();
  assert.equal(await run(['test', candidate, '--replay', `sqlite:${join(g.dir, 'airlock.db')}`], o), 0);
  const text = o.lines.join('\n');
  assert.match(text, /replayed 3 of 3 exchanges \(0 ended before a decision\); 0 unchanged, 3 would change/);
  assert.match(text, /payments-block\s+allow → block\s+1/);
  assert.match(text, /payments-block\s+block \(no-forbidden-models → payments-block\)\s+1/);
  assert.match(text, /web-alert\s+alert → allow\s+1/);
  assert.match(text, /by team:\n.*\n.*\npayments\s+allow → block\s+1\npayments\s+block \(no-forbidden-models → payments-block\)\s+1\nweb\s+alert → allow\s+1/);
  // JSONL (as exported by `airlock audit export`): the same answer, no prompt text needed.
  const jsonl = join(g.dir, 'trail.jsonl');
  writeFileSync(jsonl, (await g.store.readAudit()).map((r) => JSON.stringify(r)).join('\n'));
  const j = io();
  assert.equal(await run(['test', candidate, '--replay', jsonl], j), 0);
  assert.match(j.lines[0]!, /replayed 3 of 3 exchanges .* 3 would change/);
});

test('test --replay --json / --html / --since / --until / --fail-on-change: the same answer as a report, a window, a CI gate', async () => {
  const candidate = join(g.dir, 'candidate2.yaml');
  writeFileSync(candidate, 'version: 1\nrules:\n  - id: payments-block\n    when: { teams: [payments] }\n    action: block\n');
  const recs = await g.store.readAudit();
  // A record with a client-controlled model name that tries to inject markup and hide text.
  const evil = { ...recs[0]!, id: 'evil-1', model: '<script>alert(1)</script>\u202Egnp.exe', time: '2031-01-01T00:00:00.000Z' };
  const jsonl = join(g.dir, 'trail2.jsonl');
  writeFileSync(jsonl, [...recs, evil].map((r) => JSON.stringify(r)).join('\n') + '\n');
  const store = `sqlite:${join(g.dir, 'airlock.db')}`;

  const j = io();
  assert.equal(await run(['test', candidate, '--replay', store, '--json'], j), 0);
  const out = JSON.parse(j.lines.join('\n')) as { replayed: number; changed: number; unchanged: number; byChange: Record<string, number>; changes: { id: string }[]; policyHash: string };
  assert.equal(out.replayed, 3);
  assert.equal(out.changed, 3);
  assert.deepEqual(out.byChange, { 'allow → block': 1, 'block (no-forbidden-models → payments-block)': 1, 'alert → allow': 1 });
  assert.equal(out.changes.length, 3);
  assert.match(out.policyHash, /^[0-9a-f]{64}$/);

  // A window: only the records in it are replayed (the JSONL's extra record is years later).
  const w = io();
  assert.equal(await run(['test', candidate, '--replay', jsonl, '--since', '2030-06-01', '--json'], w), 0);
  assert.equal((JSON.parse(w.lines.join('\n')) as { total: number }).total, 1);
  const u = io();
  assert.equal(await run(['test', candidate, '--replay', store, '--until', recs[1]!.time, '--json'], u), 0);
  assert.equal((JSON.parse(u.lines.join('\n')) as { total: number }).total, recs.filter((r) => r.time < recs[1]!.time).length);
  const far = io();
  assert.equal(await run(['test', candidate, '--replay', store, '--since', '2030-01-01T00:00:00Z'], far), 0);
  assert.match(far.lines[0]!, /replayed 0 of 0 exchanges from 2030-01-01T00:00:00\.000Z to now/);
  await assert.rejects(run(['test', candidate, '--replay', store, '--since', 'last tuesday'], io()), /--since: expected a date \(2026-12-01\), a date-time with an offset \(2026-12-01T10:00:00Z\) or a duration before now \(7d, 24h, 30m\), got 'last tuesday'/);

  // The report: self-contained, every client-controlled string escaped, invisible characters shown.
  const report = join(g.dir, 'replay.html');
  const h = io();
  assert.equal(await run(['test', candidate, '--replay', jsonl, '--html', report], h), 0);
  assert.match(h.lines.join('\n'), /report: .*replay\.html/);
  const html = readFileSync(report, 'utf8');
  assert.match(html, /^<!doctype html>/);
  assert.match(html, /would change<b>4<\/b>/);
  assert.match(html, /allow → block/);
  assert.match(html, /payments-block/);
  assert.ok(!html.includes('<script>'), 'no markup from the trail');
  assert.ok(!/<script|src=|href=/i.test(html), 'no scripts or external resources');
  assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;<span class="cp">U\+202E<\/span>gnp\.exe/);

  // CI gate: exit 1 when a decision would change, 0 when none would.
  assert.equal(await run(['test', candidate, '--replay', store, '--fail-on-change'], io()), 1);
  const same = join(g.dir, 'same.yaml');
  writeFileSync(same, POLICY);
  const s = io();
  assert.equal(await run(['test', same, '--replay', store, '--fail-on-change'], s), 0);
  assert.match(s.lines[0]!, /0 would change/);
});

test('parseTime (--since, --until): durations before now, dates as UTC midnight, date-times as given', () => {
  const now = Date.UTC(2026, 11, 7, 12, 0, 0);
  assert.equal(parseTime('7d', '--since', now), '2026-11-30T12:00:00.000Z');
  assert.equal(parseTime('24h', '--since', now), '2026-12-06T12:00:00.000Z');
  assert.equal(parseTime('30m', '--since', now), '2026-12-07T11:30:00.000Z');
  assert.equal(parseTime('2026-12-01', '--since', now), '2026-12-01T00:00:00.000Z');
  assert.equal(parseTime('2026-12-01T10:00:00+02:00', '--since', now), '2026-12-01T08:00:00.000Z');
  assert.throws(() => parseTime('7w', '--until', now), /--until: expected a date/);
});

test('hash-value: the same keyed hash the gateway puts in findings, from the same secret', async () => {
  const o = io({ AIRLOCK_HASH_SECRET: 'test-secret' });
  assert.equal(await run(['hash-value'], o, async () => 'hJ8sK2mZp4Lq9WvX1tYb7NcR5eF3gD6aQ0uIoPzE\n'), 0);
  assert.equal(o.lines[0], hashValue('test-secret', 'hJ8sK2mZp4Lq9WvX1tYb7NcR5eF3gD6aQ0uIoPzE'));
  assert.match(o.lines[0]!, /^[0-9a-f]{32}$/);
  assert.ok(!o.lines.join('').includes('hJ8s'), 'the value itself is never printed');
});

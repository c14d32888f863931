// Replay of a candidate policy over recorded entries, one at a time: every change counted, the
// examples bounded per kind of change, the same summary as replaying a whole array.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compilePolicy, pickExamples, Replay, replay, type ReplayChange } from '../../src/core/policy/index.ts';
import { makeEntry } from '../store/entries.ts';

const policy = (text: string) => {
  const r = compilePolicy(text);
  assert.ok(r.ok, JSON.stringify(!r.ok && r.issues));
  return r.policy;
};

// Entries: users alternate alice/bob; every third is team payments; the recorded decisions are allow.
const entries = Array.from({ length: 300 }, (_, i) => makeEntry(i + 1));
const CANDIDATE = 'version: 1\nrules:\n  - id: payments-block\n    when: { teams: [payments] }\n    action: block\n  - id: bob-alert\n    when: { users: [bob] }\n    action: alert\n';

test('Replay: counts every change, keeps the first `keep` of each kind, and agrees with replay()', () => {
  const p = policy(CANDIDATE);
  const r = new Replay(p, { keep: 3 });
  let returned = 0;
  for (const e of entries) if (r.add(e) !== null) returned++;
  const s = r.summary();
  const payments = entries.filter((e) => e.team === 'payments').length;
  const bobOnly = entries.filter((e) => e.team !== 'payments' && e.user === 'bob').length;
  assert.equal(s.total, 300);
  assert.equal(s.replayed, 300);
  assert.equal(s.changed, payments + bobOnly);
  assert.equal(returned, s.changed);
  assert.equal(s.unchanged, 300 - s.changed);
  assert.deepEqual(s.byChange, { 'allow → block': payments, 'allow → alert': bobOnly });
  assert.deepEqual(s.byRule, { 'payments-block': { 'allow → block': payments }, 'bob-alert': { 'allow → alert': bobOnly } });
  // Three examples of each kind, in the trail's order: the rarer kind is not crowded out.
  assert.equal(s.changes.length, 6);
  assert.deepEqual(s.changes.map((c) => c.after.ruleId), ['bob-alert', 'payments-block', 'bob-alert', 'payments-block', 'bob-alert', 'payments-block']);
  assert.deepEqual(s.changes.map((c) => c.id), [...s.changes].sort((a, b) => a.time.localeCompare(b.time)).map((c) => c.id));
  assert.equal(s.from, entries[0]!.time);
  assert.equal(s.to, entries.at(-1)!.time);
  // Without a bound: every change kept, and the function form gives the same counts.
  const all = replay(p, entries);
  assert.equal(all.changes.length, s.changed);
  assert.deepEqual({ ...all, changes: [] }, { ...s, changes: [] });
});

test('Replay: records without a decision are skipped, not guessed; response findings never decide', () => {
  const p = policy('version: 1\nrules:\n  - id: any-secret\n    when: { detectors: [secrets] }\n    action: block\n');
  const f = makeEntry(4).findings[0]!;
  const r = new Replay(p);
  assert.equal(r.add({ ...makeEntry(1), decision: null }), null);
  assert.equal(r.add({ ...makeEntry(2), findings: [{ ...f, detector: 'secrets', segmentPath: 'response.content[0].text' }] }), null);
  const c = r.add({ ...makeEntry(3), findings: [{ ...f, detector: 'secrets', segmentPath: 'messages[0].content' }] });
  assert.equal(c?.after.action, 'block');
  assert.deepEqual([r.summary().skipped, r.summary().unchanged, r.summary().changed], [1, 1, 1]);
});

test('pickExamples: each kind in turn, up to n', () => {
  const ch = (id: string, rule: string, after: string): ReplayChange => ({ id, time: id, team: null, user: null, tool: null, model: null, before: { action: 'allow', ruleId: null }, after: { action: after, ruleId: rule, reason: '' } });
  const list = [ch('1', 'a', 'block'), ch('2', 'a', 'block'), ch('3', 'a', 'block'), ch('4', 'b', 'alert'), ch('5', 'a', 'alert')];
  assert.deepEqual(pickExamples(list, 4).map((c) => c.id), ['1', '4', '5', '2']);
  assert.deepEqual(pickExamples(list, 10).map((c) => c.id), ['1', '4', '5', '2', '3']);
  assert.deepEqual(pickExamples(list, 0), []);
});

const ROUTED = (target: string): string => `version: 1\nrules:\n  - id: payments-inhouse\n    when: { teams: [payments], upstreams: [anthropic] }\n    action: route(${target})\n`;
// Recorded by the gateway: picked `anthropic` for the model, routed to `inhouse` by the rule.
const routedEntry = (i: number, from?: string) => makeEntry(i, {
  team: 'payments', upstream: 'inhouse',
  decision: { action: 'route', ruleId: 'payments-inhouse', reason: "routed to upstream 'inhouse' (rule payments-inhouse)", upstream: 'inhouse', ...(from !== undefined ? { from } : {}) },
});

test('Replay: a route to another upstream is a change, labelled with both targets', () => {
  const same = new Replay(policy(ROUTED('inhouse')));
  assert.equal(same.add(routedEntry(3, 'anthropic')), null);
  assert.equal(same.summary().unchanged, 1);
  const r = new Replay(policy(ROUTED('openai')));
  const c = r.add(routedEntry(3, 'anthropic'));
  assert.deepEqual([c?.before, c?.after.upstream], [{ action: 'route', ruleId: 'payments-inhouse', upstream: 'inhouse' }, 'openai']);
  assert.deepEqual(r.summary().byChange, { 'route(inhouse) → route(openai)': 1 });
  assert.deepEqual(r.summary().byRule, { 'payments-inhouse': { 'route(inhouse) → route(openai)': 1 } });
});

test('Replay: a routed exchange is re-decided for the upstream it was picked for (decision.from), else its recorded one', () => {
  // With `from`, the rule's `upstreams: [anthropic]` condition sees anthropic, as the gateway did.
  const r = new Replay(policy(ROUTED('inhouse')));
  assert.equal(r.add(routedEntry(3, 'anthropic')), null);
  // An older record without `from` can only be replayed with where it went: the rule no longer matches.
  assert.equal(r.add(routedEntry(6))?.after.action, 'allow');
  assert.deepEqual([r.summary().unchanged, r.summary().changed], [1, 1]);
  // An explicit upstreamOf (the CLI's --config) still has the last word.
  assert.equal(new Replay(policy(ROUTED('inhouse')), { upstreamOf: () => 'openai' }).add(routedEntry(3, 'anthropic'))?.after.action, 'allow');
});

// Passive covert-channel detection inside the gateway: users of one tool version whose system
// prompts differ only by a look-alike character are flagged in the audit trail; dates, paths and
// user names that legitimately differ are not; a policy rule can act on the finding.
import { describe, test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { writeFileSync } from 'node:fs';
import { startHarness, type Harness } from '../helpers/harness.ts';
import { startPolicyGateway } from '../policy/helpers.ts';
import { BaselineObserver } from '../../src/gateway/baselines.ts';

const PROMPT = (user: string, quote: string, date: string): string => [
  'You are Acme Code, a coding agent.',
  `Today${quote}s date is ${date}.`,
  `Working directory: /home/${user}/src/app`,
  'Follow the repository conventions. Never invent APIs.',
  'Use the tools provided; prefer small, reviewable changes.',
].join('\n');

// Without a policy the baselines live where inspection runs after the response: on the gateway's
// thread, or in the inspection worker (as under `serve`), which loads and saves them itself.
for (const workers of [false, true]) {
  describe(workers ? 'in the inspection worker' : 'on the gateway thread', () => {
    let h: Harness;
    before(async () => {
      h = await startHarness({ workers });
    });
    after(() => h.close());

    async function call(tool: string, user: string, system: string): Promise<void> {
      const { key } = await h.store.createKey({ user, team: 'web', role: 'developer' });
      const client = new Anthropic({ baseURL: h.url, apiKey: key, maxRetries: 0, defaultHeaders: { 'user-agent': tool } });
      await client.messages.create({
        model: 'claude-x', max_tokens: 5, system,
        tools: [{ name: 'Read', description: 'Read a file from disk', input_schema: { type: 'object', properties: { path: { type: 'string' } } } }],
        messages: [{ role: 'user', content: `task of ${user}` }],
      });
    }

    test('a look-alike quote that splits users into groups is a HIGH covert finding', async () => {
      const users = ['ann', 'bob', 'cai', 'dee', 'eve', 'fay'];
      for (const [i, u] of users.entries()) {
        // Users in one time zone get U+2019 instead of U+0027: the same text to a human reader.
        await call('acme-cli/3.1.0', u, PROMPT(u, i % 2 === 0 ? '\u0027' : '\u2019', `2026-11-${10 + i}`));
      }
      const recs = (await h.records()).filter((r) => r.tool === 'acme-cli');
      const covert = recs.flatMap((r) => r.findings.filter((f) => f.detector === 'covert'));
      const high = covert.filter((f) => f.severity === 'high');
      assert.ok(high.some((f) => f.rule === 'confusable-variant'), JSON.stringify(covert, null, 1));
      assert.ok(high.some((f) => /U\+2019/.test(f.detail ?? '')), 'code points shown');
      assert.ok(!covert.some((f) => f.rule === 'format-variant' || (f.severity === 'high' && /home|2026-11/.test(f.detail ?? ''))), 'dates and paths are slots, not signals');
    });

    test('a tool whose prompts differ only in legitimate dynamic content gets no covert finding', async () => {
      for (const [i, u] of ['gus', 'hal', 'ivy', 'jon', 'kim'].entries()) await call('clean-cli/1.0.0', u, PROMPT(u, "'", `2026-12-0${i + 1}`));
      const recs = (await h.records()).filter((r) => r.tool === 'clean-cli');
      assert.equal(recs.length, 5);
      const covert = recs.flatMap((r) => r.findings.filter((f) => f.detector === 'covert' && f.severity !== 'info'));
      assert.deepEqual(covert, []);
    });
  });
}

test('redaction never touches a prompt because of covert findings; info findings do not alert', async () => {
  const r = await startHarness({ config: { inspection: { enabled: true, responses: true, redact: true } } });
  try {
    for (const [i, u] of ['lea', 'max', 'ned', 'ola'].entries()) {
      const { key } = await r.store.createKey({ user: u, team: 'web', role: 'developer' });
      const client = new Anthropic({ baseURL: r.url, apiKey: key, maxRetries: 0, defaultHeaders: { 'user-agent': 'quote-cli/1.0.0' } });
      await client.messages.create({ model: 'm', max_tokens: 5, system: PROMPT(u, i % 2 === 0 ? "'" : '\u2019', '2026-11-01'), messages: [{ role: 'user', content: 'hi' }] });
    }
    const recs = await r.records();
    assert.equal(recs[0]!.decision?.action, 'allow', 'a first prompt (new-content, info) is not an alert');
    assert.ok(recs.some((x) => x.findings.some((f) => f.rule === 'confusable-variant')));
    // Every prompt reached the upstream unchanged.
    for (const q of r.mock.requests) assert.doesNotMatch(q.body.toString(), /REDACTED/);
  } finally {
    await r.close();
  }
});

test('with a policy, prompts are compared before forwarding only while a rule can act on the findings', async () => {
  const alertOnly = `version: 1
rules:
  - { id: covert-alert, when: { detectors: [covert], severity: high }, action: alert }
  - { id: no-secrets, when: { detectors: [secrets] }, action: block }
`;
  const g = await startPolicyGateway(alertOnly);
  // Each comparison notes how many requests the provider had received when it ran.
  const seen: number[] = [];
  const observe = BaselineObserver.prototype.observe;
  BaselineObserver.prototype.observe = function (this: BaselineObserver, input) {
    seen.push(g.mock.requests.length);
    return observe.call(this, input);
  };
  try {
    const send = async (tool: string, u: string, i: number): Promise<'ok' | 'blocked'> => {
      const client = new Anthropic({ baseURL: g.url, apiKey: await g.key(u, 'web'), maxRetries: 0, defaultHeaders: { 'user-agent': tool } });
      try {
        await client.messages.create({ model: 'claude-x', max_tokens: 5, system: PROMPT(u, i % 2 === 0 ? "'" : '\u2019', '2026-11-01'), messages: [{ role: 'user', content: 'hi' }] });
        return 'ok';
      } catch (e) {
        assert.ok(e instanceof Anthropic.PermissionDeniedError, String(e));
        assert.match(e.message, /covert-block/);
        return 'blocked';
      }
    };
    const users = ['pia', 'quin', 'ros', 'sam', 'tao', 'uma'];
    // Alert-only: the comparison runs after the response (the provider already has the request),
    // and its findings and the alert they trigger are in the record.
    for (const [i, u] of users.entries()) assert.equal(await send('acme-cli/4.0.0', u, i), 'ok');
    assert.deepEqual(seen, [1, 2, 3, 4, 5, 6]);
    const recs = await g.records();
    const flagged = recs.filter((r) => r.findings.some((f) => f.rule === 'confusable-variant'));
    assert.ok(flagged.length > 0, 'covert findings compared late reach the record');
    for (const r of flagged) assert.equal(r.decision?.ruleId, 'covert-alert', 'the recorded decision includes them');
    assert.ok(recs.filter((r) => !flagged.includes(r)).every((r) => r.decision?.action === 'allow'));
    // A reloaded policy that blocks on them: compared before forwarding, and the variant is refused.
    writeFileSync(g.policyFile, alertOnly.replace('action: alert', 'action: block').replace('covert-alert', 'covert-block'));
    assert.equal(g.policy.reload('test'), true);
    seen.length = 0;
    const before = g.mock.requests.length;
    const outcomes: string[] = [];
    for (const [i, u] of users.entries()) outcomes.push(await send('acme-cli/4.1.0', u, i));
    assert.ok(outcomes.includes('blocked'), outcomes.join());
    assert.equal(g.mock.requests.length - before, outcomes.filter((o) => o === 'ok').length, 'a refused variant never reaches the provider');
    // Every comparison ran before its request was forwarded.
    let forwarded = before;
    for (const [i, o] of outcomes.entries()) {
      assert.equal(seen[i], forwarded);
      if (o === 'ok') forwarded++;
    }
  } finally {
    BaselineObserver.prototype.observe = observe;
    await g.close();
  }
});

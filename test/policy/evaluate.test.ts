// How rules combine (most-severe and first-match), failure modes, exceptions, routes, identities
// and limits, on findings constructed here (independent of the detectors).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compilePolicy, type CompiledPolicy, type PolicyInput } from '../../src/core/policy/index.ts';
import { finding } from './helpers.ts';
import { prng } from '../fixtures/secrets/samples.ts';
import { covertFindingKinds } from '../../src/core/covert/baseline.ts';

const compile = (text: string): CompiledPolicy => {
  const r = compilePolicy(text);
  assert.ok(r.ok, JSON.stringify(r.issues));
  return r.policy;
};
const input = (over: Partial<PolicyInput> = {}): PolicyInput => ({
  identity: { keyId: 'key_1', user: 'alice', team: 'payments', role: 'developer' },
  client: { tool: 'claude-cli', version: '2.1.90' },
  dialect: 'anthropic',
  upstream: 'anthropic',
  model: 'claude-sonnet-4-5',
  findings: [],
  now: Date.parse('2026-06-01T12:00:00Z'),
  ...over,
});

const RULES = `version: 1
rules:
  - id: secrets-alert
    when: { detectors: [secrets] }
    action: alert
  - id: secrets-in-tool-results
    when: { detectors: [secrets], segments: [tool_result] }
    action: block
  - id: pii-redact
    when: { tags: [pii] }
    action: redact
  - id: big-models-inhouse
    when: { models: ["claude-opus-*"] }
    action: route(inhouse)
`;

test('most-severe: block > route > redact > alert > allow; the first rule with the winning action decides', () => {
  const p = compile(RULES);
  const v = p.evaluate(input({ findings: [finding({ role: 'user' }), finding()], sourceOf: () => '.env' }));
  assert.equal(v.decision.action, 'block');
  assert.equal(v.decision.ruleId, 'secrets-in-tool-results');
  assert.equal(v.decision.reason, 'an AWS secret access key was found in a tool result (.env); remove it or ask for an exception: rule secrets-in-tool-results');
  assert.deepEqual(v.matches.map((m) => m.ruleId), ['secrets-alert', 'secrets-in-tool-results']);
  assert.deepEqual(v.redact, [], 'nothing is redacted when blocking');
  // Only a user-message secret: the alert rule decides.
  const a = p.evaluate(input({ findings: [finding({ role: 'user' })] }));
  assert.deepEqual([a.decision.action, a.decision.ruleId], ['alert', 'secrets-alert']);
  // Route beats redact, and the routed exchange is still redacted.
  const email = finding({ detector: 'pii', rule: 'email', severity: 'medium', role: 'user' });
  const r = p.evaluate(input({ model: 'claude-opus-4-1', findings: [email] }));
  assert.deepEqual([r.decision.action, r.decision.ruleId, r.decision.upstream], ['route', 'big-models-inhouse', 'inhouse']);
  assert.deepEqual(r.redact, [email]);
  // Nothing matches: allow, no rule.
  assert.deepEqual(p.evaluate(input()).decision, { action: 'allow', ruleId: null, reason: 'no rule matched' });
});

test('first-match: the first matching rule decides, even an allow', () => {
  const p = compile(`version: 1
combine: first-match
rules:
  - id: security-team-may
    when: { teams: [security] }
    action: allow
  - id: secrets-block
    when: { detectors: [secrets] }
    action: block
`);
  const sec = p.evaluate(input({ identity: { keyId: 'k', user: 'eve', team: 'security', role: 'developer' }, findings: [finding()] }));
  assert.deepEqual([sec.decision.action, sec.decision.ruleId], ['allow', 'security-team-may']);
  assert.equal(p.evaluate(input({ findings: [finding()] })).decision.action, 'block');
});

test('finding conditions: severity, confidence, rule globs, count, tags by classification', () => {
  const p = compile(`version: 1
classification:
  secrets/aws-*: [cloud-credential]
rules:
  - id: three-high
    when: { severity: high, count: 3 }
    action: block
  - id: aws-glob
    when: { findings: ["secrets/aws-*"], confidence: 0.8 }
    action: alert
  - id: cloud-tag
    when: { tags: [cloud-credential] }
    action: redact
`);
  const two = p.evaluate(input({ findings: [finding(), finding({ rule: 'aws-access-key' })] }));
  assert.deepEqual([two.decision.action, two.decision.ruleId], ['redact', 'cloud-tag']);
  const three = p.evaluate(input({ findings: [finding(), finding(), finding({ rule: 'github-pat', severity: 'high' })] }));
  assert.equal(three.decision.ruleId, 'three-high');
  const low = p.evaluate(input({ findings: [finding({ rule: 'github-pat', confidence: 0.5 })] }));
  assert.equal(low.decision.action, 'allow');
});

test('exchange conditions: tools and versions, teams, users, roles, upstreams, models', () => {
  const p = compile(`version: 1
rules:
  - id: old-cli
    when: { tools: [{ name: claude-cli, versions: "<2.1.0" }] }
    action: alert
  - id: admins-on-openai
    when: { roles: [admin], upstreams: [openai] }
    action: alert
  - id: bob
    when: { users: [bob], teams: [web] }
    action: block
`);
  assert.equal(p.evaluate(input({ client: { tool: 'claude-cli', version: '2.0.5' } })).decision.ruleId, 'old-cli');
  assert.equal(p.evaluate(input()).decision.ruleId, null);
  assert.equal(p.evaluate(input({ client: { tool: 'claude-cli', version: null } })).decision.ruleId, null, 'no version matches no range');
  assert.equal(p.evaluate(input({ identity: { keyId: 'k', user: 'root', team: null, role: 'admin' }, upstream: 'openai' })).decision.ruleId, 'admins-on-openai');
  assert.equal(p.evaluate(input({ identity: { keyId: 'k', user: 'bob', team: 'web', role: 'developer' } })).decision.action, 'block');
  assert.equal(p.evaluate(input({ identity: { keyId: 'k', user: 'bob', team: 'other', role: 'developer' } })).decision.action, 'allow');
});

test('clients: a banned range blocks with an actionable reason; unknown tools alert or block', () => {
  const p = compile(`version: 1
clients:
  unknown: block
  tools:
    - { name: claude-cli, versions: ">=2.1.91 <2.1.93", action: block, reason: covert signalling in system prompt }
    - { name: claude-cli, action: allow }
`);
  const b = p.evaluate(input({ client: { tool: 'claude-cli', version: '2.1.92' } }));
  assert.equal(b.decision.action, 'block');
  assert.equal(b.decision.reason, 'claude-cli 2.1.92 is blocked by policy: covert signalling in system prompt; use a version outside >=2.1.91 <2.1.93 (rule clients.claude-cli@>=2.1.91 <2.1.93)');
  assert.equal(p.evaluate(input({ client: { tool: 'claude-cli', version: '2.1.93' } })).decision.action, 'allow');
  const u = p.evaluate(input({ client: { tool: 'mystery-agent', version: '0.1.0' } }));
  assert.deepEqual([u.decision.action, u.decision.ruleId], ['block', 'clients.unknown']);
  const alertOnly = compile('version: 1\nclients:\n  tools: [{ name: codex, action: allow }]\n');
  assert.deepEqual([alertOnly.evaluate(input()).decision.action, alertOnly.evaluate(input()).decision.ruleId], ['alert', 'clients.unknown']);
});

test('failure modes: block rules fail closed by default, others open; per rule override', () => {
  const p = compile(`version: 1
rules:
  - id: secrets-block
    when: { detectors: [secrets], segments: [tool_result] }
    action: block
  - id: pii-alert
    when: { detectors: [pii] }
    action: alert
  - id: pii-block-open
    when: { detectors: [pii], teams: [web] }
    action: block
    failure: open
`);
  const errs = [{ detector: 'secrets', message: 'exceeded its time budget (300.0 ms > 250 ms)' }];
  const v = p.evaluate(input({ detectorErrors: errs }));
  assert.deepEqual([v.decision.action, v.decision.ruleId], ['block', 'secrets-block']);
  assert.match(v.decision.reason, /detector 'secrets' failed \(exceeded its time budget.*\) and rule secrets-block fails closed/);
  const pii = p.evaluate(input({ identity: { keyId: 'k', user: 'w', team: 'web', role: 'developer' }, detectorErrors: [{ detector: 'pii', message: 'boom' }] }));
  assert.equal(pii.decision.action, 'allow');
  assert.deepEqual(pii.failedOpen, ['pii-alert', 'pii-block-open']);
});

test('exceptions: a hash, a rule and a user or team, until expiry', () => {
  const p = compile(`version: 1
rules:
  - id: secrets-block
    when: { detectors: [secrets] }
    action: block
exceptions:
  - { rule: secrets-block, team: payments, valueHash: 0123456789abcdef0123456789abcdef, expires: 2026-06-30, reason: test fixture }
`);
  const f = finding({ valueHash: '0123456789abcdef0123456789abcdef' });
  const ok = p.evaluate(input({ findings: [f] }));
  assert.equal(ok.decision.action, 'allow');
  assert.equal(ok.excepted.length, 1);
  assert.equal(p.evaluate(input({ findings: [f], now: Date.parse('2026-07-01T00:00:00Z') })).decision.action, 'block', 'expired');
  assert.equal(p.evaluate(input({ findings: [f], now: Date.parse('2026-06-30T23:59:00Z') })).decision.action, 'allow', 'a date runs to the end of the day');
  assert.equal(p.evaluate(input({ findings: [f], identity: { keyId: 'k', user: 'x', team: 'web', role: 'developer' } })).decision.action, 'block', 'other team');
  assert.equal(p.evaluate(input({ findings: [f, finding({ valueHash: 'ffff456789abcdef0123456789abcdef' })] })).decision.action, 'block', 'another value');
});

test('routes: grants per team; a route action is checked against them', () => {
  const p = compile(`version: 1
routes:
  - { teams: [research], upstreams: [inhouse] }
  - { teams: [payments], upstreams: [anthropic], models: ["claude-sonnet-*"] }
rules:
  - { id: research-inhouse, when: { teams: [research] }, action: route(inhouse) }
`);
  const research = { keyId: 'k', user: 'rita', team: 'research', role: 'developer' } as const;
  const r = p.evaluate(input({ identity: research }));
  assert.deepEqual([r.decision.action, r.decision.upstream], ['route', 'inhouse']);
  assert.equal(p.evaluate(input()).decision.action, 'allow');
  const opus = p.evaluate(input({ model: 'claude-opus-4-1' }));
  assert.deepEqual([opus.decision.action, opus.decision.ruleId], ['block', 'routes']);
  assert.match(opus.decision.reason, /user alice \(team payments\) may not use model 'claude-opus-4-1' on upstream 'anthropic'/);
});

test('identities: the policy sets team and role; limits pick the most specific entry per scope', () => {
  const p = compile(`version: 1
identities:
  users: [{ name: alice, team: platform, role: admin }]
rules:
  - { id: platform-alert, when: { teams: [platform], roles: [admin] }, action: alert }
limits:
  - { scope: user, requestsPerMinute: 60 }
  - { scope: user, name: alice, requestsPerMinute: 600, tokensPerDay: 1000000 }
  - { scope: team, tokensPerDay: 5000000 }
`);
  const v = p.evaluate(input());
  assert.equal(v.decision.ruleId, 'platform-alert');
  assert.equal(v.identity.team, 'platform');
  assert.deepEqual(p.limitsFor(input().identity), [
    { scope: 'user', subject: 'alice', requestsPerMinute: 600, tokensPerDay: 1000000 },
    { scope: 'team', subject: 'platform', tokensPerDay: 5000000 },
  ]);
  assert.deepEqual(p.limitsFor({ keyId: 'k', user: 'bob', team: null, role: 'developer' }), [{ scope: 'user', subject: 'bob', requestsPerMinute: 60 }]);
});

test('rule reasons: templates fill placeholders and always name the rule', () => {
  const p = compile(`version: 1
rules:
  - id: pii-payments
    when: { tags: [pii] }
    action: block
    reason: "personal data ({finding}) in {where}"
`);
  const v = p.evaluate(input({ findings: [finding({ detector: 'pii', rule: 'email', role: 'user' })] }));
  assert.equal(v.decision.reason, 'personal data (email) in user (rule pii-payments)');
});

test('trace: explain says which condition failed for every rule', () => {
  const p = compile(RULES);
  const v = p.evaluate(input({ findings: [finding({ role: 'user' })] }), { trace: true });
  assert.deepEqual(v.trace!.map((t) => [t.ruleId, t.matched, t.why.slice(0, 30)]), [
    ['secrets-alert', true, 'an AWS secret access key was f'],
    ['secrets-in-tool-results', false, 'no finding matched (segments)'],
    ['pii-redact', false, 'no finding matched (tags)'],
    ['big-models-inhouse', false, 'models did not match'],
  ]);
});

test('actsOn: whether findings of a kind could change what happens to an exchange', () => {
  const covert = covertFindingKinds();
  const acts = (rules: string, combine = ''): boolean => compile(`version: 1\n${combine}rules:\n${rules}`).actsOn(covert);
  // A block, route or redact rule that a covert finding can meet.
  assert.equal(acts('  - { id: r, when: { detectors: [covert] }, action: block }\n'), true);
  assert.equal(acts('  - { id: r, when: { findings: [confusable-variant] }, action: route(inhouse) }\n'), true);
  assert.equal(acts('  - { id: r, when: { severity: high, segments: [system] }, action: redact }\n'), true);
  assert.equal(acts('  - { id: r, when: { count: 3 }, action: block }\n'), true, 'a count of any findings counts covert ones too');
  // Rules no covert finding can meet, or that only alert under most-severe.
  assert.equal(acts('  - { id: r, when: { detectors: [secrets] }, action: block }\n'), false);
  assert.equal(acts('  - { id: r, when: { severity: critical }, action: block }\n'), false, 'covert findings are at most high');
  assert.equal(acts('  - { id: r, when: { tags: [obfuscation] }, action: block }\n'), false);
  assert.equal(acts('  - { id: r, when: { segments: [header], detectors: [covert] }, action: block }\n'), true, 'every role is asked about, not only prompts');
  assert.equal(acts('  - { id: r, when: { detectors: [covert] }, action: alert }\n'), false);
  assert.equal(acts('  - { id: r, when: { models: ["x-*"] }, action: block }\n'), false, 'a rule without a finding condition does not depend on findings');
  // Under first-match an alert rule that a covert finding meets decides which rule is reached.
  assert.equal(acts('  - { id: r, when: { detectors: [covert] }, action: alert }\n', 'combine: first-match\n'), true);
  // A classification that tags covert findings makes a tag rule depend on them.
  assert.equal(acts('  - { id: r, when: { tags: [signal] }, action: block }\n', 'classification: { covert: [signal] }\n'), true);
});

test('which rules a finding passes is remembered by what the tests read: the same verdicts as testing every rule on every finding (traced)', async () => {
  const { policy50 } = await import('../../bench/policy.ts');
  const r = compilePolicy(policy50(), { upstreams: ['anthropic', 'openai', 'inhouse'] });
  assert.ok(r.ok);
  const p = r.policy;
  const kinds: [string, string][] = [['secrets', 'aws-secret-key'], ['secrets', 'github-pat'], ['pii', 'email'], ['pii', 'internal-ip'], ['internal-infra', 'internal-host'], ['hidden-chars', 'tag-characters'], ['confusables', 'latin-lookalike'], ['covert', 'prompt-variant']];
  const roles = ['tool_result', 'user', 'system', 'tool_call', 'tool_definition', 'header'] as const;
  const severities = ['low', 'medium', 'high', 'critical'] as const;
  const r01 = prng(7);
  const rnd = (n: number): number => Math.floor(r01() * n);
  const teams = ['payments', 'web', 'research', null];
  const actions = new Set<string>();
  const matched = new Set<string>();
  for (let k = 0; k < 400; k++) {
    const findings = Array.from({ length: rnd(6) }, () => {
      const [detector, rule] = kinds[rnd(kinds.length)]!;
      return finding({ detector, rule, role: roles[rnd(roles.length)]!, severity: severities[rnd(4)]!, confidence: [0.5, 0.7, 0.9, 1][rnd(4)]! });
    });
    const x = input({ findings, identity: { keyId: 'key_1', user: `user${rnd(60)}`, team: teams[rnd(4)]!, role: rnd(3) === 0 ? 'admin' : 'developer' }, model: ['claude-opus-4', 'gpt-5', 'claude-sonnet-4-5'][rnd(3)]!, upstream: ['anthropic', 'openai'][rnd(2)]! });
    const fast = p.evaluate(x);
    const traced = p.evaluate(x, { trace: true });
    const plain = (v: typeof fast) => ({ decision: v.decision, redact: v.redact, matches: v.matches.map((m) => [m.ruleId, m.findings]), excepted: v.excepted });
    assert.deepEqual(plain(fast), plain(traced), `case ${k}`);
    actions.add(fast.decision.action);
    for (const m of fast.matches) matched.add(m.ruleId);
  }
  assert.ok(actions.size >= 3 && matched.size >= 30, `${[...actions].join(',')}; ${matched.size} rules matched`);
  // A finding with tags of its own is tested directly, not by a remembered signature.
  const tagged = { ...finding({ detector: 'custom', rule: 'x' }), tags: ['pii'] } as ReturnType<typeof finding>;
  const plainOne = finding({ detector: 'custom', rule: 'x' });
  const q = compile(RULES);
  assert.equal(q.evaluate(input({ findings: [plainOne] })).decision.action, 'allow');
  assert.equal(q.evaluate(input({ findings: [tagged] })).decision.ruleId, 'pii-redact');
  assert.equal(q.evaluate(input({ findings: [plainOne] })).decision.action, 'allow');
});

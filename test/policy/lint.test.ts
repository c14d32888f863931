// Lint agrees with the evaluator: a rule is called one that can never decide only when evaluation
// shows it cannot (detector failures, exceptions and redaction under a route included); client
// entries are unreachable when the earlier entries together cover them; globbed classification keys.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compilePolicy, formatIssue, lintPolicy, type CompiledPolicy, type PolicyInput } from '../../src/core/policy/index.ts';
import { finding } from './helpers.ts';

const NOW = Date.parse('2026-06-01T00:00:00Z');

const compiled = (text: string): { policy: CompiledPolicy; lint: string[] } => {
  const r = compilePolicy(text);
  assert.ok(r.ok, JSON.stringify(!r.ok && r.issues));
  const lint = lintPolicy(r.parsed!, { detectors: ['secrets', 'pii'], findingRules: ['secrets/aws-secret-key', 'pii/email'], now: NOW });
  return { policy: r.policy, lint: lint.map((i) => formatIssue('p.yaml', i)) };
};

const input = (over: Partial<PolicyInput> = {}): PolicyInput => ({
  identity: { keyId: 'k', user: 'pat', team: 'payments', role: 'developer' },
  client: { tool: 'claude-cli', version: '2.1.90' },
  dialect: 'anthropic',
  upstream: 'anthropic',
  model: 'claude-x',
  findings: [],
  now: NOW,
  ...over,
});

test('lint: a classification key with a glob detector part is no unknown detector; the pattern is still checked', () => {
  const { lint } = compiled('version: 1\nclassification:\n  "*/email": [contact]\n  "?ii/email": [contact]\n  "*/emial": [contact]\n  pii: [personal]\n');
  assert.deepEqual(lint, ["p.yaml:5:14: warning: classification.*/emial: found finding rule '*/emial', which no detector reports"]);
  // `?` globs in classification as it does in rules: the key tags the finding.
  const tagged = compiled('version: 1\nclassification:\n  "?ii/email": [contact]\nrules:\n  - { id: contact, when: { tags: [contact] }, action: block }\n');
  assert.equal(tagged.policy.evaluate(input({ findings: [finding({ detector: 'pii', rule: 'email' })] })).decision.ruleId, 'contact');
});

const FAIL_OPEN_FIRST = `version: 1
rules:
  - id: secrets-anywhere
    when: { detectors: [secrets] }
    action: block
    failure: open
  - id: secrets-in-tool-results
    when: { detectors: [secrets], segments: [tool_result] }
    action: block
`;

test('lint: a fail-open rule does not cover a later fail-closed one (it decides when the detector fails)', () => {
  const { policy, lint } = compiled(FAIL_OPEN_FIRST);
  assert.deepEqual(lint, []);
  const v = policy.evaluate(input({ detectorErrors: [{ detector: 'secrets', message: 'timed out' }] }));
  assert.deepEqual([v.decision.action, v.decision.ruleId], ['block', 'secrets-in-tool-results']);
  // Both failing closed (or the earlier one closed, the later open): the later one never decides.
  for (const [a, b] of [['closed', 'closed'], ['closed', 'open']]) {
    const l = compiled(FAIL_OPEN_FIRST.replace('failure: open', `failure: ${a}`) + `    failure: ${b}\n`).lint;
    assert.equal(l.length, 1, `${a} then ${b}`);
    assert.match(l[0]!, /7:5: warning: rules\[1\]: rule 'secrets-in-tool-results' can never decide: rule 'secrets-anywhere'/);
  }
});

const EXCEPTED_FIRST = `version: 1
rules:
  - id: secrets-anywhere
    when: { detectors: [secrets] }
    action: block
  - id: secrets-in-tool-results
    when: { detectors: [secrets], segments: [tool_result] }
    action: block
exceptions:
  - { rule: secrets-anywhere, team: payments, valueHash: 0123456789abcdef, expires: 2026-12-31 }
`;

test('lint: an earlier rule with an exception the later rule lacks does not cover it (for the excepted team)', () => {
  const { policy, lint } = compiled(EXCEPTED_FIRST);
  assert.deepEqual(lint, []);
  const v = policy.evaluate(input({ findings: [finding({ valueHash: '0123456789abcdef' })] }));
  assert.deepEqual([v.decision.action, v.decision.ruleId], ['block', 'secrets-in-tool-results']);
  const shadowed = /rule 'secrets-in-tool-results' can never decide: rule 'secrets-anywhere'/;
  // The later rule waives the same value for the same team at least as long (or for everyone): covered.
  for (const b of ['team: payments, valueHash: 0123456789abcdef, expires: 2026-12-31', 'team: payments, valueHash: 0123456789abcdef, expires: 2027-01-31T00:00:00Z', 'user: pat, valueHash: 0123456789abcdef, expires: 2026-12-31']) {
    const l = compiled(`${EXCEPTED_FIRST}  - { rule: secrets-in-tool-results, ${b} }\n`).lint;
    if (b.startsWith('user')) assert.deepEqual(l, [], 'a waiver for one user is not one for the whole team');
    else assert.match(l.join('\n'), shadowed, b);
  }
  // Not as long, or another value: not covered.
  assert.deepEqual(compiled(`${EXCEPTED_FIRST}  - { rule: secrets-in-tool-results, team: payments, valueHash: 0123456789abcdef, expires: 2026-12-30 }\n`).lint, []);
  assert.deepEqual(compiled(`${EXCEPTED_FIRST}  - { rule: secrets-in-tool-results, team: payments, valueHash: fedcba9876543210, expires: 2026-12-31 }\n`).lint, []);
  // An exception past its expiry waives nothing: the earlier rule covers again (and the lint says it expired).
  const expired = compiled(EXCEPTED_FIRST.replace('2026-12-31', '2026-01-31')).lint;
  assert.equal(expired.length, 2);
  assert.match(expired[0]!, shadowed);
  assert.match(expired[1]!, /exception for rule 'secrets-anywhere' expired on 2026-01-31/);
});

const ROUTE_THEN_REDACT = `version: 1
rules:
  - id: research-inhouse
    when: { teams: [research] }
    action: route(inhouse)
  - id: redact-secrets
    when: { teams: [research], detectors: [secrets] }
    action: redact
`;

test('lint: a redact rule under a route rule still redacts under most-severe; under first-match it is unreachable', () => {
  const aws = finding();
  const research = input({ identity: { keyId: 'k', user: 'rita', team: 'research', role: 'developer' }, findings: [aws] });
  const most = compiled(ROUTE_THEN_REDACT);
  assert.deepEqual(most.lint, []);
  const v = most.policy.evaluate(research);
  assert.deepEqual([v.decision.action, v.decision.upstream, v.redact], ['route', 'inhouse', [aws]]);
  // A route does not shadow a redact rule, but a block after it still does (the blocked exchange is not redacted).
  const blocked = compiled(ROUTE_THEN_REDACT.replace('rules:\n', 'rules:\n  - { id: research-block, when: { teams: [research] }, action: block }\n'));
  assert.match(blocked.lint.join('\n'), /rule 'redact-secrets' can never decide: rule 'research-block' \(rules\[0\]\)/);
  assert.deepEqual(blocked.policy.evaluate(research).redact, []);
  // A redact rule under a redact rule adds nothing: the earlier one redacts every finding it would.
  assert.match(compiled(ROUTE_THEN_REDACT.replace('route(inhouse)', 'redact')).lint.join('\n'), /rule 'redact-secrets' can never decide: rule 'research-inhouse'/);
  // first-match stops at the route: the redact rule is never reached, nothing is redacted.
  const first = compiled(ROUTE_THEN_REDACT.replace('version: 1\n', 'version: 1\ncombine: first-match\n'));
  assert.equal(first.lint.length, 1);
  assert.match(first.lint[0]!, /rule 'redact-secrets' is unreachable: rule 'research-inhouse' \(rules\[0\]\) comes first/);
  assert.deepEqual(first.policy.evaluate(research).redact, []);
});

test('lint: a client entry covered by several earlier entries together is unreachable', () => {
  const { policy, lint } = compiled('version: 1\nclients:\n  tools:\n    - { name: codex, versions: "<0.40.0", action: block }\n    - { name: codex, versions: ">=0.40.0", action: allow }\n    - { name: codex, versions: "0.x", action: alert }\n');
  assert.deepEqual(lint, ['p.yaml:6:7: warning: clients.tools[2]: codex 0.x is unreachable: clients.tools[0] (<0.40.0), clients.tools[1] (>=0.40.0) come first and together cover it']);
  for (const v of ['0.39.9', '0.40.0-beta', '0.40.0', '0.99.0']) assert.notEqual(policy.evaluate(input({ client: { tool: 'codex', version: v } })).decision.ruleId, 'clients.codex@0.x', v);
  // A gap between the earlier entries (0.40.0 itself) leaves the later entry reachable: it only
  // partly overlaps `>0.40.0` (it is wider than `<0.40.0`, the usual ban-then-allow).
  const gap = compiled('version: 1\nclients:\n  tools:\n    - { name: codex, versions: "<0.40.0", action: block }\n    - { name: codex, versions: ">0.40.0", action: allow }\n    - { name: codex, versions: "0.x", action: alert }\n');
  assert.deepEqual(gap.lint, ['p.yaml:6:7: warning: clients.tools[2]: codex 0.x overlaps clients.tools[1] (>0.40.0, allow); the first entry wins where they overlap']);
  assert.equal(gap.policy.evaluate(input({ client: { tool: 'codex', version: '0.40.0' } })).decision.ruleId, 'clients.codex@0.x');
  // An entry without versions also takes clients that report none, which no range matches.
  const versionless = compiled('version: 1\nclients:\n  tools:\n    - { name: codex, versions: "<0.40.0", action: block }\n    - { name: codex, versions: ">=0.40.0", action: allow }\n    - { name: codex, action: alert }\n');
  assert.deepEqual(versionless.lint, []);
  assert.equal(versionless.policy.evaluate(input({ client: { tool: 'codex', version: null } })).decision.ruleId, 'clients.codex');
  assert.match(compiled('version: 1\nclients:\n  tools:\n    - { name: codex, action: block }\n    - { name: codex, versions: ">=1", action: allow }\n    - { name: codex, action: alert }\n').lint.join('\n'), /codex \(any version\) is unreachable: clients\.tools\[0\] \(any version\) comes first and covers it/);
});

test('lint: a route to an upstream that does not serve a dialect the rule can match is named (those exchanges are blocked)', () => {
  const text = `version: 1
rules:
  - { id: opus-to-openai, when: { models: ["claude-opus-*"] }, action: route(openai) }
  - { id: chat-inhouse, when: { upstreams: [openai] }, action: route(inhouse) }
`;
  const r = compilePolicy(text);
  assert.ok(r.ok);
  const upstreamDialects = { anthropic: ['anthropic'], openai: ['openai-chat', 'openai-responses'], inhouse: ['openai-chat'] };
  const lint = lintPolicy(r.parsed!, { upstreamDialects, now: NOW }).map((i) => formatIssue('p.yaml', i));
  assert.deepEqual(lint.map((l) => l.replace(/^p\.yaml:\d+:\d+: /, '')), [
    "warning: rules[0].action: rule 'opus-to-openai' routes to 'openai', which does not serve anthropic: exchanges of that dialect it matches are blocked; name the upstreams it applies to (when.upstreams) or route to one that serves them",
    "warning: rules[1].action: rule 'chat-inhouse' routes to 'inhouse', which does not serve openai-responses: exchanges of that dialect it matches are blocked; name the upstreams it applies to (when.upstreams) or route to one that serves them",
  ]);
  // Without the configuration, nothing is known of dialects: no warning.
  assert.deepEqual(lintPolicy(r.parsed!, { now: NOW }), []);
});

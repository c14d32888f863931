// Validation: every error names line:column, what was found and what was expected; lint finds
// unreachable rules, unknown detector ids, overlapping client ranges and expired exceptions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compilePolicy, formatIssue, lintPolicy } from '../../src/core/policy/index.ts';

const errors = (text: string, upstreams?: string[]): string[] => {
  const r = compilePolicy(text, upstreams === undefined ? {} : { upstreams });
  assert.equal(r.ok, false, 'expected the policy to be refused');
  return r.issues.map((i) => formatIssue('p.yaml', i));
};

test('a wrong action names the line, the column, what was found and what was expected', () => {
  const e = errors('version: 1\nrules:\n  - id: a\n    action: blok\n');
  assert.deepEqual(e, ["p.yaml:4:13: error: rules[0].action: found 'blok'; expected one of allow, alert, redact, block, route(<upstream>)"]);
});

test('a misspelt key is located at the key', () => {
  const e = errors('version: 1\nrules:\n  - id: a\n    whne: {}\n    action: alert\n');
  assert.equal(e.length, 1);
  assert.match(e[0]!, /^p\.yaml:4:5: error: rules\[0\]: found unknown key 'whne'/);
});

test('a missing field is located at its parent and says nothing was found', () => {
  const e = errors('version: 1\nrules:\n  - id: a\n    when: { teams: [x] }\n');
  assert.match(e[0]!, /^p\.yaml:3:5: error: rules\[0\]\.action: found nothing; expected one of allow/);
});

test('wrong types, bad severity, bad version range, duplicate ids, unknown route target', () => {
  assert.match(errors('version: 2\n')[0]!, /p\.yaml:1:10: error: version: found '2'; expected version: 1/);
  assert.match(errors('version: 1\nrules:\n  - id: a\n    when: { severity: huge }\n    action: alert\n')[0]!, /4:23: error: rules\[0\]\.when\.severity: found 'huge'; expected one of info, low, medium, high, critical/);
  assert.match(errors('version: 1\nclients:\n  tools:\n    - name: x\n      versions: ">=banana"\n      action: block\n')[0]!, /5:17: error: clients\.tools\[0\]\.versions: found '>=banana'; expected a semver range/);
  assert.match(errors('version: 1\nrules:\n  - { id: a, action: alert }\n  - { id: a, action: block }\n')[0]!, /4:11: error: rules\[1\]\.id: found duplicate rule id 'a'/);
  assert.match(errors('version: 1\nrules:\n  - { id: a, action: route(nowhere) }\n', ['anthropic'])[0]!, /found upstream 'nowhere'; expected one of the gateway's upstreams \(anthropic\)/);
  assert.match(errors('version: 1\nexceptions:\n  - { rule: nope, user: a, valueHash: abcdefabcdefabcd, expires: 2030-01-01 }\n')[0]!, /3:13: error: exceptions\[0\]\.rule: found 'nope'; expected the id of a rule/);
  assert.match(errors('rules: [\n')[0]!, /^p\.yaml:\d+:\d+: error: \(document\): invalid YAML/);
});

test('a valid policy compiles with defaults', () => {
  const r = compilePolicy('version: 1\n');
  assert.ok(r.ok);
  assert.equal(r.policy.doc.combine, 'most-severe');
  assert.deepEqual(r.policy.ruleIds, []);
});

const lint = (text: string): string[] => {
  const r = compilePolicy(text);
  assert.ok(r.ok, JSON.stringify(r.issues));
  return lintPolicy(r.parsed!, { detectors: ['secrets', 'pii'], now: Date.parse('2026-06-01T00:00:00Z') }).map((i) => formatIssue('p.yaml', i));
};

test('lint: unknown detector ids are errors', () => {
  const l = lint('version: 1\nrules:\n  - id: a\n    when: { detectors: [secret] }\n    action: block\n  - id: b\n    when: { findings: [piii/email] }\n    action: alert\n');
  assert.equal(l.length, 2);
  assert.match(l[0]!, /4:25: error: rules\[0\]\.when\.detectors\[0\]: found unknown detector 'secret'; expected one of secrets, pii/);
  assert.match(l[1]!, /unknown detector 'piii'/);
});

test('lint: a finding rule no detector reports is a warning, with the nearest id when one is close (a glob detector part is no unknown detector)', () => {
  const r = compilePolicy('version: 1\nclassification:\n  secrets/aws-secret-keys: [cloud]\n  pii: [personal]\nrules:\n  - id: a\n    when: { findings: [aws-acess-key, "secrets/aws-*", "*/email", gitleaks-only, "nothing-*"] }\n    action: block\n');
  assert.ok(r.ok, JSON.stringify(!r.ok && r.issues));
  const l = lintPolicy(r.parsed!, { detectors: ['secrets', 'pii'], findingRules: ['secrets/aws-access-key', 'secrets/aws-secret-key', 'pii/email', 'secrets/gitleaks-only'] }).map((i) => formatIssue('p.yaml', i));
  assert.deepEqual(l, [
    "p.yaml:7:24: warning: rules[0].when.findings[0]: found finding rule 'aws-acess-key', which no detector reports; did you mean 'aws-access-key'?",
    "p.yaml:7:82: warning: rules[0].when.findings[4]: found finding rule 'nothing-*', which no detector reports",
    "p.yaml:3:28: warning: classification.secrets/aws-secret-keys: found finding rule 'secrets/aws-secret-keys', which no detector reports; did you mean 'secrets/aws-secret-key'?",
  ]);
  // Without the list of rules (a caller that does not know them), nothing is said.
  assert.deepEqual(lintPolicy(r.parsed!, { detectors: ['secrets', 'pii'] }), []);
});

test('lint: a rule shadowed by a broader, at least as severe earlier rule can never decide', () => {
  const l = lint('version: 1\nrules:\n  - id: all-secrets\n    when: { detectors: [secrets] }\n    action: block\n  - id: tool-secrets\n    when: { detectors: [secrets], segments: [tool_result] }\n    action: redact\n  - id: narrower-but-more-severe-is-fine\n    when: { detectors: [pii], teams: [x] }\n    action: block\n');
  assert.equal(l.length, 1);
  assert.match(l[0]!, /6:5: warning: rules\[1\]: rule 'tool-secrets' can never decide: rule 'all-secrets'/);
  // first-match: any earlier rule that covers it makes it unreachable, whatever the actions.
  const f = lint('version: 1\ncombine: first-match\nrules:\n  - id: catch-all\n    action: alert\n  - id: late\n    when: { teams: [x] }\n    action: block\n');
  assert.match(f[0]!, /rule 'late' is unreachable: rule 'catch-all'/);
  // An allow rule does nothing under most-severe.
  assert.match(lint('version: 1\nrules:\n  - { id: ok, action: allow }\n')[0]!, /allows, which never overrides another rule under combine: most-severe/);
});

test('lint: overlapping client ranges; the usual ban-a-range-then-allow-the-rest is fine', () => {
  assert.deepEqual(lint('version: 1\nclients:\n  tools:\n    - { name: claude-cli, versions: ">=2.1.91 <2.1.93", action: block }\n    - { name: claude-cli, action: allow }\n'), []);
  const l = lint('version: 1\nclients:\n  tools:\n    - { name: claude-cli, versions: ">=2.1.91 <2.1.93", action: block }\n    - { name: claude-cli, versions: "2.1.92", action: allow }\n    - { name: claude-cli, versions: ">=2.1.92 <3", action: alert }\n');
  assert.equal(l.length, 2);
  assert.match(l[0]!, /5:7: warning: clients\.tools\[1\]: claude-cli 2\.1\.92 is unreachable/);
  assert.match(l[1]!, /6:7: warning: clients\.tools\[2\]: claude-cli >=2\.1\.92 <3 overlaps clients\.tools\[0\]/);
});

test('lint: expired exceptions and unknown teams', () => {
  const l = lint('version: 1\nidentities: { teams: [web] }\nrules:\n  - { id: a, when: { teams: [wbe] }, action: alert }\nexceptions:\n  - { rule: a, team: web, valueHash: abcdefabcdefabcd, expires: 2026-01-31 }\n');
  assert.equal(l.length, 2);
  assert.ok(l.some((x) => /exception for rule 'a' expired on 2026-01-31/.test(x)));
  assert.ok(l.some((x) => /found team 'wbe'; expected one of identities\.teams \(web\)/.test(x)));
});

// Every example policy in examples/policies/ validates, lints clean against the real detector ids,
// and does what its comment says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DETECTORS } from '../../src/core/detect/registry.ts';
import { compilePolicy, lintPolicy, type CompiledPolicy, type PolicyInput } from '../../src/core/policy/index.ts';
import { finding } from './helpers.ts';

const DIR = 'examples/policies';
const UPSTREAMS = ['anthropic', 'openai', 'inhouse'];
const load = (name: string): CompiledPolicy => {
  const r = compilePolicy(readFileSync(join(DIR, name), 'utf8'), { upstreams: UPSTREAMS });
  assert.ok(r.ok, JSON.stringify(r.issues));
  return r.policy;
};
const input = (over: Partial<PolicyInput> = {}): PolicyInput => ({
  identity: { keyId: 'k', user: 'alice', team: 'payments', role: 'developer' },
  client: { tool: 'codex', version: '0.45.0' }, dialect: 'anthropic', upstream: 'anthropic', model: 'claude-sonnet-4-5', findings: [], ...over,
});

test('every example validates and lints clean', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.yaml'));
  assert.ok(files.length >= 4);
  const detectors = [...new Set([...DETECTORS.map((d) => d.id), 'secrets', 'pii'])];
  const findingRules = DETECTORS.flatMap((d) => d.rules.map((x) => `${d.id}/${x.id}`));
  for (const f of files) {
    const r = compilePolicy(readFileSync(join(DIR, f), 'utf8'), { upstreams: UPSTREAMS });
    assert.ok(r.ok, `${f}: ${JSON.stringify(r.issues)}`);
    assert.deepEqual(lintPolicy(r.parsed!, { detectors, findingRules }), [], f);
  }
});

test('ban-tool-version: claude-cli 2.1.91–2.1.92 blocked, others allowed, unknown tools alerted', () => {
  const p = load('ban-tool-version.yaml');
  const d = (tool: string, version: string | null): string => p.evaluate(input({ client: { tool, version } })).decision.action;
  assert.equal(d('claude-cli', '2.1.91'), 'block');
  assert.equal(d('claude-cli', '2.1.92'), 'block');
  assert.equal(d('claude-cli', '2.1.90'), 'allow');
  assert.equal(d('claude-cli', '2.1.93'), 'allow');
  assert.equal(d('codex', null), 'allow');
  assert.equal(d('qwen-code', '0.1.0'), 'alert');
});

test('inhouse-only-team: research is routed in-house and may use nothing else', () => {
  const p = load('inhouse-only-team.yaml');
  const research = { keyId: 'k', user: 'rita', team: 'research', role: 'developer' } as const;
  const r = p.evaluate(input({ identity: research }));
  assert.deepEqual([r.decision.action, r.decision.upstream], ['route', 'inhouse']);
  assert.equal(p.evaluate(input()).decision.action, 'allow');
  const stranger = p.evaluate(input({ identity: { keyId: 'k', user: 'x', team: 'marketing', role: 'developer' } }));
  assert.deepEqual([stranger.decision.action, stranger.decision.ruleId], ['block', 'routes']);
});

test('redact-secrets-in-tool-results: tool-result secrets redacted, prompt secrets alerted', () => {
  const p = load('redact-secrets-in-tool-results.yaml');
  const inTool = finding();
  const inPrompt = finding({ role: 'user', segmentPath: 'messages[0].content' });
  const v = p.evaluate(input({ findings: [inTool, inPrompt] }));
  assert.deepEqual([v.decision.action, v.decision.ruleId], ['redact', 'secrets-in-tool-results']);
  assert.deepEqual(v.redact, [inTool]);
  const a = p.evaluate(input({ findings: [inPrompt] }));
  assert.deepEqual([a.decision.action, a.redact], ['alert', []]);
});

test('pii-by-team: personal data blocked for payments, alerted for others; internal IPs are not personal data', () => {
  const p = load('pii-by-team.yaml');
  const email = finding({ detector: 'pii', rule: 'email', severity: 'medium', role: 'user' });
  const b = p.evaluate(input({ findings: [email] }));
  assert.deepEqual([b.decision.action, b.decision.ruleId], ['block', 'pii-blocked-for-payments']);
  assert.equal(b.decision.reason, 'personal data (email) was found in user; payments may not send personal data to a model, remove it (rule pii-blocked-for-payments)');
  const web = p.evaluate(input({ identity: { keyId: 'k', user: 'w', team: 'web', role: 'developer' }, findings: [email] }));
  assert.deepEqual([web.decision.action, web.decision.ruleId], ['alert', 'pii-alert']);
  assert.equal(p.evaluate(input({ findings: [finding({ detector: 'pii', rule: 'internal-ip', role: 'user' })] })).decision.action, 'allow');
});

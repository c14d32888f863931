// A real coding CLI blocked by policy: Claude Code 2.1.90 run headless through the gateway prints
// the policy's reason, for a tool-version rule and for a secret in a tool result (.env).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runCli } from '../helpers/run-cli.ts';
import { startPolicyGateway, type PolicyGateway } from '../policy/helpers.ts';

const CLI = resolve('node_modules/@anthropic-ai/claude-code/cli.js');
const home = mkdtempSync(join(tmpdir(), 'airlock-cc-policy-'));
writeFileSync(join(home, '.env'), 'AWS_ACCESS_KEY_ID=AKIAQ3EGRFZL7XKJ2M5T\nAWS_SECRET_ACCESS_KEY=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\n');
const gateways: PolicyGateway[] = [];
after(async () => {
  await Promise.all(gateways.map((g) => g.close()));
  rmSync(home, { recursive: true, force: true });
});

async function claude(policy: string, prompt: string): Promise<{ code: number | null; out: string; g: PolicyGateway }> {
  const g = await startPolicyGateway(policy, {
    mock: { reply: (_c, j) => (JSON.stringify(j).includes('tool_result') ? 'Done: the file holds AWS credentials.' : { tool: 'Read', input: { file_path: join(home, '.env') } }) },
  });
  gateways.push(g);
  const key = await g.key('alice', 'payments');
  const r = await runCli(process.execPath, [CLI, '-p', prompt], {
    cwd: home,
    env: { PATH: process.env['PATH'], HOME: home, ANTHROPIC_BASE_URL: g.url, ANTHROPIC_API_KEY: key, CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1' },
  });
  return { code: r.code, out: r.stdout + r.stderr, g };
}

test('a banned tool version: Claude Code prints the reason and nothing reaches the provider', async () => {
  const { code, out, g } = await claude(`version: 1
clients:
  tools:
    - { name: claude-cli, versions: "2.1.90", action: block, reason: covert signalling in system prompt }
`, 'hello');
  assert.notEqual(code, 0);
  assert.match(out, /claude-cli 2\.1\.90 is blocked by policy: covert signalling in system prompt; use a version outside 2\.1\.90/);
  assert.equal(g.mock.requests.filter((q) => q.url.startsWith('/v1/messages')).length, 0);
  const recs = (await g.records()).filter((x) => x.route === 'POST /v1/messages');
  assert.ok(recs.length >= 1);
  assert.ok(recs.every((x) => x.outcome === 'blocked' && x.decision?.ruleId === 'clients.claude-cli@2.1.90' && x.policyHash === g.policy.current.hash));
});

test('a secret in a tool result: Claude Code prints what was found, where, and the rule', async () => {
  const { code, out, g } = await claude(`version: 1
rules:
  - id: secrets-in-tool-results
    when: { detectors: [secrets], segments: [tool_result] }
    action: block
`, 'What is in .env?');
  assert.notEqual(code, 0);
  assert.match(out, /an AWS secret access key was found in a tool result \(\.env\); remove it or ask for an exception: rule secrets-in-tool-results/);
  // The first call (the question) went through; the one carrying the file's content did not.
  const sent = g.mock.requests.filter((q) => q.url.startsWith('/v1/messages') && !q.url.includes('count_tokens'));
  assert.ok(sent.length >= 1);
  assert.ok(sent.every((q) => !q.body.toString().includes('hJ8sK2mZp4Lq9WvX1tYb7NcR5eF3gD6aQ0uIoPzE')), 'the secret never left');
  const blocked = (await g.records()).filter((x) => x.outcome === 'blocked');
  assert.ok(blocked.length >= 1);
  assert.equal(blocked[0]!.decision?.ruleId, 'secrets-in-tool-results');
  assert.ok(!JSON.stringify(blocked).includes('hJ8sK2mZp4Lq9WvX1tYb7NcR5eF3gD6aQ0uIoPzE'), 'never in the audit trail');
});

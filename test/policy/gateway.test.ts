// The policy in the gateway, over real sockets with the official SDKs: block responses in each
// dialect and in streaming mode, route to another upstream, the policy hash in every record, hot
// reload (file change, SIGHUP, invalid edits refused), rate limits and budgets (429 + retry-after).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { policyHash } from '../../src/gateway/policy-loader.ts';
import { startPolicyGateway, type PolicyGateway } from './helpers.ts';

const POLICY = `version: 1
clients:
  unknown: allow
  tools:
    - { name: claude-cli, versions: ">=2.1.91 <2.1.93", action: block, reason: covert signalling in system prompt }
identities:
  users: [{ name: rita, team: research }]
rules:
  - id: no-forbidden-models
    when: { models: ["forbidden-*"] }
    action: block
    reason: "model {model} is not approved; use an approved model"
  - id: research-inhouse
    when: { teams: [research] }
    action: route(inhouse)
  - id: opus-to-openai
    when: { models: ["claude-opus-*"] }
    action: route(openai)
limits:
  - { scope: user, name: limited, requestsPerMinute: 2 }
  - { scope: team, name: budget, tokensPerDay: 10 }
`;

let g: PolicyGateway;
let key: string;
before(async () => {
  g = await startPolicyGateway(POLICY);
  key = await g.key('alice', 'payments');
});
after(() => g.close());

const anthropic = (k = key, headers: Record<string, string> = {}): Anthropic => new Anthropic({ baseURL: g.url, apiKey: k, maxRetries: 0, defaultHeaders: headers });
const openai = (k = key): OpenAI => new OpenAI({ baseURL: `${g.url}/v1`, apiKey: k, maxRetries: 0 });
const REASON = /model forbidden-1 is not approved; use an approved model \(rule no-forbidden-models\)/;

test('block, Anthropic SDK, plain and streaming: 403 permission_error with the reason, nothing sent upstream', async () => {
  const before = g.mock.requests.length;
  await assert.rejects(anthropic().messages.create({ model: 'forbidden-1', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }), (e: unknown) => {
    assert.ok(e instanceof Anthropic.PermissionDeniedError);
    assert.equal(e.status, 403);
    assert.match(e.message, REASON);
    assert.match(e.message, /AIRLOCK_ERR_BLOCKED/);
    return true;
  });
  // Streaming: the decision comes before the stream starts, so the SDK gets the HTTP error, as it
  // would from the provider for a refused request, and raises it from the stream.
  await assert.rejects(async () => {
    const s = anthropic().messages.stream({ model: 'forbidden-1', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] });
    await s.finalMessage();
  }, (e: unknown) => e instanceof Anthropic.PermissionDeniedError && REASON.test(e.message));
  assert.equal(g.mock.requests.length, before, 'a blocked exchange never reaches the provider');
  const rec = (await g.records()).at(-1)!;
  assert.equal(rec.outcome, 'blocked');
  assert.equal(rec.status, 403);
  assert.equal(rec.decision?.ruleId, 'no-forbidden-models');
  assert.equal(rec.policyHash, policyHash(POLICY));
});

test('block, OpenAI SDK, chat and responses, streaming: 403 with the reason and code', async () => {
  await assert.rejects(async () => {
    const s = await openai().chat.completions.create({ model: 'forbidden-1', stream: true, messages: [{ role: 'user', content: 'hi' }] });
    for await (const _ of s) { /* never reached */ }
  }, (e: unknown) => e instanceof OpenAI.PermissionDeniedError && e.code === 'AIRLOCK_ERR_BLOCKED' && REASON.test(e.message));
  await assert.rejects(async () => {
    const s = await openai().responses.create({ model: 'forbidden-1', stream: true, input: 'hi' });
    for await (const _ of s) { /* never reached */ }
  }, (e: unknown) => e instanceof OpenAI.PermissionDeniedError && REASON.test(e.message));
});

test('a banned client version is blocked with the policy reason; other versions pass', async () => {
  await assert.rejects(
    anthropic(key, { 'user-agent': 'claude-cli/2.1.92 (external, cli)' }).messages.create({ model: 'claude-x', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }),
    /claude-cli 2\.1\.92 is blocked by policy: covert signalling in system prompt; use a version outside >=2\.1\.91 <2\.1\.93/,
  );
  const ok = await anthropic(key, { 'user-agent': 'claude-cli/2.1.93 (external, cli)' }).messages.create({ model: 'claude-x', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] });
  assert.equal(ok.content[0]?.type, 'text');
});

test('route: the research team (set by the policy, not the key) goes to the in-house upstream', async () => {
  const rita = await g.key('rita', null);
  const before = g.inhouse.requests.length;
  const msg = await anthropic(rita).messages.create({ model: 'claude-x', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] });
  assert.equal(msg.content[0]?.type === 'text' ? msg.content[0].text : '', 'Hello from the in-house model.');
  assert.equal(g.inhouse.requests.length, before + 1);
  const s = await openai(rita).chat.completions.create({ model: 'gpt-x', stream: true, messages: [{ role: 'user', content: 'hi' }] });
  let text = '';
  for await (const c of s) text += c.choices[0]?.delta.content ?? '';
  assert.equal(text, 'Hello from the in-house model.');
  const rec = (await g.records()).at(-1)!;
  assert.equal(rec.upstream, 'inhouse');
  assert.equal(rec.team, 'research');
  assert.deepEqual([rec.decision?.action, rec.decision?.ruleId, rec.decision?.upstream, rec.decision?.from], ['route', 'research-inhouse', 'inhouse', 'openai'], 'the upstream picked before the route is kept for explain and replay');
});

test('route to an upstream that does not serve the dialect: blocked (fail closed), sent nowhere; the same rule routes the dialect it serves', async () => {
  const before = [g.mock.requests.length, g.inhouse.requests.length];
  await assert.rejects(anthropic().messages.create({ model: 'claude-opus-9', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }), (e: unknown) => {
    assert.ok(e instanceof Anthropic.PermissionDeniedError, String(e));
    assert.match(e.message, /Rule opus-to-openai routes this exchange to upstream 'openai', which does not serve the anthropic API, so it was sent nowhere/);
    return true;
  });
  assert.deepEqual([g.mock.requests.length, g.inhouse.requests.length], before, 'neither the picked upstream nor the target got it');
  const rec = (await g.records()).at(-1)!;
  assert.deepEqual([rec.outcome, rec.decision?.action, rec.decision?.ruleId], ['blocked', 'block', 'opus-to-openai']);
  const ok = await openai().chat.completions.create({ model: 'claude-opus-9', messages: [{ role: 'user', content: 'hi' }] });
  assert.equal(ok.choices[0]?.message.content !== undefined, true);
  assert.deepEqual((await g.records()).at(-1)!.decision?.upstream, 'openai');
});

test('rate limit: requests per minute per user → 429 rate_limit_error with retry-after, each dialect', async () => {
  const k = await g.key('limited', 'web');
  // The last 60 s, not the calendar minute: no window edge to dodge.
  const call = (): Promise<unknown> => anthropic(k).messages.create({ model: 'claude-x', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] });
  await call();
  await call();
  const err = await call().then(() => null, (e: unknown) => e);
  assert.ok(err instanceof Anthropic.RateLimitError, String(err));
  assert.equal(err.status, 429);
  const retry = Number(err.headers?.get('retry-after'));
  assert.ok(retry >= 1 && retry <= 120, `retry-after ${retry}`);
  assert.match(err.message, /Rate limit: user limited made 3 requests in the last minute \(limit 2\); retry in \d+ s/);
  const o = await openai(k).chat.completions.create({ model: 'gpt-x', messages: [{ role: 'user', content: 'hi' }] }).then(() => null, (e: unknown) => e);
  assert.ok(o instanceof OpenAI.RateLimitError);
  assert.equal(o.code, 'AIRLOCK_ERR_RATE_LIMITED');
  const rec = (await g.records()).at(-1)!;
  assert.equal(rec.errorCode, 'AIRLOCK_ERR_RATE_LIMITED');
});

test('rate limit and prompt baselines with the audit worker of `serve` (SQLite): their writes go through it; enforced, and in the store after shutdown', async () => {
  const t = await startPolicyGateway(POLICY, { threads: true, keepStore: true });
  try {
    const k = await t.key('limited', 'web');
    // The gateway's own connection must not write counters (its transactions would block the event loop).
    const own = t.store.bumpCounters.bind(t.store);
    t.store.bumpCounters = () => Promise.reject(new Error('counters written on the gateway\'s thread'));
    t.store.saveBaselineVariants = () => Promise.reject(new Error('variants written on the gateway\'s thread'));
    // A known tool's system prompt: a variant of its baseline, saved when the gateway closes.
    const cc = new Anthropic({ baseURL: t.url, apiKey: await t.key('bob', 'web'), maxRetries: 0, defaultHeaders: { 'user-agent': 'claude-cli/2.1.90 (external, cli)' } });
    await cc.messages.create({ model: 'claude-x', max_tokens: 5, system: 'You are a careful assistant for this repository.', messages: [{ role: 'user', content: 'hi' }] });
    const c = new Anthropic({ baseURL: t.url, apiKey: k, maxRetries: 0 });
    const call = (): Promise<unknown> => c.messages.create({ model: 'claude-x', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] });
    await call();
    await call();
    const err = await call().then(() => null, (e: unknown) => e);
    assert.ok(err instanceof Anthropic.RateLimitError, String(err));
    assert.match(err.message, /made 3 requests in the last minute \(limit 2\)/);
    await t.close();
    assert.ok(!t.logs.some((l) => /on the gateway's thread/.test(JSON.stringify(l.obj))), 'no write went to the gateway\'s connection');
    // The local counts were written on shutdown, through the worker, before it closed.
    const minute = Math.floor(Date.now() / 60_000);
    const counts = await own([minute - 1, minute].map((win) => ({ name: 'rpm:user:limited', win, by: 0, expiresAt: 0 })));
    assert.equal(counts.reduce((a, b) => a + b, 0), 3);
    const { rows } = await t.store.loadBaselineVariants();
    assert.ok(rows.some((r) => r.tool === 'claude-cli' && r.version === '2.1.90'), 'the variant was saved through the worker');
  } finally {
    await t.close();
    await t.store.close();
  }
});

test('token budget per team: charged after the response, enforced on the next request', async () => {
  const k = await g.key('spender', 'budget');
  await anthropic(k).messages.create({ model: 'claude-x', max_tokens: 5, messages: [{ role: 'user', content: 'a question long enough to cost more than ten tokens' }] });
  await g.records(); // the charge lands after the response
  const err = await anthropic(k).messages.create({ model: 'claude-x', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }).then(() => null, (e: unknown) => e);
  assert.ok(err instanceof Anthropic.RateLimitError, String(err));
  assert.match(err.message, /Token budget: team budget used \d+ tokens today \(limit 10 per day, UTC\)/);
  assert.ok(Number(err.headers?.get('retry-after')) > 0);
});

test('hot reload: a file change swaps the policy atomically; an invalid edit is refused and the old one stays', async () => {
  const call = (): Promise<unknown> => anthropic().messages.create({ model: 'forbidden-1', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] });
  g.policy.watch();
  const relaxed = POLICY.replace('forbidden-*', 'retired-*');
  writeFileSync(g.policyFile, relaxed);
  await waitFor(() => g.policy.current.hash === policyHash(relaxed));
  await call();
  assert.equal((await g.records()).at(-1)!.policyHash, policyHash(relaxed));
  writeFileSync(g.policyFile, relaxed.replace('limits:', '  - id: broken\n    action: blok\nlimits:'));
  await waitFor(() => g.logs.some((l) => l.level === 'error' && /policy reload rejected/.test(l.msg ?? '')));
  const log = g.logs.find((l) => /policy reload rejected/.test(l.msg ?? ''))!;
  assert.match(JSON.stringify(log.obj), /policy\.yaml:\d+:\d+: error: rules\[3\]\.action: found 'blok'/);
  assert.equal(g.policy.current.hash, policyHash(relaxed), 'the old policy stays in force');
  await call();
  // SIGHUP: restore the original text, then signal.
  g.policy.close(); // stop the file watcher so that only the signal reloads
  g.policy.watch({ signals: true, files: false });
  writeFileSync(g.policyFile, POLICY);
  await new Promise((r) => setTimeout(r, 150));
  assert.equal(g.policy.current.hash, policyHash(relaxed), 'not watching files: no reload before the signal');
  process.kill(process.pid, 'SIGHUP');
  await waitFor(() => g.policy.current.hash === policyHash(POLICY));
  await assert.rejects(call(), REASON);
  g.policy.close();
  assert.ok(await g.store.getPolicyVersion(policyHash(relaxed)), 'every loaded version is kept for explain');
});

async function waitFor(cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

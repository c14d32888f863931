// The audit store going down: the gateway keeps every record queued up to audit.maxPending, then
// fails closed (503 AIRLOCK_ERR_AUDIT_BACKLOG in the caller's dialect, /healthz 503) until the
// store recovers, when every queued record lands and requests flow again. Memory stays bounded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHarness, rawPost } from '../helpers/harness.ts';
import { openStore } from '../../src/store/index.ts';
import { ConfigError, parseConfig } from '../../src/gateway/config.ts';

const headers = (key: string): Record<string, string> => ({ 'content-type': 'application/json', 'x-api-key': key, 'anthropic-version': '2023-06-01' });
const body = JSON.stringify({ model: 'claude-x', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] });

test('audit store down: records queue up to maxPending, then requests are refused (503, retry-after) and /healthz says so; recovery drains and reopens', async () => {
  const store = await openStore(`sqlite:${join(mkdtempSync(join(tmpdir(), 'airlock-backlog-')), 'a.db')}`);
  let down = false;
  const append = store.appendAudit.bind(store);
  store.appendAudit = async (entries) => {
    if (down) throw new Error('store unreachable (test)');
    return append(entries);
  };
  const h = await startHarness({ store, config: { audit: { flushMs: 5, maxBatch: 100, maxPending: 5 } } });
  try {
    assert.equal((await rawPost(h.url, '/v1/messages', body, headers(h.key))).status, 200);
    await h.records();
    down = true;
    // Five exchanges are served and queued while the store is down.
    for (let i = 0; i < 5; i++) assert.equal((await rawPost(h.url, '/v1/messages', body, headers(h.key))).status, 200, `request ${i}`);
    const refused = await rawPost(h.url, '/v1/messages', body, headers(h.key));
    assert.equal(refused.status, 503);
    assert.equal(refused.headers.get('retry-after'), '5');
    const j = JSON.parse(refused.text) as { type: string; error: { type: string; message: string } };
    assert.equal(j.type, 'error');
    assert.equal(j.error.type, 'overloaded_error');
    assert.match(j.error.message, /AIRLOCK_ERR_AUDIT_BACKLOG/);
    // OpenAI clients get their own shape.
    const oa = await rawPost(h.url, '/v1/chat/completions', JSON.stringify({ model: 'gpt-x', messages: [{ role: 'user', content: 'hi' }] }), { 'content-type': 'application/json', authorization: `Bearer ${h.key}` });
    assert.equal(oa.status, 503);
    assert.equal((JSON.parse(oa.text) as { error: { code: string } }).error.code, 'AIRLOCK_ERR_AUDIT_BACKLOG');
    const health = await fetch(`${h.url}/healthz`);
    assert.equal(health.status, 503);
    assert.equal(((await health.json()) as { status: string }).status, 'audit-backlog');
    // Past the hard bound (maxPending + 10%), further refusals are counted and logged, not queued.
    for (let i = 0; i < 5; i++) assert.equal((await rawPost(h.url, '/v1/messages', body, headers(h.key))).status, 503);
    assert.ok(h.logs.some((l) => l.level === 'error' && /counted, not recorded/.test(l.msg ?? '')));
    assert.ok(h.logs.some((l) => l.level === 'error' && /retried/.test(l.msg ?? '')), 'store failures are logged');
    // Recovery: every queued record lands, in order, and requests flow again.
    down = false;
    // The writer is in its backoff (capped at 5 s): wait for the queue to land.
    let records = await h.records();
    for (let i = 0; i < 150 && records.filter((r) => r.status === 200).length < 6; i++) {
      await new Promise((r) => setTimeout(r, 100));
      records = await h.records();
    }
    assert.equal(records.filter((r) => r.status === 200).length, 6);
    assert.ok(records.filter((r) => r.errorCode === 'AIRLOCK_ERR_AUDIT_BACKLOG').length >= 1);
    assert.equal((await fetch(`${h.url}/healthz`)).status, 200);
    assert.equal((await rawPost(h.url, '/v1/messages', body, headers(h.key))).status, 200);
    assert.equal((await store.verifyAudit()).ok, true);
  } finally {
    await h.close();
  }
});

test('audit.maxPending: default 100,000; zero, negative, fractional or non-numeric values are refused naming the field', () => {
  assert.equal(parseConfig({}).audit.maxPending, 100_000);
  assert.equal(parseConfig({ audit: { maxPending: 7 } }).audit.maxPending, 7);
  for (const bad of [0, -1, 1.5, 'many']) {
    assert.throws(() => parseConfig({ audit: { maxPending: bad } }), (e: unknown) => e instanceof ConfigError && /audit\.maxPending/.test(e.message), String(bad));
  }
});

// Graceful shutdown: stop accepting, let in-flight streams finish (bounded), flush every record.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { openStore } from '../../src/store/index.ts';
import { startHarness } from '../helpers/harness.ts';

test('an in-flight stream finishes during close(); its record and all others are flushed', async () => {
  const h = await startHarness({ mock: { reply: 'one two three four five six seven eight nine ten', chunkDelayMs: 40 } });
  const client = new Anthropic({ baseURL: h.url, apiKey: h.key, maxRetries: 0 });
  for (let i = 0; i < 5; i++) await client.messages.create({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: `q${i}` }] });
  const text: string[] = [];
  const stream = client.messages.stream({ model: 'm', max_tokens: 50, messages: [{ role: 'user', content: 'slow' }] });
  stream.on('text', (t) => text.push(t));
  await new Promise<void>((r) => stream.once('text', () => r()));
  const closing = h.gw.close(5_000);
  // New connections are refused while draining.
  await assert.rejects(fetch(`${h.url}/healthz`));
  const final = await stream.finalMessage();
  await closing;
  assert.equal(text.join(''), 'one two three four five six seven eight nine ten');
  assert.equal(final.stop_reason, 'end_turn');
  // The store is still open (the harness closes it later): every record is there.
  const recs = await h.store.readAudit({ limit: 100 });
  assert.equal(recs.length, 6);
  assert.equal(recs.at(-1)!.outcome, 'ok');
  assert.equal(recs.at(-1)!.outputTokens, 10);
  assert.deepEqual(await h.store.verifyAudit().then((v) => v.ok), true);
  await h.close();
});

test('a stream that outlives the drain bound is ended with AIRLOCK_ERR_SHUTTING_DOWN, and recorded so', async () => {
  const h = await startHarness({ mock: { reply: Array.from({ length: 50 }, (_, i) => `w${i}`).join(' '), chunkDelayMs: 50 } });
  const client = new Anthropic({ baseURL: h.url, apiKey: h.key, maxRetries: 0 });
  const stream = client.messages.stream({ model: 'm', max_tokens: 50, messages: [{ role: 'user', content: 'very slow' }] });
  stream.on('error', () => undefined);
  const outcome = stream.finalMessage().then(() => null, (e: unknown) => e);
  await new Promise<void>((r) => stream.once('text', () => r()));
  const t0 = Date.now();
  await h.gw.close(300);
  assert.ok(Date.now() - t0 < 3_000, 'close is bounded');
  const err = await outcome;
  assert.ok(err instanceof Anthropic.APIError, 'the client sees an error event');
  assert.match(err.message, /AIRLOCK_ERR_SHUTTING_DOWN/);
  const recs = await h.store.readAudit({ limit: 10 });
  assert.equal(recs.length, 1);
  assert.equal(recs[0]!.outcome, 'upstream_error');
  assert.equal(recs[0]!.errorCode, 'AIRLOCK_ERR_SHUTTING_DOWN');
  await h.close();
});

test('records survive a restart of the store (SQLite file)', async () => {
  const h = await startHarness();
  const client = new Anthropic({ baseURL: h.url, apiKey: h.key, maxRetries: 0 });
  await client.messages.create({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] });
  await h.gw.close(1_000);
  const file = `sqlite:${h.dir}/airlock.db`;
  await h.store.close();
  const again = await openStore(file);
  const recs = await again.readAudit({ limit: 10 });
  assert.equal(recs.length, 1);
  assert.equal((await again.verifyAudit()).ok, true);
  await again.close();
  await h.mock.close();
});

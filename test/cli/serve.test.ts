// `airlock serve`'s choice of the store its worker threads open (the rest of serve runs end to end
// in test/e2e/serve.test.ts, with the worker threads).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { workerStoreUrl } from '../../src/cli/serve.ts';

test('worker threads open file and PostgreSQL stores; an in-memory SQLite store keeps their work on the gateway thread', () => {
  assert.equal(workerStoreUrl('sqlite:./data/airlock.db'), 'sqlite:./data/airlock.db');
  assert.equal(workerStoreUrl('/var/lib/airlock/a.db'), '/var/lib/airlock/a.db');
  assert.equal(workerStoreUrl('postgres://u@db:5432/airlock?schema=a'), 'postgres://u@db:5432/airlock?schema=a');
  for (const memory of ['sqlite::memory:', 'sqlite://:memory:', ':memory:']) assert.equal(workerStoreUrl(memory), null, memory);
});

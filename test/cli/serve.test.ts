// `airlock serve`'s choice of the store its worker threads open, and of V8's heap growth (the rest
// of serve runs end to end in test/e2e/serve.test.ts, with the worker threads).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tuneHeap, workerStoreUrl } from '../../src/cli/serve.ts';

test('worker threads open file and PostgreSQL stores; an in-memory SQLite store keeps their work on the gateway thread', () => {
  assert.equal(workerStoreUrl('sqlite:./data/airlock.db'), 'sqlite:./data/airlock.db');
  assert.equal(workerStoreUrl('/var/lib/airlock/a.db'), '/var/lib/airlock/a.db');
  assert.equal(workerStoreUrl('postgres://u@db:5432/airlock?schema=a'), 'postgres://u@db:5432/airlock?schema=a');
  for (const memory of ['sqlite::memory:', 'sqlite://:memory:', ':memory:']) assert.equal(workerStoreUrl(memory), null, memory);
});

test("the gateway's heap growth is set to twice the live heap unless the process was started with a setting of its own", () => {
  assert.equal(tuneHeap(['--max-semi-space-size=4', '--heap-growing-percent=50'], undefined), false);
  assert.equal(tuneHeap([], '--max-old-space-size=4096 --heap_growing_percent=30'), false);
  assert.equal(tuneHeap(['--max-semi-space-size=4'], '--max-old-space-size=4096'), true);
  assert.equal(tuneHeap([], undefined), true);
});

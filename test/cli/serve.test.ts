// `airlock serve`'s choice of where audit records are appended (the rest of serve runs end to end
// in test/e2e/serve.test.ts, with the worker thread).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { auditThreadStore } from '../../src/cli/serve.ts';
import { parseConfig } from '../../src/gateway/config.ts';

test('audit records go through a worker for file and PostgreSQL stores, on the gateway thread for in-memory SQLite or audit.thread: false', () => {
  const on = parseConfig({});
  const off = parseConfig({ audit: { thread: false } });
  assert.equal(auditThreadStore(on, 'sqlite:./data/airlock.db'), 'sqlite:./data/airlock.db');
  assert.equal(auditThreadStore(on, '/var/lib/airlock/a.db'), '/var/lib/airlock/a.db');
  assert.equal(auditThreadStore(on, 'postgres://u@db:5432/airlock?schema=a'), 'postgres://u@db:5432/airlock?schema=a');
  for (const memory of ['sqlite::memory:', 'sqlite://:memory:', ':memory:']) assert.equal(auditThreadStore(on, memory), null, memory);
  assert.equal(auditThreadStore(off, 'sqlite:./data/airlock.db'), null);
});

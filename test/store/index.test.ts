import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { defaultStoreUrl, openStore, parseStoreUrl } from '../../src/store/index.ts';
import { makeEntries } from './entries.ts';

describe('store URLs', () => {
  it('defaultStoreUrl: AIRLOCK_STORE, else sqlite under ./data', () => {
    assert.equal(defaultStoreUrl({}), 'sqlite:./data/airlock.db');
    assert.equal(defaultStoreUrl({ AIRLOCK_STORE: ' postgres://h/db ' }), 'postgres://h/db');
    assert.equal(defaultStoreUrl({ AIRLOCK_STORE: '' }), 'sqlite:./data/airlock.db');
  });

  it('parses sqlite forms and plain paths', () => {
    assert.deepEqual(parseStoreUrl('sqlite:./data/a.db'), { kind: 'sqlite', path: resolve('data/a.db') });
    assert.deepEqual(parseStoreUrl('sqlite:///var/lib/a.db'), { kind: 'sqlite', path: '/var/lib/a.db' });
    assert.deepEqual(parseStoreUrl('sqlite://rel/a.db'), { kind: 'sqlite', path: resolve('rel/a.db') });
    assert.deepEqual(parseStoreUrl('/tmp/x.db'), { kind: 'sqlite', path: '/tmp/x.db' });
    assert.deepEqual(parseStoreUrl('sqlite::memory:'), { kind: 'sqlite', path: ':memory:' });
  });

  it('parses postgres URLs and takes ?schema= out of the connection string', () => {
    assert.deepEqual(parseStoreUrl('postgres://u:p@h:5432/db?schema=airlock&sslmode=disable'), {
      kind: 'postgres', connectionString: 'postgres://u:p@h:5432/db?sslmode=disable', schema: 'airlock',
    });
    assert.deepEqual(parseStoreUrl('postgresql://h/db'), { kind: 'postgres', connectionString: 'postgresql://h/db' });
  });

  it('rejects empty and unknown URLs', () => {
    assert.throws(() => parseStoreUrl(''), /empty/);
    assert.throws(() => parseStoreUrl('mysql://h/db'), /Unsupported store URL/);
    assert.throws(() => parseStoreUrl('sqlite:'), /no path/);
  });

  it('openStore opens and migrates', async () => {
    const store = await openStore('sqlite::memory:');
    assert.equal(store.kind, 'sqlite');
    await store.appendAudit(makeEntries(1, 2));
    assert.equal((await store.verifyAudit()).checked, 2);
    await store.close();
  });
});

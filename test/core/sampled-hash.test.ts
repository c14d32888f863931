// The sampled hash and the bounded LRU that the hit cache, the prompt baselines and the UTF-8
// repair memo share: collisions are resolved by the caller's match, the bound holds, and entries
// in use outlive the churn.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FNV_OFFSET, mixSampled, SampledLru } from '../../src/core/sampled-hash.ts';

type E = { key: string; size: number; movedAt: number };
const entry = (key: string, size = 10): E => ({ key, size, movedAt: 0 });

test('texts that differ only between samples hash alike; length and sampled characters change the hash', () => {
  const a = `${'a'.repeat(40)}`;
  const b = `a${'b'}${'a'.repeat(38)}`; // index 1 is not sampled (step 5)
  assert.equal(mixSampled(FNV_OFFSET, a), mixSampled(FNV_OFFSET, b));
  assert.notEqual(mixSampled(FNV_OFFSET, a), mixSampled(FNV_OFFSET, `${a}a`));
  assert.notEqual(mixSampled(FNV_OFFSET, a), mixSampled(FNV_OFFSET, `b${a.slice(1)}`));
  assert.notEqual(mixSampled(FNV_OFFSET, ''), mixSampled(FNV_OFFSET, 'x'));
});

test('entries sharing a hash are told apart by the match; misses are undefined', () => {
  const lru = new SampledLru<E>(1000);
  lru.add(7, entry('one'));
  lru.add(7, entry('two'));
  assert.equal(lru.find(7, (e) => e.key === 'two')?.key, 'two');
  assert.equal(lru.find(7, (e) => e.key === 'three'), undefined);
  assert.equal(lru.find(8, () => true), undefined);
  assert.deepEqual([lru.count, lru.units], [2, 20]);
});

test('the bound holds, the least recently used go first, an entry in use stays, and one larger than the bound is not kept', () => {
  const lru = new SampledLru<E>(100); // ten entries of 10
  lru.add(0, entry('hot'));
  for (let i = 1; i <= 200; i++) {
    assert.equal(lru.find(0, (e) => e.key === 'hot')?.key, 'hot', `hot entry after ${i - 1} others`);
    lru.add(i, entry(`k${i}`));
    assert.ok(lru.units <= 100 && lru.count <= 10, `${lru.units} units, ${lru.count} entries`);
  }
  assert.equal(lru.find(1, () => true), undefined, 'an old entry was evicted');
  assert.equal(lru.find(200, () => true)?.key, 'k200');
  lru.add(999, entry('huge', 500));
  assert.equal(lru.find(999, () => true), undefined);
  assert.ok(lru.units <= 100);
});

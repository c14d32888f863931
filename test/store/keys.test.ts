import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { displayPrefix, generateKey, hashKey, isWellFormedKey, newKeyId, randomBase62 } from '../../src/store/keys.ts';

describe('virtual keys', () => {
  it('have the alk_ prefix, 49 base62 characters and a valid checksum', () => {
    const k = generateKey();
    assert.match(k, /^alk_[0-9A-Za-z]{49}$/);
    assert.ok(isWellFormedKey(k));
  });

  it('are unique', () => {
    const keys = new Set(Array.from({ length: 1000 }, generateKey));
    assert.equal(keys.size, 1000);
  });

  it('a mistyped key fails the checksum', () => {
    const k = generateKey();
    const i = 10;
    const typo = k.slice(0, i) + (k[i] === 'a' ? 'b' : 'a') + k.slice(i + 1);
    assert.equal(isWellFormedKey(typo), false);
    assert.equal(isWellFormedKey(k.slice(0, -1)), false);
    assert.equal(isWellFormedKey(`sk-${k.slice(4)}`), false);
    assert.equal(isWellFormedKey(`${k} `), false);
  });

  it('hashKey is hex SHA-256, displayPrefix reveals only the first 10 characters', () => {
    const k = generateKey();
    assert.match(hashKey(k), /^[0-9a-f]{64}$/);
    assert.notEqual(hashKey(k), hashKey(generateKey()));
    assert.equal(displayPrefix(k), k.slice(0, 10));
  });

  it('keyIds and base62 strings use the whole alphabet', () => {
    assert.match(newKeyId(), /^key_[0-9A-Za-z]{16}$/);
    const chars = new Set(randomBase62(20_000));
    assert.equal(chars.size, 62);
  });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { asciiLookalike, isConfusableVariant, prototypeOf, skeleton } from '../../src/core/unicode/skeleton.ts';
import { asciiLabel, describeRun, label } from '../../src/core/unicode/names.ts';

test('skeleton: UTS #39 spot checks', () => {
  assert.equal(skeleton('paypal'), skeleton('p\u0430ypal'), 'Cyrillic а');
  assert.equal(skeleton('1'), 'l', "DIGIT ONE → 'l' per the data");
  assert.equal(skeleton('I'), 'l');
  assert.equal(skeleton('l'), 'l', 'the prototype maps to itself');
  assert.equal(skeleton('0'), 'O');
  assert.equal(skeleton('m'), 'rn', "'m' and 'rn' are confusable");
  assert.equal(skeleton('rn'), skeleton('m'));
  assert.equal(skeleton('\u{1D41A}'), 'a', 'MATHEMATICAL BOLD SMALL A');
  assert.equal(skeleton('\u2026'), '...', 'HORIZONTAL ELLIPSIS');
  assert.equal(skeleton('\u212A'), 'K', 'KELVIN SIGN (NFD singleton)');
  assert.equal(skeleton(''), '');
});

test('skeleton: NFD before and after the mapping', () => {
  // é and e + U+0301 share a skeleton; the accent survives, so é is not confusable with e.
  assert.equal(skeleton('\u00e9'), skeleton('e\u0301'));
  assert.notEqual(skeleton('\u00e9'), skeleton('e'));
  assert.equal(skeleton('\u00e9').normalize('NFD'), skeleton('\u00e9'), 'result is NFD');
});

test('isConfusableVariant: equal skeletons, different strings', () => {
  assert.ok(isConfusableVariant('paypal', 'p\u0430ypal'));
  assert.ok(isConfusableVariant('paypal', 'paypa1'));
  assert.ok(isConfusableVariant("it's", 'it\u2019s'));
  assert.ok(!isConfusableVariant('paypal', 'paypal'), 'identical is not a variant');
  assert.ok(!isConfusableVariant('paypal', 'paypai'));
  assert.ok(!isConfusableVariant('\u00e9', 'e'));
});

test('asciiLookalike and prototypeOf', () => {
  assert.equal(asciiLookalike(0x430), 'a');
  assert.equal(asciiLookalike(0x61), undefined, 'ASCII itself is never a look-alike');
  assert.equal(asciiLookalike(0x416), undefined, 'Ж has no ASCII twin');
  assert.equal(prototypeOf(0x430), 'a');
  assert.equal(prototypeOf(0x61), undefined);
});

test('names: labels for reviewer details', () => {
  assert.equal(label(0x430), 'U+0430 CYRILLIC SMALL LETTER A');
  assert.equal(label(0x200b), 'U+200B ZERO WIDTH SPACE');
  assert.equal(label(0xfe0f), 'U+FE0F VARIATION SELECTOR-16');
  assert.equal(label(0xe0101), 'U+E0101 VARIATION SELECTOR-18');
  assert.equal(label(0xff24), 'U+FF24 FULLWIDTH LATIN CAPITAL LETTER D');
  assert.equal(label(0x4e00), 'U+4E00', 'names not shipped: number only');
  assert.equal(asciiLabel('a'), "U+0061 'a'");
  assert.equal(asciiLabel('rn'), "'rn' (U+0072 U+006E)");
  assert.equal(describeRun([0x200b, 0x200b, 0x200c]), '2× U+200B ZERO WIDTH SPACE, U+200C ZERO WIDTH NON-JOINER');
  assert.equal(describeRun([1, 2, 3, 4, 5, 6], 2), 'U+0001, U+0002, … (4 more)');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HIDDEN_CANDIDATES, hiddenKind, invisibleName, tagAscii, variationSelectorByte } from '../../src/core/unicode/invisible.ts';
import { cpAt, cpBefore, isEmojiBase, isJoinerScript, isZwjLeft, isZwjRight } from '../../src/core/unicode/context.ts';

test('every candidate code point has a kind and a name, and nothing else is a candidate', () => {
  const re = new RegExp(HIDDEN_CANDIDATES.source, 'u');
  for (let cp = 0; cp <= 0x10ffff; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    const candidate = re.test(String.fromCodePoint(cp));
    assert.equal(candidate, hiddenKind(cp) !== null, `U+${cp.toString(16)}`);
    if (candidate && cp !== 0x2065 && !(cp >= 0xe0002 && cp <= 0xe001f) && cp !== 0xe0000) {
      assert.notEqual(invisibleName(cp), '', `name for U+${cp.toString(16)}`);
    }
  }
});

test('kinds of representative code points', () => {
  assert.equal(hiddenKind(0xe0041), 'tag');
  assert.equal(hiddenKind(0x202e), 'bidi');
  assert.equal(hiddenKind(0x200f), 'bidi-mark');
  assert.equal(hiddenKind(0x200b), 'zero-width');
  assert.equal(hiddenKind(0x200d), 'joiner');
  assert.equal(hiddenKind(0xfe0f), 'variation-selector');
  assert.equal(hiddenKind(0x3164), 'hangul-filler');
  assert.equal(hiddenKind(0x2800), 'filler');
  assert.equal(hiddenKind(0x3000), 'space');
  assert.equal(hiddenKind(0xf0000), 'private-use');
  assert.equal(hiddenKind(0x00a0), null, 'NBSP is deliberately not a candidate');
  assert.equal(hiddenKind(0x41), null);
});

test('payload helpers', () => {
  assert.equal(tagAscii(0xe0041), 'A');
  assert.equal(tagAscii(0xe007f), null);
  assert.equal(variationSelectorByte(0xfe00), 0);
  assert.equal(variationSelectorByte(0xe01ef), 255);
  assert.equal(variationSelectorByte(0x41), null);
});

test('context predicates', () => {
  assert.ok(isEmojiBase(0x31) && isEmojiBase(0x2764) && !isEmojiBase(0x61));
  assert.ok(isZwjLeft(0x1f468) && isZwjLeft(0x1f3fd) && isZwjLeft(0xfe0f) && !isZwjLeft(0x61));
  assert.ok(isZwjRight(0x1f469) && !isZwjRight(0x1f3fd));
  assert.ok(isJoinerScript(0x6cc) && isJoinerScript(0x915) && !isJoinerScript(0x61) && !isJoinerScript(0x4e00));
  const s = 'a😀b';
  assert.equal(cpBefore(s, 3), 0x1f600);
  assert.equal(cpAt(s, 1), 0x1f600);
  assert.equal(cpBefore(s, 0), -1);
  assert.equal(cpAt(s, 4), -1);
});

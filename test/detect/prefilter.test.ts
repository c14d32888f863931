import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KeywordMatcher } from '../../src/core/detect/secrets/prefilter.ts';
import { prng } from '../fixtures/secrets/samples.ts';

const KEYWORDS = ['token', 'key', 'apikey', 'auth', 'authorization', 'sk-', 'ghp_', 'a', 'xoxb-'];

/** Every occurrence by brute force, case-insensitive, ordered by end then keyword index. */
function naive(text: string): string[] {
  const lower = text.toLowerCase();
  const out: [number, number, number][] = [];
  KEYWORDS.forEach((k, ki) => {
    for (let i = lower.indexOf(k); i !== -1; i = lower.indexOf(k, i + 1)) out.push([i + k.length, ki, i]);
  });
  out.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return out.map(([end, ki, start]) => `${ki}@${start}-${end}`);
}

function found(m: KeywordMatcher, text: string): string[] {
  const hits = m.find(text).map((h) => [h.end, h.keyword, h.start] as const);
  return [...hits].sort((a, b) => a[0] - b[0] || a[1] - b[1]).map(([end, ki, start]) => `${ki}@${start}-${end}`);
}

test('prefilter: finds exactly the occurrences brute force finds, in end order, short and long texts', () => {
  const m = new KeywordMatcher(KEYWORDS);
  const r = prng(7);
  const alphabet = 'aAkKeEyYtToOnNuUhH-_ spxbgiz';
  for (const len of [0, 1, 5, 100, 1023, 1024, 1025, 4096, 20_000]) {
    for (let rep = 0; rep < 5; rep++) {
      let s = '';
      for (let i = 0; i < len; i++) s += alphabet[Math.floor(r() * alphabet.length)];
      const hits = m.find(s);
      // In order of end position, as the scanner relies on.
      for (let i = 1; i < hits.length; i++) assert.ok(hits[i]!.end >= hits[i - 1]!.end, `order at ${len}`);
      assert.deepEqual(found(m, s), naive(s), `length ${len}`);
    }
  }
});

test('prefilter: a keyword straddling a quarter boundary of a long text is found once', () => {
  // collect walks the four quarters of a long text as separate chains; every boundary is a seam.
  const m = new KeywordMatcher(['authorization']);
  const n = 4000 + 13;
  for (const boundary of [n >> 2, n >> 1, (n >> 1) + (n >> 2)]) {
    for (let shift = -14; shift <= 14; shift++) {
      const at = boundary + shift;
      const text = '.'.repeat(at) + 'AUTHORIZATION' + '.'.repeat(n - 13 - at);
      assert.deepEqual(m.find(text), [{ keyword: 0, start: at, end: at + 13 }], `boundary ${boundary}, shift ${shift}`);
    }
  }
});

test('prefilter: many hits in every quarter come back in end order (buffers grow and are joined)', () => {
  const m = new KeywordMatcher(['key', 'token']);
  const text = 'key token '.repeat(3000);
  const hits = m.find(text);
  assert.equal(hits.length, 6000);
  for (let i = 0; i < hits.length; i++) assert.equal(hits[i]!.start, Math.floor(i / 2) * 10 + (i % 2 === 0 ? 0 : 4));
});

test('prefilter: negatives — no keyword, or keywords broken by other characters, give no hit', () => {
  const m = new KeywordMatcher(['token', 'secret']);
  assert.deepEqual(m.find('tok en sec-ret '.repeat(200)), []);
  assert.deepEqual(m.find(''), []);
});

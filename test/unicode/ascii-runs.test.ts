import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isAscii, nonAsciiRuns } from '../../src/core/unicode/ascii-runs.ts';
import { nativeAvailable, setNativeEnabled } from '../../src/core/detect/native.ts';
import { loadNative } from '../../src/native/load.ts';
import { prng } from '../fixtures/secrets/samples.ts';
import { createRequire } from 'node:module';

// The tests below the first run the JavaScript scan; the last compares the native one with it.
loadNative();
// CI builds the addon and sets AIRLOCK_REQUIRE_NATIVE=1: there the native scan is always compared.
const nativeSkip = !nativeAvailable() && process.env['AIRLOCK_REQUIRE_NATIVE'] !== '1' && 'native addon not built';
setNativeEnabled(false);

const runs = (t: string, memo?: { nonAscii?: Int32Array | null }): number[] | null => {
  const r = nonAsciiRuns(t, memo);
  return r === null ? null : [...r];
};

test('ascii runs: pure ASCII is null, short and long (the fast path)', () => {
  assert.equal(runs('plain'), null);
  assert.equal(runs('x'.repeat(10_000)), null);
  assert.equal(runs(''), null);
});

test('ascii runs: one non-ASCII unit anywhere in a long text is found, Latin-1 and two-byte', () => {
  const base = 'a'.repeat(5000);
  for (const ch of ['é', '\u00a0', '—', '\u200b', '\u{e0041}']) {
    for (const at of [0, 2500, 5000]) {
      const t = base.slice(0, at) + ch + base.slice(at);
      assert.deepEqual(runs(t), [at, at + ch.length], `${JSON.stringify(ch)} at ${at}`);
    }
  }
  // A lone surrogate is not ASCII either.
  assert.deepEqual(runs('a'.repeat(100) + '\ud800'), [100, 101]);
});

test('ascii runs: maximal runs in order', () => {
  assert.deepEqual(runs(`${'x'.repeat(70)}ab“cd”ef——g`), [72, 73, 75, 76, 78, 80]);
});

test('ascii runs: the memo is filled once and reused', () => {
  const memo: { nonAscii?: Int32Array | null } = {};
  const t = `${'y'.repeat(100)}é`;
  const first = nonAsciiRuns(t, memo);
  assert.deepEqual(memo.nonAscii && [...memo.nonAscii], [100, 101]);
  // The memo answers for the segment it belongs to, whatever text is passed afterwards.
  assert.equal(nonAsciiRuns('other', memo), first);
  const ascii: { nonAscii?: Int32Array | null } = {};
  assert.equal(nonAsciiRuns('z'.repeat(200), ascii), null);
  assert.equal(ascii.nonAscii, null);
});

test('isAscii: the same answer on both sides of the copy thresholds (1,024 and 4 Mi units)', () => {
  for (const n of [0, 1, 1024, 1025, 5000, (1 << 22), (1 << 22) + 1]) {
    const ascii = 'a'.repeat(n);
    assert.equal(isAscii(ascii), true, `ASCII, ${n}`);
    if (n === 0) continue;
    for (const ch of ['\u0080', 'é', '—', '\ud800']) {
      assert.equal(isAscii(ascii.slice(0, n - 1) + ch), false, `${JSON.stringify(ch)} at the end, ${n}`);
      assert.equal(isAscii(ch + ascii.slice(1)), false, `${JSON.stringify(ch)} at the start, ${n}`);
    }
  }
});

test('ascii runs: one non-ASCII unit on either side of the chunk seams of the ASCII copy', () => {
  // asciiPrefix copies 16 Ki units, then 64 Ki: a unit just before, on or after a seam, with and
  // without non-ASCII in the first 256 units (which skips the copy).
  const n = 120_000;
  const base = 'a'.repeat(n);
  for (const at of [256, 16_383, 16_384, 16_385, 81_919, 81_920, 81_921, n - 1]) {
    for (const ch of ['é', '—', '\u{1F600}']) {
      const t = base.slice(0, at) + ch + base.slice(at);
      assert.deepEqual(runs(t), [at, at + ch.length], `${JSON.stringify(ch)} at ${at}`);
      assert.equal(isAscii(t), false);
      assert.deepEqual(runs(`—${t}`), [0, 1, at + 1, at + 1 + ch.length], `and one at 0, ${at}`);
    }
  }
  assert.equal(isAscii(base), true);
});

test('ascii runs: the native scan gives exactly the runs of the regex, on every length around its 8-unit blocks', { skip: nativeSkip }, () => {
  const pieces = ['a', ' ', '\x7f', '\u0080', 'é', '\u00ff', '\u0100', '—', '\u200b', '\ud83d\ude00', '\ud800', '\udfff', '\uffff', '\n'];
  const r = prng(7);
  const rand = (n: number): number => Math.floor(r() * n);
  const cases: string[] = [];
  // One unit of each kind at every offset of a block, inside a long ASCII text.
  for (const ch of pieces) for (let k = 0; k < 17; k++) cases.push(`${'x'.repeat(500 + k)}${ch}${'y'.repeat(40)}`);
  for (const n of [512, 513, 519, 520, 521, 527, 528, 1000, 1024, 1025, 5000, 70_000]) {
    cases.push('a'.repeat(n)); // pure ASCII, one-byte
    cases.push('a'.repeat(n - 1) + '\u0100'); // the only non-ASCII unit last
    cases.push('\u0100' + 'a'.repeat(n - 1));
    for (let k = 0; k < 6; k++) {
      // Mostly ASCII with sparse and clustered non-ASCII units (runs of every length, at every offset in a block).
      let t = '';
      while (t.length < n) t += rand(6) === 0 ? pieces[rand(pieces.length)]!.repeat(1 + rand(11)) : 'x'.repeat(1 + rand(40));
      cases.push(t);
    }
  }
  for (const t of cases) {
    setNativeEnabled(false);
    const js = runs(t);
    setNativeEnabled(true);
    assert.deepEqual(runs(t), js, `length ${t.length}`);
  }
  setNativeEnabled(false);
});

test('ascii runs: the native scan refuses a missing or non-string text with a TypeError, never a crash', { skip: nativeSkip }, () => {
  const addon = createRequire(import.meta.url)('../../native/build/Release/airlock_scan.node') as { runs: (...a: unknown[]) => unknown };
  assert.throws(() => addon.runs(), /runs\(text: string\)/);
  assert.throws(() => addon.runs(42), TypeError);
  assert.throws(() => addon.runs(Buffer.from('abc')), TypeError);
  assert.equal(addon.runs(''), null);
});

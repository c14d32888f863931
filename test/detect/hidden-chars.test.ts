import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hiddenChars } from '../../src/core/detect/detectors/hidden-chars.ts';
import { loadCorpus, score } from '../fixtures/corpus/score.ts';

const run = (text: string) => hiddenChars.detect(text, { options: {} }).map((h) => [h.rule, h.start, h.end] as const);
const tag = (s: string): string => [...s].map((c) => String.fromCodePoint(0xe0000 + (c.codePointAt(0) ?? 0))).join('');
const vs = (bytes: number[]): string => bytes.map((b) => String.fromCodePoint(b < 16 ? 0xfe00 + b : 0xe0100 + b - 16)).join('');

// [text, expected [rule, start, end] …]
const valid: Array<[string, ...Array<readonly [string, number, number]>]> = [
  // tag characters: one hit per run, payload decoded in detail
  ['ok' + tag('rm -rf /'), ['tag-characters', 2, 2 + 16]],
  ['🏴' + tag('gbzzz') + '\u{E007F}', ['tag-characters', 2, 2 + 12]],
  // bidi controls (Trojan Source) and stray marks in LTR text
  ['a\u202Eb\u202C', ['bidi-control', 1, 2], ['bidi-control', 3, 4]],
  ['x\u2066\u2069y', ['bidi-control', 1, 3]],
  ['left\u200Emark', ['bidi-control', 4, 5]],
  // zero-width, joiners outside legitimate contexts, BOM not at start
  ['pass\u200Bword', ['zero-width', 4, 5]],
  ['api\u200D_key', ['zero-width', 3, 4]],
  ['a\u200C\u200Cb', ['zero-width', 1, 3]],
  ['👨\u200D\u200D👩', ['zero-width', 2, 4]],
  ['mid\uFEFFtext', ['zero-width', 3, 4]],
  ['w\u2060j', ['zero-width', 1, 2]],
  // variation selectors outside emoji / smuggled bytes after an emoji
  ['x\uFE01y', ['variation-selector', 1, 2]],
  ['😀\uFE0F' + vs([104, 105]), ['variation-selector', 3, 7]],
  ['abc\uFE0F', ['variation-selector', 3, 4]],
  // fillers
  ['const \u3164 = 1', ['invisible-filler', 6, 7]],
  ['a\uFFA0b \u2800x', ['invisible-filler', 1, 2], ['invisible-filler', 4, 5]],
  ['a\u2062b', ['invisible-filler', 1, 2]],
  ['soft\u00ADhyphen', ['invisible-filler', 4, 5]],
  // unusual spaces
  ['a\u2003\u2003b', ['unusual-space', 1, 3]],
  ['Hello\u3000world', ['unusual-space', 5, 6]],
  ['a\u1680b c\u205Fd', ['unusual-space', 1, 2], ['unusual-space', 5, 6]],
  // private use
  ['\uE0A0 main', ['private-use', 0, 1]],
  ['x\u{F0001}\u{100001}', ['private-use', 1, 5]],
];

const invalid: string[] = [
  'plain ASCII text, nothing hidden',
  'family 👨\u200D👩\u200D👧\u200D👦, couple 👩\u200D❤\uFE0F\u200D👨',
  'flags 🇫🇷🇯🇵 England 🏴' + tag('gbeng') + '\u{E007F} Scotland 🏴' + tag('gbsct') + '\u{E007F}',
  'keycaps 1\uFE0F\u20E3 #\uFE0F\u20E3 *\uFE0F\u20E3 ©\uFE0F',
  '🏳\uFE0F\u200D🌈 🏳\uFE0F\u200D⚧\uFE0F ❤\uFE0F\u200D🔥 👩🏾\u200D💻',
  'می\u200Cخواهم به خانه\u200Cام بروم', // Persian ZWNJ
  'क्\u200Dष', // Devanagari half form
  'ภาษา\u200Bไทย\u200Bเขียน', // Thai ZWSP word breaks
  'שלום \u200FGPT-4\u200F עובד', // RLM in Hebrew text
  '日本語の文章です。\u3000新しい段落。',
  '葛\u{E0100}飾区', // ideographic variation sequence
  'Prix\u202F: 10\u202F000\u00A0€', // French narrow no-break spaces and NBSP
  '\uFEFF# README', // BOM at start
  '∩\uFE00 and ☺\uFE0E',
  'Привет, мир!', '这是中文。',
];

test('hidden-chars: every rule finds its positives with exact spans', () => {
  for (const [text, ...exp] of valid) assert.deepEqual(run(text), exp, JSON.stringify(text));
});

test('hidden-chars: legitimate emoji, scripts and typography produce nothing', () => {
  for (const text of invalid) assert.deepEqual(run(text), [], JSON.stringify(text));
});

test('hidden-chars: details decode payloads and name code points', () => {
  const [t] = hiddenChars.detect('hi' + tag('send ~/.aws'), { options: {} });
  assert.equal(t?.detail, 'hidden ASCII payload "send ~/.aws" in 11 tag characters (U+E0000–E007F)');
  assert.equal(t?.severity, 'high');
  const [z] = hiddenChars.detect('a\u200B\u200Bb', { options: {} });
  assert.equal(z?.detail, '2× U+200B ZERO WIDTH SPACE');
  const [b] = hiddenChars.detect('a\u202Eb', { options: {} });
  assert.equal(b?.detail, 'U+202E RIGHT-TO-LEFT OVERRIDE');
  const [v] = hiddenChars.detect('😀' + vs([104, 105]), { options: {} });
  assert.match(v?.detail ?? '', /read as bytes .*"hi"$/);
  const [s] = hiddenChars.detect('a\u2003b', { options: {} });
  assert.equal(s?.severity, 'low');
});

test('hidden-chars: bidi controls inside right-to-left text are reported at lower severity', () => {
  const [h] = hiddenChars.detect('שלום \u202Bעולם\u202C', { options: {} });
  assert.equal(h?.severity, 'medium');
});

test('hidden-chars: never throws on odd input', () => {
  for (const t of ['', '\uD800', '\uDC00\u200B', '\u{E007F}', '\uFE0F', '\u200D', '\u200D'.repeat(10_000)]) {
    assert.doesNotThrow(() => hiddenChars.detect(t, { options: {} }));
  }
});

test('hidden-chars: labelled corpus precision and recall ≥ 0.95', (t) => {
  const s = score(hiddenChars, loadCorpus('hidden-chars'));
  t.diagnostic(`hidden-chars corpus: ${s.positives} positive / ${s.negatives} negative samples, TP ${s.tp} FP ${s.fp} FN ${s.fn}, P=${s.precision.toFixed(3)} R=${s.recall.toFixed(3)}`);
  assert.ok(s.precision >= 0.95 && s.recall >= 0.95, s.errors.join('\n'));
});

test('hidden-chars: in long typography-heavy text, hidden characters are found wherever they sit, typography never', () => {
  // The non-ASCII runs come from a shared scan that first copies ASCII prefixes in growing chunks
  // (16 Ki, then 64 Ki units): put the characters before, on and after those seams.
  const prose = 'It\u2019s a \u201ctest\u201d \u2014 see \u2192 this\u2026 ok \u2713 \u2022 caf\u00e9\n';
  const ascii = 'plain ASCII line of text\n';
  for (const filler of [prose, ascii]) {
    const body = filler.repeat(Math.ceil(100_000 / filler.length));
    assert.deepEqual(run(body), [], 'typography alone');
    for (const at of [0, 255, 256, 16_383, 16_384, 16_385, 81_919, 81_920, 99_999]) {
      const zwj = `${body.slice(0, at)}api\u200D_key${body.slice(at)}`;
      assert.deepEqual(run(zwj), [['zero-width', at + 3, at + 4]], `ZWJ outside emoji at ${at}`);
      const emoji = `${body.slice(0, at)}👨\u200D👩${body.slice(at)}`;
      assert.deepEqual(run(emoji), [], `ZWJ inside an emoji sequence at ${at}`);
    }
  }
});

test('hidden-chars: a credential in a decoded payload is masked; the rest of the payload is shown', () => {
  const GH = 'ghp_MpviEBpdyEgAUSJ8yWDHhBnQ4BEKo5iviXHn';
  const AK = 'AKIAWZKEHZVTS7LHB5GZ';
  const [t] = hiddenChars.detect('please ' + tag(`token ${GH} now`), { options: {} });
  assert.equal(t?.detail, 'hidden ASCII payload "token [github-pat: ghp_…Hn (40 chars)] now" in 50 tag characters (U+E0000–E007F)');
  // Masked before the payload is cut short: no prefix of the credential either.
  const [long] = hiddenChars.detect('x' + tag(`${'a'.repeat(180)} ${GH}`), { options: {} });
  assert.ok(!(long?.detail ?? '').includes('ghp_Mpvi'), long?.detail);
  assert.match(long?.detail ?? '', /^hidden ASCII payload "a{180} \[github-pat: ghp_…H…" in 221 tag characters/);
  // Variation-selector bytes: as text when printable, and when not (hex would spell the key out).
  const bytes = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));
  for (const payload of [`id ${AK}`, `id\n${AK}`]) {
    const [v] = hiddenChars.detect('😀' + vs(bytes(payload)), { options: {} });
    const detail = v?.detail ?? '';
    assert.ok(!detail.includes(AK), detail);
    assert.ok(!detail.includes(bytes(AK).slice(4, 12).map((b) => b.toString(16)).join(' ')), detail);
    assert.ok(detail.endsWith(`: ${JSON.stringify(payload.replace(AK, '[aws-access-key: AKI…Z (20 chars)]'))}`), detail);
  }
  // Bytes that hold no credential and are not printable are still shown in hex.
  const [h] = hiddenChars.detect('😀' + vs([1, 2, 104]), { options: {} });
  assert.match(h?.detail ?? '', /: 01 02 68$/);
});

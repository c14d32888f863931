// The confusables detector's code-context tests are written by hand for speed; each must agree
// exactly with the regex that specifies it (code-context.ts), on every input. Then the detector's
// fast path for typography-only tokens, table-driven on both of its sides.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CODE_LIKE, CODE_SPANS, CodeSpans, codeSpans, isCodeLikeToken, isJsSpace,
} from '../../src/core/detect/confusables/code-context.ts';
import { confusables } from '../../src/core/detect/detectors/confusables.ts';
import { prng } from '../fixtures/secrets/samples.ts';

const randomText = (r: () => number, alphabet: readonly string[], n: number): string => {
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(r() * alphabet.length)];
  return s;
};

test('isJsSpace is the regex \\s, for every UTF-16 code unit', () => {
  const ws = /\s/;
  for (let c = 0; c < 0x10000; c++) assert.equal(isJsSpace(c), ws.test(String.fromCharCode(c)), `U+${c.toString(16)}`);
});

test('isCodeLikeToken agrees with CODE_LIKE, on whole strings and on slices', () => {
  const table: Array<[string, boolean]> = [
    ['x=1', true], ['a;', true], ['{', true], ['$x', true], ['`', true], ['a\\b', true], ['a|b', true], ['<b>', true], ['snake_case', true],
    ['f(', true], ['arr[', true], ['9(', true], ['(x', false], ['f)', false], ['g).x', true], ['a],b', true], ['))', true], [').y', true],
    // a parenthesis closing in prose at the end of a token: `(“Runs tests”).`, `(see x),`
    ['g).', false], ['a],', false], [').', false], ['tests\u201d).', false], ['x);', true],
    ['\u2013la', true], ['\u2014force', true], ['\u2013\u2013rf', true], ['\u2212x', true], ['\u2013', false], ['\u2013\u20131', false],
    ['\u2013\u2013\u2013a', false], ['x\u2013la', false], ['\u2019tis', false], ['don\u2019t', false], ['\u201chi\u201d', false], ['', false],
  ];
  for (const [t, want] of table) {
    assert.equal(CODE_LIKE.test(t), want, `table entry ${JSON.stringify(t)}`);
    assert.equal(isCodeLikeToken(t, 0, t.length), want, JSON.stringify(t));
  }
  const r = prng(11);
  const alphabet = ['a', 'Z', '0', '_', '(', ')', '[', ']', '.', ',', ';', '=', '{', '$', '`', '\\', '|', '<', '-', '\u2010', '\u2013', '\u2014', '\u2015', '\u2212', '\u2019', 'é', ' '];
  for (let i = 0; i < 20_000; i++) {
    const t = randomText(r, alphabet, 1 + Math.floor(r() * 8));
    assert.equal(isCodeLikeToken(t, 0, t.length), CODE_LIKE.test(t), JSON.stringify(t));
    const a = Math.floor(r() * t.length);
    const b = a + Math.floor(r() * (t.length - a + 1));
    assert.equal(isCodeLikeToken(t, a, b), CODE_LIKE.test(t.slice(a, b)), `${JSON.stringify(t)} [${a}, ${b})`);
  }
});

test('codeSpans finds exactly the matches of CODE_SPANS', () => {
  const spec = (t: string): Array<[number, number]> => [...t.matchAll(CODE_SPANS)].map((m) => [m.index, m.index + m[0].length]);
  const table = [
    '', 'no code', '`a`', '``', '`\n`', '``x`', 'a `b` c `d', '```js\nx\n```', '```open fence', '````', '`````x`', '`a\nb` `c`',
    '```\n```\n`x`', 'x ``` y ``` `z`', '`\u2019`', '` `', '`a``b`',
  ];
  for (const t of table) assert.deepEqual(codeSpans(t), spec(t), JSON.stringify(t));
  const r = prng(12);
  for (let i = 0; i < 20_000; i++) {
    const t = randomText(r, ['`', '`', '`', '\n', 'a', ' ', '\u2014'], Math.floor(r() * 30));
    assert.deepEqual(codeSpans(t), spec(t), JSON.stringify(t));
  }
});

test('CodeSpans.has tells whether a position is inside a span, in any order of questions', () => {
  const inSpans = (spans: ReadonlyArray<[number, number]>, p: number): boolean => spans.some(([a, b]) => p >= a && p < b);
  const r = prng(13);
  for (let i = 0; i < 300; i++) {
    const t = randomText(r, ['`', '`', '\n', 'a', ' ', 'b'], Math.floor(r() * 80));
    const spans = codeSpans(t);
    const positions = Array.from({ length: t.length + 1 }, (_, k) => k);
    const orders = [positions, [...positions].reverse(), positions.map(() => Math.floor(r() * (t.length + 1)))];
    for (const order of orders) {
      const s = new CodeSpans(t);
      for (const p of order) assert.equal(s.has(p), inSpans(spans, p), `${JSON.stringify(t)} at ${p}`);
    }
  }
});

// The fast path: a token whose only non-ASCII units are typography (’ “ ” – — …) or characters
// that can never be reported (→ ✓ é) skips the full token scan. Both sides, with exact spans.
const run = (text: string) => confusables.detect(text, { options: {} }).map((h) => [h.rule, h.start, h.end] as const);
const P = 'lookalike-punctuation';
const cases: Array<[string, string, ...Array<readonly [string, number, number]>]> = [
  // typography in prose: dismissed
  ['prose quotes and dashes', 'It\u2019s \u201cfine\u201d \u2014 really\u2026 \u2013 ok \u2022 done'],
  ['prose arrows and ticks', 'build \u2192 test \u2192 ship \u2713 caf\u00e9 na\u00efve'],
  ['typography beside a never-reported letter', 'the caf\u00e9\u2019s menu'],
  ['a standalone dash on a code line', 'x = 1; \u2014 y = 2;'],
  // typography in code: reported on the fast path
  ['curly quotes in a call', 'print(\u201chi\u201d)', [P, 6, 7], [P, 9, 10]],
  ['a quote on a code line', 'let s = \u2018a\u2019;', [P, 8, 9], [P, 10, 11]],
  ['a dash flag', 'ls \u2013la', [P, 3, 4]],
  ['typography in a code span', 'run `echo \u201cx\u201d` now', [P, 10, 11], [P, 12, 13]],
  ['typography in a fence', '```\nsay \u2019hi\u2019\n```', [P, 8, 9], [P, 11, 12]],
  ['typography and a never-reported letter in code', 'x = caf\u00e9\u2019s;', [P, 8, 9]],
  ['an ellipsis in a code-like token', 'f(a\u2026)', [P, 3, 4]],
  // typography inside strings, comments and markup text of code: text, not a code token
  ['a prose parenthesis closing before a full stop (Codex CLI system prompt)', 'Use voice (\u201cRuns tests\u201d).'],
  ['quotes in a JSON string value', '{"msg": "Das Argument \u201e{0}\u201c ist ung\u00fcltig"}'],
  ['an apostrophe in a string argument', "t('It\u2019s done')"],
  ['JSX text', '<p>Don\u2019t forget to save\u2026</p>'],
  ['an attribute value and JSX text', '<a title="It\u2019s">Go\u2019s</a>'],
  ['a template literal', 'const msg = `Uploading\u2026`;'],
  ['a tagged template', 'html`<p>It\u2019s</p>`;'],
  ['an elision in a code span', 'Use `foo(\u2026)` to call it.'],
  ['a line comment in a fence', '```\n// 2. Return true if this\u2019s header list\nx = 1;\n```'],
  ['block, doc and hash comments in a fence', '```\n/* it\u2019s */ f();\n * it\u2019s\n# it\u2019s\n```'],
  ['a trailing comment on a code line', 'x = 1; // \u201cz\u201d'],
  // ... and the same characters where they stand for code tokens
  ['curly quotes as delimiters before a comment', 'x = \u201cy\u201d; // \u201cz\u201d', [P, 4, 5], [P, 6, 7]],
  ['curly quotes in a JSX expression', 'return <p>It\u2019s {x ? \u201ca\u201d : 1}</p>;', [P, 20, 21], [P, 22, 23]],
  ['curly quotes in a JSX attribute expression', '<b onClick={() => f(\u201cx\u201d)}>ok</b>', [P, 20, 21], [P, 22, 23]],
  ['curly quotes after an ASCII string', 'x = "a" + \u2018b\u2019;', [P, 10, 11], [P, 12, 13]],
  ['a generic is not a tag', 'List<String> x = \u201cy\u201d;', [P, 17, 18], [P, 19, 20]],
  ['curly quotes in a call inside a Markdown code span', 'Call `print(\u201chi\u201d)` now', [P, 12, 13], [P, 15, 16]],
  ['a spread-like ellipsis', 'a = f(x\u2026)', [P, 7, 8]],
  ['a chained call after curly quotes', 'call(\u201cx\u201d).then()', [P, 5, 6], [P, 7, 8]],
  // the full scan: a token holding a look-alike letter or another script
  ['Cyrillic a in an ASCII word', 'visit p\u0430ypal.com today', ['homoglyph', 7, 8]],
  ['Cyrillic a inside curly quotes in prose', 'say \u201cp\u0430ypal\u201d', ['homoglyph', 6, 7]],
  ['Cyrillic a and curly quotes in code', 'x = \u201cp\u0430ypal\u201d;', [P, 4, 5], ['homoglyph', 6, 7], [P, 11, 12]],
  ['a never-reported letter before a look-alike', 'caf\u00e9 r\u00e9sum\u0435', ['homoglyph', 10, 11]],
  ['non-typographic punctuation next to ASCII', 'x = 1\u037e', [P, 5, 6]],
  ['a whole look-alike word after typography', 'Use \u2014 \uff50\uff41\uff59 now', ['homoglyph-word', 6, 9]],
  ['real Cyrillic text suppresses whole-word hits', 'Use \u2014 \uff50\uff41\uff59 now \u2014 \u041f\u0440\u0438\u0432\u0435\u0442'],
];

test('confusables fast path: typography and never-reported characters on both sides', () => {
  for (const [name, text, ...want] of cases) assert.deepEqual(run(text), want, name);
});

test('confusables fast path: long two-byte texts report the same spans wherever the typography sits', () => {
  // A typography-heavy prose paragraph around one code line and one homoglyph, at several offsets.
  const prose = 'It\u2019s a \u201ctest\u201d \u2014 see \u2192 this\u2026 ok \u2713\n';
  for (const reps of [1, 50, 700]) {
    const head = prose.repeat(reps);
    const text = `${head}let s = \u2018a\u2019;\n${head}visit p\u0430ypal.com\n${head}`;
    const code = head.length + 8;
    const homo = head.length * 2 + 'let s = \u2018a\u2019;\n'.length + 7;
    assert.deepEqual(run(text), [[P, code, code + 1], [P, code + 2, code + 3], ['homoglyph', homo, homo + 1]], `reps ${reps}`);
  }
});

// Alignment and classification of prompt differences, table-driven: each case is two versions of
// a text, the expected class of every difference, and a fragment of the reviewer-facing detail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alignTexts } from '../../src/core/covert/align.ts';
import { classifyChange, localeDateOrder } from '../../src/core/covert/classify.ts';
import { diffSeq } from '../../src/core/covert/diff.ts';

const classes = (a: string, b: string): { cls: string; kind?: string; detail: string; a: string; b: string }[] =>
  alignTexts(a, b).map((h) => ({ ...classifyChange(a, h.aStart, h.aEnd, b, h.bStart, h.bEnd), a: a.slice(h.aStart, h.aEnd), b: b.slice(h.bStart, h.bEnd) }));

const CASES: { name: string; a: string; b: string; cls: string[]; detail?: RegExp }[] = [
  { name: 'look-alike apostrophe', a: "You are Claude's helper.", b: 'You are Claude\u2019s helper.', cls: ['confusable'], detail: /U\+0027 .* → U\+2019 RIGHT SINGLE QUOTATION MARK/ },
  { name: 'Cyrillic letter', a: 'Use the tools.', b: 'Use the t\u043eols.', cls: ['confusable'], detail: /U\+043E CYRILLIC SMALL LETTER O/ },
  { name: 'zero-width space inside a word', a: 'a careful helper', b: 'a care\u200bful helper', cls: ['invisible'], detail: /U\+200B ZERO WIDTH SPACE/ },
  { name: 'tag characters appended', a: 'Be brief.\nDone', b: 'Be brief.\u{E0063}\u{E006E}\nDone', cls: ['invisible'], detail: /tag text "cn"/ },
  { name: 'invisible next to a visible change', a: 'cwd /home/alice', b: 'cwd /home/bob\u200d', cls: ['invisible'], detail: /next to a visible change/ },
  { name: 'date roll-over is expected', a: 'Today is 2026-11-21.', b: 'Today is 2026-11-22.', cls: ['dynamic'], detail: /same format Y-M-D/ },
  // Date.prototype.toString in two time zones: the weekday rolls over with the date.
  { name: 'weekday and date roll over together', a: 'Local time: Thu Dec 03 2026 16:06:21 GMT+0000', b: 'Local time: Fri Dec 04 2026 00:06:21 GMT+0800', cls: ['dynamic', 'dynamic', 'dynamic', 'dynamic'], detail: /same format Wkd Mon D Y/ },
  { name: 'a weekday that is not the date\'s is content', a: 'Thu Dec 03 2026', b: 'Fri Dec 03 2026', cls: ['content'] },
  { name: 'a weekday shown for some users only is a format variant', a: 'on Dec 03 2026.', b: 'on Thu Dec 03 2026.', cls: ['format'], detail: /Mon D Y → Wkd Mon D Y/ },
  { name: 'date in another format', a: 'Date: 11/21/2026 ok', b: 'Date: 21.11.2026 ok', cls: ['format', 'format'], detail: /M\/D\/Y → D\.M\.Y/ },
  { name: 'ISO date vs locale date', a: 'on 2026-11-21', b: 'on 2026/11/21', cls: ['format', 'format'], detail: /Y-M-D → Y\/M\/D/ },
  { name: 'double space', a: 'Run a command', b: 'Run a  command', cls: ['format'], detail: /whitespace/ },
  { name: 'letter case', a: 'Platform: Linux', b: 'Platform: linux', cls: ['format'], detail: /letter case/ },
  { name: 'quote style', a: "say 'hi'", b: 'say "hi"', cls: ['format', 'format'], detail: /quote style/ },
  { name: 'number separators', a: 'Total 1,234.5 units', b: 'Total 1.234,5 units', cls: ['format', 'format'], detail: /number format/ },
  { name: 'time of day', a: 'at 12:01:33 GMT+0000', b: 'at 20:01:33 GMT+0800', cls: ['dynamic', 'dynamic'] },
  { name: 'content', a: 'User: dev\nA', b: 'User: zhang.wei\nA', cls: ['content'] },
  { name: 'a counter is content, not a date', a: 'cch=00000;', b: 'cch=00001;', cls: ['content'] },
  { name: 'an emoji ZWJ sequence is not hidden', a: 'family: x', b: 'family: \u{1F468}\u200d\u{1F469}', cls: ['content'] },
];

for (const c of CASES) {
  test(`classify: ${c.name}`, () => {
    const got = classes(c.a, c.b);
    assert.deepEqual(got.map((g) => g.cls), c.cls, JSON.stringify(got));
    if (c.detail) assert.match(got[0]!.detail, c.detail);
  });
}

test('identical texts have no differences', () => {
  assert.deepEqual(alignTexts('same\ntext', 'same\ntext'), []);
});

test('hunks are small: one changed word in a long prompt is one token', () => {
  const lines = Array.from({ length: 500 }, (_, i) => `Line ${i}: the quick brown fox jumps over the lazy dog.`);
  const a = lines.join('\n');
  const b = a.replace('Line 250: the quick', 'Line 250: the qu\u0456ck');
  const h = alignTexts(a, b);
  assert.equal(h.length, 1);
  assert.equal(a.slice(h[0]!.aStart, h[0]!.aEnd), 'quick');
  assert.equal(classifyChange(a, h[0]!.aStart, h[0]!.aEnd, b, h[0]!.bStart, h[0]!.bEnd).cls, 'confusable');
});

test('diffSeq finds a minimal edit script and caps pathological inputs', () => {
  assert.deepEqual(diffSeq([1, 2, 3, 4], [1, 3, 4, 5]), [{ aStart: 1, aEnd: 2, bStart: 1, bEnd: 1 }, { aStart: 4, aEnd: 4, bStart: 3, bEnd: 4 }]);
  const a = Array.from({ length: 3000 }, (_, i) => i);
  const b = Array.from({ length: 3000 }, (_, i) => i + 10_000);
  assert.deepEqual(diffSeq(a, b), [{ aStart: 0, aEnd: 3000, bStart: 0, bEnd: 3000 }]);
});

// 2026-12-07 as en_US and de_DE write it: no field above 12, so the text alone has two readings.
const at = (s: string, sub: string): [number, number] => [s.indexOf(sub), s.indexOf(sub) + sub.length];
const dateChange = (x: string, y: string, hints?: { localeA?: string; localeB?: string }): string => {
  const a = `Date: ${x} ok`;
  const b = `Date: ${y} ok`;
  return classifyChange(a, ...at(a, x), b, ...at(b, y), hints).detail;
};

test('date field order of a POSIX locale, as Intl writes it; none for C, POSIX or an unknown locale', () => {
  assert.deepEqual(['en_US.UTF-8', 'de_DE.UTF-8', 'zh_CN.UTF-8', 'en_GB', 'C', 'POSIX', 'xx_YY.UTF-8'].map(localeDateOrder), ['MDY', 'DMY', 'YMD', 'DMY', undefined, undefined, undefined]);
});

test('an ambiguous date format change is labelled by the writers\' locales', () => {
  assert.equal(dateChange('12/07/2026', '07.12.2026', { localeA: 'en_US.UTF-8', localeB: 'de_DE.UTF-8' }), 'date format M/D/Y → D.M.Y (12/07/2026 → 07.12.2026)');
  // One known locale is enough: the other side's reading is the one closest in time.
  assert.equal(dateChange('12/07/2026', '07.12.2026', { localeA: 'en_US.UTF-8' }), 'date format M/D/Y → D.M.Y (12/07/2026 → 07.12.2026)');
});

test('without a locale to tell, an ambiguous date format change names both readings and says so', () => {
  const d = dateChange('12/07/2026', '07.12.2026');
  assert.match(d, /D\/M\/Y → M\.D\.Y or M\/D\/Y → D\.M\.Y/);
  assert.match(d, /ambiguous/);
  // A tool that writes D/M/Y whatever the locale: the locales point both ways, so still ambiguous.
  assert.match(dateChange('07/12/2026', '07.12.2026', { localeA: 'en_US.UTF-8', localeB: 'de_DE.UTF-8' }), /D\/M\/Y → D\.M\.Y or M\/D\/Y → M\.D\.Y .*ambiguous/);
});

test('a day above 12 settles the reading without a locale', () => {
  assert.equal(dateChange('12/13/2026', '13.12.2026'), 'date format M/D/Y → D.M.Y (12/13/2026 → 13.12.2026)');
});

// The differential comparison on hand-made runs: a date that changes is one difference spanning the
// whole date on both sides, whichever way token alignment cut it, and its format is labelled with
// the personas' locales.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { differential, type PersonaInfo, type RunSample } from '../../src/core/covert/differential.ts';

const PERSONAS: PersonaInfo[] = [
  { name: 'baseline', dimension: 'baseline', echo: new Set(), locale: 'en_US.UTF-8' },
  { name: 'de', dimension: 'locale', echo: new Set(), locale: 'de_DE.UTF-8' },
];

/** Two runs per persona, each sending `system` with the persona's text. */
function samples(texts: Record<string, string>): RunSample[] {
  return Object.entries(texts).flatMap(([persona, text]) =>
    [1, 2].map((run) => ({ persona, run, requests: [{ id: 'POST /v1/messages #1', fields: new Map([['system', `You are a helper.\n${text}\nBye.`]]) }] })));
}

const spans = (d: { baseline: { text: string; start: number; end: number }; variant: { text: string; start: number; end: number } }): [string, string] =>
  [d.baseline.text.slice(d.baseline.start, d.baseline.end), d.variant.text.slice(d.variant.start, d.variant.end)];

test('a date written another way is one format difference over the whole date, labelled by the locales', () => {
  const r = differential(samples({ baseline: 'Local date: 12/07/2026 ok', de: 'Local date: 07.12.2026 ok' }), PERSONAS, 'baseline');
  assert.equal(r.differences.length, 1, JSON.stringify(r.differences));
  const d = r.differences[0]!;
  assert.deepEqual([d.cls, d.kind, d.line], ['format', 'date', 2]);
  assert.deepEqual(spans(d), ['12/07/2026', '07.12.2026']);
  assert.equal(d.detail, 'date format M/D/Y → D.M.Y (12/07/2026 → 07.12.2026)');
  assert.equal(d.variant.text.slice(0, d.variant.start), 'Local date: ');
});

test('without the personas\' locales the same change is reported once, as ambiguous', () => {
  const r = differential(samples({ baseline: 'Local date: 12/07/2026 ok', de: 'Local date: 07.12.2026 ok' }), PERSONAS.map(({ locale: _, ...p }) => p), 'baseline');
  assert.equal(r.differences.length, 1);
  assert.match(r.differences[0]!.detail, /ambiguous/);
});

test('a weekday and day rolling over together are one expected difference', () => {
  const r = differential(samples({ baseline: 'Local time: Thu Dec 03 2026, all good', de: 'Local time: Fri Dec 04 2026, all good' }), PERSONAS, 'baseline');
  assert.equal(r.differences.length, 1, JSON.stringify(r.differences));
  assert.deepEqual([r.differences[0]!.cls, r.differences[0]!.kind], ['dynamic', 'date']);
  assert.deepEqual(spans(r.differences[0]!), ['Thu Dec 03 2026', 'Fri Dec 04 2026']);
});

test('a date only the persona\'s side has in full (a weekday added) spans that whole date', () => {
  const r = differential(samples({ baseline: 'Today is Dec 03 2026.', de: 'Today is Thu Dec 03 2026.' }), PERSONAS, 'baseline');
  assert.equal(r.differences.length, 1, JSON.stringify(r.differences));
  assert.deepEqual(spans(r.differences[0]!), ['Dec 03 2026', 'Thu Dec 03 2026']);
  assert.match(r.differences[0]!.detail, /Mon D Y → Wkd Mon D Y/);
});

test('a change next to a date, not in it, leaves the date out of the span', () => {
  const r = differential(samples({ baseline: 'Local date: 12/07/2026 ok', de: 'Local date: 12/07/2026 okay' }), PERSONAS, 'baseline');
  assert.equal(r.differences.length, 1);
  assert.deepEqual(spans(r.differences[0]!), ['ok', 'okay']);
});

// Changes of several personas are merged into places (clusters of reference spans) before they are
// compared. Spans that only touch (one ends where the next begins) are one place: as two, a
// character inserted at the point where they meet would belong to both, since each place takes in
// what was inserted at its edges, and it would be reported twice.
const THREE: PersonaInfo[] = [...PERSONAS, { name: 'tz', dimension: 'tz', echo: new Set(), locale: 'en_US.UTF-8' }];
const ZW = '\u200b';
/** For each inserted invisible character of a persona: how many of its differences contain it. */
const coverage = (r: ReturnType<typeof differential>, persona: string, value: string): number[] =>
  [...value.matchAll(new RegExp(ZW, 'g'))].map((m) => r.differences.filter((d) => d.persona === persona && d.at.start <= m.index && m.index < d.at.end).length);
const wrap = (text: string): string => `You are a helper.\n${text}\nBye.`;

test('a character inserted where another persona\'s change ends, or begins, is in one difference only', () => {
  for (const tz of [`Use abc${ZW} now`, `Use ${ZW}abc now`]) {
    const r = differential(samples({ baseline: 'Use abc now', de: 'Use xyz now', tz }), THREE, 'baseline');
    const mine = r.differences.filter((d) => d.persona === 'tz');
    assert.equal(mine.length, 1, JSON.stringify(r.differences));
    assert.equal(mine[0]!.cls, 'invisible');
    assert.deepEqual(coverage(r, 'tz', wrap(tz)), [1]);
    assert.deepEqual(r.differences.filter((d) => d.persona === 'de').map((d) => d.cls), ['content']);
  }
});

test('every inserted character is in exactly one difference of its persona, however the changes touch (seeded cases)', () => {
  let seed = 7;
  const rnd = (n: number): number => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed % n; };
  const WORDS = ['alpha', 'beta', 'gamma', 'delta', 'omega'];
  for (let round = 0; round < 200; round++) {
    const words = Array.from({ length: 6 }, () => WORDS[rnd(WORDS.length)]!);
    // Each persona changes one or two words near the middle, or puts an invisible character at
    // either edge of one: the spans of the personas often touch.
    const edit = (): string => {
      const w = [...words];
      for (let k = 0; k <= rnd(2); k++) {
        const i = 2 + rnd(2);
        const op = rnd(3);
        w[i] = op === 0 ? `${w[i]}${ZW}` : op === 1 ? `${ZW}${w[i]}` : `${w[i]}x`;
      }
      return w.join(' ');
    };
    const texts = { baseline: words.join(' '), de: edit(), tz: edit() };
    const r = differential(samples(texts), THREE, 'baseline');
    for (const p of ['de', 'tz'] as const) {
      const got = coverage(r, p, wrap(texts[p]));
      assert.ok(got.every((n) => n === 1), `${JSON.stringify(texts)}: ${p} ${JSON.stringify(got)} ${JSON.stringify(r.differences.map((d) => [d.persona, d.at]))}`);
    }
  }
});

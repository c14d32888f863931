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

// Where a date begins and ends: the span a finding points at, and the text both sides compare.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findDates } from '../../src/core/covert/dates.ts';
import { differential, type PersonaInfo, type RunSample } from '../../src/core/covert/differential.ts';

const texts = (s: string): string[] => findDates(s).map((d) => s.slice(d.start, d.end));

test('a full stop after a date ends the sentence, not the date', () => {
  assert.deepEqual(texts('Today is 12/07/2026.'), ['12/07/2026']);
  assert.deepEqual(texts('Heute ist der 07.12.2026. Sei vorsichtig.'), ['07.12.2026']);
  assert.deepEqual(texts('Released 2026/11/21. Dated 2026-11-21. On Dec 3, 2026. On 3 Dec 2026.'), ['2026/11/21', '2026-11-21', 'Dec 3, 2026', '3 Dec 2026']);
  const d = findDates('It is 12/07/2026.')[0]!;
  assert.equal(d.text, '12/07/2026');
  assert.deepEqual(d.readings.map((r) => r.format), ['D/M/Y', 'M/D/Y']);
});

test('a full stop inside a date is still part of it (an abbreviated month or weekday)', () => {
  assert.deepEqual(texts('due Dec. 3, 2026.'), ['Dec. 3, 2026']);
  assert.deepEqual(texts('am 3. Dez'), []);
  assert.deepEqual(texts('sent Thu. Dec 03 2026.'), ['Thu. Dec 03 2026']);
});

test('the probe: a date written another way before a full stop spans the date on both sides, not the stop', () => {
  const personas: PersonaInfo[] = [
    { name: 'baseline', dimension: 'baseline', echo: new Set(), locale: 'en_US.UTF-8' },
    { name: 'de', dimension: 'locale', echo: new Set(), locale: 'de_DE.UTF-8' },
  ];
  const samples: RunSample[] = Object.entries({ baseline: 'Today is 12/07/2026.', de: 'Today is 07.12.2026.' }).flatMap(([persona, text]) =>
    [1, 2].map((run) => ({ persona, run, requests: [{ id: 'POST /v1/messages #1', fields: new Map([['system', `You are a helper.\n${text}\nBye.`]]) }] })));
  const r = differential(samples, personas, 'baseline');
  assert.equal(r.differences.length, 1, JSON.stringify(r.differences));
  const d = r.differences[0]!;
  assert.deepEqual([d.baseline.text.slice(d.baseline.start, d.baseline.end), d.variant.text.slice(d.variant.start, d.variant.end)], ['12/07/2026', '07.12.2026']);
  assert.equal(d.detail, 'date format M/D/Y → D.M.Y (12/07/2026 → 07.12.2026)');
});

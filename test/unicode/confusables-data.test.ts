import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseConfusables } from '../../src/core/unicode/confusables-parse.ts';
import { renderConfusablesModule } from '../../src/core/unicode/confusables-render.ts';
import { CONFUSABLES_COUNT, CONFUSABLES_VERSION } from '../../src/core/unicode/confusables-data.ts';
import { asciiLookalike, prototypeOf, skeleton } from '../../src/core/unicode/skeleton.ts';

const dataUrl = new URL('../../src/core/unicode/data/', import.meta.url);
const raw = readFileSync(new URL('confusables.txt', dataUrl), 'utf8');
const parsed = parseConfusables(raw);

test('shipped confusables.txt is Unicode 17.0.0 with the advertised entry count', () => {
  assert.match(raw, /^# confusables\.txt\n# Date: 2025-07-22, 05:49:37 GMT\n/);
  assert.equal(parsed.version, '17.0.0');
  assert.equal(parsed.total, 6565, '# total: trailer');
  assert.equal(parsed.entries.length, 6565);
  assert.equal(new Set(parsed.entries.map((e) => e.source)).size, 6565, 'each source appears once');
  assert.ok(parsed.entries.every((e) => e.name !== ''), 'every line carries its source name');
});

test('the Unicode licence ships beside the data', () => {
  const licence = readFileSync(new URL('LICENSE-UNICODE.txt', dataUrl), 'utf8');
  assert.match(licence, /UNICODE LICENSE V3/);
  assert.match(licence, /SPDX-License-Identifier: Unicode-3\.0/);
});

test('the generated module is up to date with the data file', () => {
  const committed = readFileSync(new URL('../../src/core/unicode/confusables-data.ts', import.meta.url), 'utf8');
  assert.equal(committed, renderConfusablesModule(parsed), 'run: node --import tsx scripts/gen-confusables.ts');
  assert.equal(CONFUSABLES_VERSION, '17.0.0');
  assert.equal(CONFUSABLES_COUNT, 6565);
});

test('the decoded table matches the data line for line', () => {
  for (const e of parsed.entries) assert.equal(prototypeOf(e.source), String.fromCodePoint(...e.target));
});

test('every non-ASCII code point with an ASCII skeleton is known to asciiLookalike()', () => {
  // Scans the BMP and SMP: the detector relies on the name table doubling as the membership set.
  for (let cp = 0x80; cp < 0x20000; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    const sk = skeleton(String.fromCodePoint(cp));
    if (/^[\x00-\x7f]+$/.test(sk)) assert.equal(asciiLookalike(cp), sk, `U+${cp.toString(16)}`);
  }
});

test('the parser rejects a data line it cannot read', () => {
  assert.throws(() => parseConfusables('0041 ;\tzz ;\tMA\t# broken\n'), /unparsed data line/);
  const one = parseConfusables('# Version: 1.0.0\n0430 ;\t0061 ;\tMA\t# ( а → a ) CYRILLIC SMALL LETTER A → LATIN SMALL LETTER A\t# \n');
  assert.deepEqual(one.entries, [{ source: 0x430, target: [0x61], name: 'CYRILLIC SMALL LETTER A' }]);
});

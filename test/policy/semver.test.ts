// The semver range matcher: table-driven, with the edges that matter for a restricted-software list.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { coerceVersion, contains, overlaps, parseRange, parseVersion, satisfies, SemverError } from '../../src/core/policy/semver.ts';
import { versionOf } from '../../src/core/policy/rules.ts';

const CASES: [string, string[], string[]][] = [
  ['>=2.1.91 <2.1.93', ['2.1.91', '2.1.92', '2.1.92-beta.1'], ['2.1.90', '2.1.93', '3.0.0']],
  ['2.1.90', ['2.1.90'], ['2.1.91', '2.1.90-rc.1']],
  ['^1.2.3', ['1.2.3', '1.9.0'], ['1.2.2', '2.0.0', '2.0.0-alpha']],
  ['^0.2.3', ['0.2.3', '0.2.9'], ['0.3.0', '0.2.2']],
  ['^0.0.3', ['0.0.3'], ['0.0.4']],
  ['~1.2.3', ['1.2.3', '1.2.99'], ['1.3.0']],
  ['~1', ['1.0.0', '1.99.0'], ['2.0.0']],
  ['1.x', ['1.0.0', '1.5.2'], ['2.0.0', '0.9.9']],
  ['1.2.*', ['1.2.0', '1.2.7'], ['1.3.0']],
  ['*', ['0.0.1', '99.0.0'], []],
  ['1.2 - 1.4', ['1.2.0', '1.4.9'], ['1.5.0', '1.1.9']],
  ['<1.0.0 || >=3', ['0.9.0', '3.0.0'], ['1.0.0', '2.9.9']],
  ['>1.2', ['1.3.0'], ['1.2.9']],
  ['<=1.2', ['1.2.9'], ['1.3.0']],
  ['> 2.0.0', ['2.0.1'], ['2.0.0']],
];

test('ranges: versions in and out', () => {
  for (const [range, yes, no] of CASES) {
    const r = parseRange(range);
    for (const v of yes) assert.ok(satisfies(parseVersion(v)!, r), `${v} satisfies ${range}`);
    for (const v of no) assert.ok(!satisfies(parseVersion(v)!, r), `${v} does not satisfy ${range}`);
  }
});

test('bad ranges are errors that name the part', () => {
  assert.throws(() => parseRange('>=2.1.x.y'), SemverError);
  assert.throws(() => parseRange('>=banana'), /'banana' in '>=banana' is not a version/);
  assert.equal(parseRange('>3 <2').length, 0, 'an empty intersection matches nothing');
});

test('overlap and containment, for the lint', () => {
  assert.ok(overlaps(parseRange('>=2.1.91 <2.1.93'), parseRange('2.1.92')));
  assert.ok(!overlaps(parseRange('>=2.1.91 <2.1.93'), parseRange('>=2.1.93')));
  assert.ok(contains(parseRange('^2'), parseRange('>=2.1.91 <2.1.93')));
  assert.ok(!contains(parseRange('>=2.1.91 <2.1.93'), parseRange('^2')));
});

test('containment in a union: intervals that leave no version between them count as one', () => {
  const union = (...rs: string[]) => rs.flatMap((r) => parseRange(r));
  assert.ok(contains(union('<0.40.0', '>=0.40.0'), parseRange('0.x')), '<0.40.0 holds 0.40.0-beta, >=0.40.0 the rest');
  assert.ok(contains(parseRange('<0.40.0 || >=0.40.0'), parseRange('*')));
  assert.ok(contains(union('<=1.2.3', '>1.2.3'), parseRange('1.2.x')));
  assert.ok(contains(union('<=1.2.3', '>=1.2.4-0'), parseRange('1.2.x')), 'nothing lies between 1.2.3 and 1.2.4-0');
  assert.ok(contains(union('<=1.2.3-rc', '>=1.2.3-rc.0'), parseRange('1.2.3-alpha - 1.2.3')), 'nothing lies between 1.2.3-rc and 1.2.3-rc.0');
  assert.ok(contains(union('1.x', '2.x', '^3'), parseRange('>=1.5 <4')));
  assert.ok(!contains(union('<=1.2.3', '>=1.2.4'), parseRange('1.2.x')), '1.2.4-beta is in neither');
  assert.ok(!contains(union('<0.40.0', '>0.40.0'), parseRange('0.x')), '0.40.0 is in neither');
  assert.ok(!contains(union('<1', '>=2'), parseRange('*')));
  assert.ok(!contains(union('<1.5', '1.5.0 - 1.9'), parseRange('1.x')), '1.5.0-beta is in neither');
  // `<*` matches nothing (0.0.0-0 is the lowest version): every range contains it.
  assert.ok(contains(parseRange('2.1.90'), parseRange('<*')));
});

test('client versions are read leniently', () => {
  assert.deepEqual(coerceVersion('2.1'), [2, 1, 0, []]);
  assert.deepEqual(coerceVersion('v0.45.0-alpha.3'), [0, 45, 0, ['alpha', 3]]);
  assert.equal(coerceVersion('nightly'), null);
  assert.equal(coerceVersion(null), null);
});

test('versionOf: the client version as coerceVersion reads it, parsed once per string', () => {
  const a = versionOf('2.1.90');
  assert.deepEqual(a, coerceVersion('2.1.90'));
  assert.equal(versionOf('2.1.90'), a, 'the same parsed object again');
  assert.deepEqual(versionOf('v3'), coerceVersion('v3'));
  assert.equal(versionOf('not a version'), null);
  assert.equal(versionOf('not a version'), null);
  assert.equal(versionOf(null), null);
  for (let i = 0; i < 600; i++) assert.deepEqual(versionOf(`1.${i}.0`), coerceVersion(`1.${i}.0`)); // past the bound: still right
});

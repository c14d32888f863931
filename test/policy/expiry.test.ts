// Exception expiries mean the same instant on every gateway: a calendar day runs to its end in UTC,
// a date-time needs an offset, and an impossible or local-time expiry is refused where it is written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { compilePolicy, expiryOf, formatIssue } from '../../src/core/policy/index.ts';

const withExpiry = (expires: string): string =>
  `version: 1\nrules:\n  - { id: a, action: alert }\nexceptions:\n  - rule: a\n    team: web\n    valueHash: abcdefabcdefabcd\n    expires: ${expires}\n`;

const refused = (expires: string): string => {
  const r = compilePolicy(withExpiry(expires));
  assert.equal(r.ok, false, `expected expires: ${expires} to be refused`);
  return r.issues.map((i) => formatIssue('p.yaml', i)).join('\n');
};

test('expires: a date runs to the end of that day in UTC; a date-time with an offset is that instant', () => {
  for (const [text, at] of [
    ['2026-09-30', Date.UTC(2026, 9, 1)],
    ['2028-02-29', Date.UTC(2028, 2, 1)],
    ['2026-09-30T12:00:00Z', Date.UTC(2026, 8, 30, 12)],
    ['2026-09-30T12:00Z', Date.UTC(2026, 8, 30, 12)],
    ['2026-09-30T12:00:00+02:00', Date.UTC(2026, 8, 30, 10)],
    ['2026-09-30T23:30:00-05:30', Date.UTC(2026, 9, 1, 5)],
    ['2026-09-30T12:00:00.25Z', Date.UTC(2026, 8, 30, 12, 0, 0, 250)],
  ] as const) {
    assert.ok(compilePolicy(withExpiry(text)).ok, text);
    assert.equal(expiryOf(text), at, text);
  }
});

test('expires: a date-time without an offset, an impossible day or a loose date is refused at file:line:column', () => {
  assert.equal(refused('2026-09-30T12:00:00'), "p.yaml:8:14: error: exceptions[0].expires: found '2026-09-30T12:00:00'; expected a date-time with an offset (Z or ±hh:mm), so that it does not depend on the machine's time zone");
  assert.equal(refused('2026-09-31'), "p.yaml:8:14: error: exceptions[0].expires: found '2026-09-31'; expected a real calendar day (2026-09 has 30 days)");
  assert.match(refused('2026-02-29'), /found '2026-02-29'; expected a real calendar day \(2026-02 has 28 days\)/);
  assert.match(refused('2026-13-01'), /expected a real calendar day \(there is no month 13\)/);
  assert.match(refused('2026-09-30T24:00:00Z'), /expected a time of day up to 23:59:59 and an offset up to ±23:59/);
  for (const loose of ['2026-9-30', 'Sep 30 2026', '2026-09-30 12:00:00Z', '"2026"']) {
    assert.match(refused(loose), /8:14: error: exceptions\[0\]\.expires: found .*; expected an expiry date: YYYY-MM-DD \(to the end of that day, UTC\) or an ISO 8601 date-time with an offset/, loose);
  }
});

test('expires: an expiry that cannot be read is already past (never NaN, which no time is past)', () => {
  assert.equal(expiryOf('2026-09-30T12:00:00'), -Infinity);
  assert.equal(expiryOf('2026-09-31'), -Infinity);
  // Years 0-99 are those years, not 1900-1999 (Date.UTC's reading).
  assert.equal(expiryOf('0050-01-01'), Date.parse('0050-01-02T00:00:00.000Z'));
});

test("expires and --since/--until read the same instants whatever the machine's time zone", async () => {
  const script = `
    import { expiryOf } from './src/core/policy/compile.ts';
    import { parseTime } from './src/cli/io.ts';
    console.log(JSON.stringify({
      offset: new Date(2026, 8, 30).getTimezoneOffset(),
      day: expiryOf('2026-09-30'), at: expiryOf('2026-09-30T12:00:00+02:00'), local: expiryOf('2026-09-30T12:00:00'),
      since: parseTime('2026-12-01', '--since'), until: parseTime('2026-12-01T10:00:00-05:00', '--until'),
    }));`;
  const run = async (tz: string): Promise<Record<string, unknown>> =>
    JSON.parse((await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { env: { ...process.env, TZ: tz }, encoding: 'utf8' })).stdout) as Record<string, unknown>;
  const [ny, kolkata] = await Promise.all([run('America/New_York'), run('Asia/Kolkata')]);
  assert.deepEqual([ny['offset'], kolkata['offset']], [240, -330], 'the children run in New York and Kolkata time');
  // -Infinity (no-offset text: already expired, never local time) is null in JSON.
  const expected = { day: Date.UTC(2026, 9, 1), at: Date.UTC(2026, 8, 30, 10), local: null, since: '2026-12-01T00:00:00.000Z', until: '2026-12-01T15:00:00.000Z' };
  for (const r of [ny, kolkata]) assert.deepEqual({ ...r, offset: 0 }, { ...expected, offset: 0 });
});

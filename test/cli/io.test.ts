// --since / --until (parseTime): the same strict instants as exception expiries, never local time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTime, UsageError } from '../../src/cli/io.ts';

const now = Date.UTC(2026, 11, 7, 12, 0, 0);

test('parseTime: durations before now, a date as its UTC start, a date-time with its offset', () => {
  assert.equal(parseTime('7d', '--since', now), '2026-11-30T12:00:00.000Z');
  assert.equal(parseTime('2026-12-01', '--since', now), '2026-12-01T00:00:00.000Z');
  assert.equal(parseTime('2026-12-01T10:00:00+02:00', '--since', now), '2026-12-01T08:00:00.000Z');
  assert.equal(parseTime('2026-12-01T10:00Z', '--since', now), '2026-12-01T10:00:00.000Z');
  assert.equal(parseTime('2026-12-01T10:00:00.123Z', '--until', now), '2026-12-01T10:00:00.123Z');
});

test('parseTime: a date-time without an offset, an impossible day and a loose date are refused, saying what was expected', () => {
  const refused = (v: string): string => {
    try {
      parseTime(v, '--since', now);
    } catch (e) {
      assert.ok(e instanceof UsageError);
      return e.message;
    }
    assert.fail(`expected '${v}' to be refused`);
  };
  assert.equal(refused('2026-12-01T10:00:00'), "--since: expected a date-time with an offset (Z or ±hh:mm), so that it does not depend on the machine's time zone, got '2026-12-01T10:00:00'");
  assert.equal(refused('2026-09-31'), "--since: expected a real calendar day (2026-09 has 30 days), got '2026-09-31'");
  for (const v of ['2026-9-30', 'Dec 1 2026', '2026-12-01 10:00:00Z', '7w']) {
    assert.equal(refused(v), `--since: expected a date (2026-12-01), a date-time with an offset (2026-12-01T10:00:00Z) or a duration before now (7d, 24h, 30m), got '${v}'`);
  }
});

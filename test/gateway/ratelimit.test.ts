// The rate limiter's local-first counting (gateway/ratelimit.ts) against a real store: far from a
// limit requests are counted locally and synced in the background; near it, or on a stale view,
// every request is one exact store round trip; the store ends up with every request counted.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LimitSpec } from '../../src/core/policy/index.ts';
import type { Identity } from '../../src/core/types.ts';
import { AirlockError } from '../../src/core/errors.ts';
import { RateLimiter } from '../../src/gateway/ratelimit.ts';
import type { Logger } from '../../src/gateway/pipeline.ts';
import { SqliteStore } from '../../src/store/sqlite.ts';
import type { CounterBump } from '../../src/store/types.ts';

const alice: Identity = { keyId: 'key_a', user: 'alice', team: 'web', role: 'developer' };
const T0 = Date.UTC(2026, 11, 3, 12, 0, 10);

/** A real SQLite store that counts round trips and can be taken down. */
async function countingStore(): Promise<SqliteStore & { trips: number; down: boolean }> {
  const s = new SqliteStore(':memory:') as SqliteStore & { trips: number; down: boolean };
  await s.migrate();
  s.trips = 0;
  s.down = false;
  const bump = s.bumpCounters.bind(s);
  s.bumpCounters = async (b: CounterBump[]) => {
    s.trips++;
    if (s.down) throw new Error('store down');
    return bump(b);
  };
  return s;
}

const stored = async (s: SqliteStore, name: string, win: number): Promise<number> => (await s.bumpCounters([{ name, win, by: 0, expiresAt: T0 + 1e9 }]))[0]!;
const quiet: Logger = { info() {}, warn() {}, error() {} };

function limiter(store: SqliteStore, spec: Omit<LimitSpec, 'scope' | 'subject'>, clock: { t: number }, logger: Logger = quiet): RateLimiter {
  return new RateLimiter({ store, limits: () => [{ scope: 'user', subject: 'alice', ...spec }], logger, now: () => clock.t });
}

const minute = Math.floor(T0 / 60_000);
const attempt = (l: RateLimiter): Promise<boolean> => l.check(alice).then(() => true, (e: unknown) => {
  if (e instanceof AirlockError && e.code === 'AIRLOCK_ERR_RATE_LIMITED') return false;
  throw e;
});

describe('RateLimiter: local first, exact near the limit', () => {
  it('far from the limit: one round trip, then local counts; flush writes every request to the store', async () => {
    const store = await countingStore();
    const clock = { t: T0 };
    const l = limiter(store, { requestsPerMinute: 100_000 }, clock);
    for (let i = 0; i < 1000; i++) assert.equal(await attempt(l), true);
    assert.equal(store.trips, 1, 'only the first request (no view of the counter yet) went to the store');
    await l.flush();
    assert.equal(await stored(store, 'rpm:user:alice', minute), 1000);
  });

  it('close(): the last sync; when it fails, the counts stay here and no retry starts after the store has gone', async () => {
    const store = await countingStore();
    const clock = { t: T0 };
    const l = limiter(store, { requestsPerMinute: 100_000 }, clock);
    for (let i = 0; i < 10; i++) await attempt(l);
    store.down = true;
    const trips = store.trips;
    await l.close();
    assert.equal(store.trips, trips + 1, 'one last sync');
    await new Promise((r) => setTimeout(r, 400)); // past the 250 ms a failed sync waits before the next
    assert.equal(store.trips, trips + 1, 'no background retry after close');
  });

  it('after a background sync the view stays good: far from the limit the next requests are still local', async () => {
    const store = await countingStore();
    const clock = { t: T0 };
    const l = limiter(store, { requestsPerMinute: 100_000 }, clock);
    for (let i = 0; i < 10; i++) await attempt(l);
    await l.flush(); // what the 250 ms timer does
    const trips = store.trips;
    clock.t += 500;
    for (let i = 0; i < 10; i++) await attempt(l);
    assert.equal(store.trips, trips, 'no round trip: the previous minute and this one are known');
  });

  it('near the limit every request is exact: the limit holds to the request, with the count in the message', async () => {
    const store = await countingStore();
    const l = limiter(store, { requestsPerMinute: 5 }, { t: T0 });
    const results = [];
    for (let i = 0; i < 7; i++) results.push(await attempt(l));
    assert.deepEqual(results, [true, true, true, true, true, false, false]);
    assert.equal(store.trips, 7);
    const err = await l.check(alice).catch((e: unknown) => e);
    assert.ok(err instanceof AirlockError);
    // 8 this minute: the next fits once they weigh 4 or less in the last 60 s, 30 s into the next minute.
    assert.match(err.message, /user alice made 8 requests in the last minute \(limit 5\); retry in 80 s/);
    assert.equal(err.headers['retry-after'], '80');
  });

  it('counts the last 60 s, not the calendar minute: no double burst across a window edge', async () => {
    const store = await countingStore();
    const start = (minute + 1) * 60_000;
    const clock = { t: start - 10_000 }; // 50 s into a minute
    const l = limiter(store, { requestsPerMinute: 5 }, clock);
    for (let i = 0; i < 5; i++) assert.equal(await attempt(l), true);
    assert.equal(await attempt(l), false);
    clock.t = start + 5_000; // a new minute: 6 × 55/60 of the last one still inside the last 60 s
    const err = await l.check(alice).catch((e: unknown) => e);
    assert.ok(err instanceof AirlockError, 'a fixed window would have allowed 5 more here');
    assert.match(err.message, /made 7 requests in the last minute \(limit 5\); retry in 25 s/);
    clock.t = start + 50_000; // 6 × 10/60 + the 1 refused this minute: 2 of 5
    assert.equal(await attempt(l), true);
    assert.equal(await attempt(l), true);
  });

  it('counters of past windows are dropped from memory, also when every check was exact', async () => {
    const store = await countingStore();
    const clock = { t: T0 };
    const l = limiter(store, { requestsPerMinute: 2 }, clock);
    for (let m = 0; m < 30; m++) {
      clock.t = T0 + m * 11 * 60_000; // past the 10-minute prune interval now and then
      await attempt(l);
    }
    assert.ok(l.size <= 6, `${l.size} counters held`);
  });

  it('switches to exact counting when the local count would reach a tenth of what is left', async () => {
    const store = await countingStore();
    const l = limiter(store, { requestsPerMinute: 100 }, { t: T0 });
    await attempt(l); // exact: base 1, 99 left → up to 9 counted locally
    const trips = store.trips;
    for (let i = 0; i < 9; i++) await attempt(l);
    assert.equal(store.trips, trips, 'nine local');
    await attempt(l);
    assert.equal(store.trips, trips + 1, 'the tenth goes to the store, carrying the nine');
    assert.equal(await stored(store, 'rpm:user:alice', minute), 11);
  });

  it('a view older than a second is refreshed by the request itself', async () => {
    const store = await countingStore();
    const clock = { t: T0 };
    const l = limiter(store, { requestsPerMinute: 100_000 }, clock);
    await attempt(l);
    await attempt(l);
    assert.equal(store.trips, 1);
    clock.t += 1_500;
    await attempt(l);
    assert.equal(store.trips, 2);
  });

  it('two instances on one store: never refused below the limit, overrun bounded by a tenth of the allowance', async () => {
    const store = await countingStore();
    const clock = { t: T0 };
    const a = limiter(store, { requestsPerMinute: 100 }, clock);
    const b = limiter(store, { requestsPerMinute: 100 }, clock);
    let allowed = 0;
    let firstRefusal = -1;
    for (let i = 0; i < 200; i++) {
      if (await attempt(i % 2 === 0 ? a : b)) allowed++;
      else if (firstRefusal < 0) firstRefusal = i;
    }
    assert.ok(firstRefusal >= 100, `first refusal at attempt ${firstRefusal}: not before the limit`);
    assert.ok(allowed >= 100 && allowed <= 110, `allowed ${allowed}`);
    await a.flush();
    await b.flush();
    assert.equal(await stored(store, 'rpm:user:alice', minute), 200, 'every attempt counted in the store');
  });

  it('budgets: tokens charged locally are enforced on the next request, past 90% exactly', async () => {
    const store = await countingStore();
    const l = limiter(store, { tokensPerDay: 1000 }, { t: T0 });
    await l.check(alice);
    l.charge(alice, 950);
    const err = await l.check(alice).catch((e: unknown) => e);
    assert.equal(err, undefined, '950 < 1000: allowed, but checked against the store');
    assert.equal(store.trips, 2);
    l.charge(alice, 60);
    const over = await l.check(alice).catch((e: unknown) => e);
    assert.ok(over instanceof AirlockError);
    assert.match(over.message, /Token budget: user alice used 1010 tokens today \(limit 1000 per day, UTC\)/);
  });

  it('a store that is down: requests are allowed with a warning, and their counts land once it is back', async () => {
    const store = await countingStore();
    const warnings: string[] = [];
    const l = limiter(store, { requestsPerMinute: 3 }, { t: T0 }, { ...quiet, warn: (_o: object, m?: string) => void warnings.push(m ?? '') });
    store.down = true;
    for (let i = 0; i < 5; i++) assert.equal(await attempt(l), true, 'fail open');
    assert.ok(warnings.some((w) => /unavailable; request allowed/.test(w)));
    store.down = false;
    await l.flush();
    assert.equal(await stored(store, 'rpm:user:alice', minute), 5);
    assert.equal(await attempt(l), false, 'over the limit once the counts are in');
  });
});

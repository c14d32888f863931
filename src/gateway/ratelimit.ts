// Rate limits (requests in the last minute) and budgets (tokens per day, UTC) per key, user and
// team, kept as counters per fixed window in the shared store so that every gateway instance on one
// PostgreSQL database sees the same counts; a limit reads two windows (see `sliding`).
//
// Local first, exact near the limit. A store round trip per request (~0.1 ms on SQLite, ~0.4 ms on
// PostgreSQL) is most of what a policy with limits adds to a request, and far from the limit it
// decides nothing. So each instance counts locally while a counter is far from its limit, and
// adds its local counts to the store in the background (every SYNC_MS, which also refreshes its
// view of what other instances counted). A request goes to the store itself, counted exactly as
// before, when the instance's view is older than STALE_MS, or when its unsynced local count would
// reach a tenth of the allowance it knows to be left (for budgets: past 90% of the budget). Near a
// limit every request is therefore exact, and far from it several instances together can only
// overrun what one tenth of the remaining allowance per instance allows, in the window between
// two syncs. Token usage is charged after the response, locally, and synced the same way.
// If the store is unreachable, limits fail open with a warning: they protect budgets, not data.
import { AirlockError } from '../core/errors.ts';
import type { LimitSpec } from '../core/policy/index.ts';
import type { Identity } from '../core/types.ts';
import type { CounterBump, Store } from '../store/types.ts';
import type { Logger } from './pipeline.ts';

const MINUTE = 60_000;
const DAY = 86_400_000;

export interface RateLimiterOptions {
  store: Pick<Store, 'bumpCounters' | 'pruneCounters'>;
  limits: (id: Identity) => LimitSpec[];
  logger: Logger;
  now?: () => number;
}

const who = (l: LimitSpec): string => (l.scope === 'key' ? `key ${l.subject}` : `${l.scope} ${l.subject}`);

function retryIn(ms: number): string {
  const s = Math.ceil(ms / 1000);
  if (s < 120) return `${s} s`;
  const m = Math.ceil(s / 60);
  return m < 120 ? `${m} min` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** Background sync of local counts into the store (and of the others' counts back). */
const SYNC_MS = 250;
/** A view of a counter older than this is refreshed by the request itself. */
const STALE_MS = 1_000;

interface Counter {
  name: string;
  win: number;
  expiresAt: number;
  /** The store's count at the last round trip (this instance's and every other's). */
  base: number;
  /** Counted here since, not yet in the store. */
  local: number;
  syncedAt: number;
}

interface Check {
  spec: LimitSpec;
  kind: 'rpm' | 'tpd';
  limit: number;
  resetAt: number;
  counter: Counter;
  /** rpm: the previous minute's counter and the share of it still inside the last 60 s. */
  prev?: { counter: Counter; weight: number };
}

/**
 * Requests in the last 60 s, estimated from two fixed windows: this minute's count plus the
 * previous minute's, weighted by how much of it the last 60 s still cover. Fixed windows alone let
 * a client send twice the limit across a window edge; the estimate does not, and needs one counter
 * more per limit, not a log of timestamps.
 */
const sliding = (current: number, prev: number, c: Check): number => current + (c.prev === undefined ? 0 : prev * c.prev.weight);

/** The previous minute's count as this instance knows it (the store's, plus its own unsynced). */
const prevCount = (c: Check): number => (c.prev === undefined ? 0 : c.prev.counter.base + c.prev.counter.local);

/** When one more request would fit again: the estimate falls as the previous minute slides out. */
function retryAt(c: Check, current: number, prev: number): number {
  const room = c.limit - 1;
  // resetAt: the end of this minute.
  if (current > room || prev === 0) {
    // This minute alone is full: into the next one, until this minute's weight has fallen enough.
    return current <= room ? c.resetAt : c.resetAt + (1 - room / current) * MINUTE;
  }
  return c.resetAt - MINUTE + (1 - (room - current) / prev) * MINUTE;
}

export class RateLimiter {
  /** After close(): no background sync any more. */
  private closed = false;
  private lastPrune = 0;
  private readonly now: () => number;
  private readonly counters = new Map<string, Counter>();
  private timer: NodeJS.Timeout | null = null;
  private syncing: Promise<void> | null = null;

  constructor(private readonly opts: RateLimiterOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** Counts this request and throws AIRLOCK_ERR_RATE_LIMITED (429 + retry-after) when a limit is exceeded. */
  async check(id: Identity): Promise<void> {
    const specs = this.opts.limits(id);
    if (specs.length === 0) return;
    const now = this.now();
    const minute = Math.floor(now / MINUTE);
    const day = Math.floor(now / DAY);
    const checks: Check[] = [];
    for (const s of specs) {
      if (s.requestsPerMinute !== undefined) {
        const name = `rpm:${s.scope}:${s.subject}`;
        const counter = this.counter(name, minute, (minute + 2) * MINUTE);
        const prev = { counter: this.counter(name, minute - 1, (minute + 1) * MINUTE), weight: 1 - (now - minute * MINUTE) / MINUTE };
        checks.push({ spec: s, kind: 'rpm', limit: s.requestsPerMinute, resetAt: (minute + 1) * MINUTE, counter, prev });
      }
      if (s.tokensPerDay !== undefined) {
        const counter = this.counter(`tpd:${s.scope}:${s.subject}`, day, (day + 2) * DAY);
        checks.push({ spec: s, kind: 'tpd', limit: s.tokensPerDay, resetAt: (day + 1) * DAY, counter });
      }
    }
    this.prune(now);
    const local = checks.every((c) => {
      const k = c.counter;
      if (now - k.syncedAt > STALE_MS) return false;
      if (c.kind === 'tpd') return (k.base + k.local) * 10 < c.limit * 9;
      // The previous minute is settled once read after it ended (other instances' last counts
      // arrive within a sync period of its end).
      const p = c.prev!.counter;
      if (now - p.syncedAt > STALE_MS && p.syncedAt < minute * MINUTE + 2 * SYNC_MS) return false;
      return (k.local + 1) * 10 <= c.limit - sliding(k.base, prevCount(c), c);
    });
    if (local) {
      for (const c of checks) if (c.kind === 'rpm') c.counter.local += 1;
      this.schedule();
      return;
    }
    // Exact: this request and everything counted locally go to the store in one round trip, and
    // the counts it returns decide (by 0 reads a budget's usage: tokens are charged after the response).
    // The previous minute's counters are read (by 0: their local counts go with the next sync).
    const counters = checks.flatMap((c) => (c.prev === undefined ? [c.counter] : [c.counter, c.prev.counter]));
    const bumps: CounterBump[] = checks.flatMap((c) => [
      { name: c.counter.name, win: c.counter.win, by: c.counter.local + (c.kind === 'rpm' ? 1 : 0), expiresAt: c.counter.expiresAt },
      ...(c.prev === undefined ? [] : [{ name: c.prev.counter.name, win: c.prev.counter.win, by: 0, expiresAt: c.prev.counter.expiresAt }]),
    ]);
    for (const c of checks) c.counter.local = 0;
    let counts: number[];
    try {
      counts = await this.opts.store.bumpCounters(bumps);
    } catch (e) {
      counters.forEach((k, i) => (k.local += bumps[i]!.by)); // kept for the next sync
      this.opts.logger.warn({ err: (e as Error).message }, 'rate limit counters unavailable; request allowed');
      return;
    }
    const synced = this.now();
    counters.forEach((k, i) => {
      k.base = Math.max(k.base, counts[i] ?? 0);
      k.syncedAt = synced;
    });
    // This request's own counts decide (not `base`: a concurrent request's later reply may have
    // raised it already, and would refuse this one for counts that came after it).
    let worst: { msg: string; retryMs: number } | null = null;
    let at = 0;
    for (const c of checks) {
      const current = counts[at++] ?? 0;
      const prev = c.prev === undefined ? 0 : (counts[at++] ?? 0) + c.prev.counter.local; // + not yet synced here
      const n = c.kind === 'rpm' ? sliding(current, prev, c) : current + c.counter.local;
      const over = c.kind === 'rpm' ? n > c.limit : n >= c.limit;
      if (!over) continue;
      const retryMs = c.kind === 'rpm' ? retryAt(c, current, prev) - now : c.resetAt - now;
      const msg = c.kind === 'rpm'
        ? `Rate limit: ${who(c.spec)} made ${Math.ceil(n)} requests in the last minute (limit ${c.limit}); retry in ${retryIn(retryMs)}`
        : `Token budget: ${who(c.spec)} used ${n} tokens today (limit ${c.limit} per day, UTC); it resets in ${retryIn(retryMs)}`;
      if (worst === null || retryMs > worst.retryMs) worst = { msg, retryMs };
    }
    if (worst !== null) {
      const w: { msg: string; retryMs: number } = worst;
      throw new AirlockError('AIRLOCK_ERR_RATE_LIMITED', `${w.msg}.`, { headers: { 'retry-after': String(Math.max(1, Math.ceil(w.retryMs / 1000))) } });
    }
  }

  /** Adds an exchange's tokens to every daily budget of the identity (after the response; never throws). */
  charge(id: Identity, tokens: number): void {
    if (!(tokens > 0)) return;
    const specs = this.opts.limits(id).filter((s) => s.tokensPerDay !== undefined);
    if (specs.length === 0) return;
    const day = Math.floor(this.now() / DAY);
    for (const s of specs) this.counter(`tpd:${s.scope}:${s.subject}`, day, (day + 2) * DAY).local += Math.round(tokens);
    this.schedule();
  }

  /** Writes every local count to the store (on shutdown; also what the background sync does). */
  async flush(): Promise<void> {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    while (this.syncing !== null) await this.syncing;
    await this.sync();
  }

  /** The last flush, on shutdown: a failed sync keeps its counts here, with no retry after the store has closed. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
  }

  private counter(name: string, win: number, expiresAt: number): Counter {
    const key = `${name}@${win}`;
    let c = this.counters.get(key);
    if (c === undefined) {
      c = { name, win, expiresAt, base: 0, local: 0, syncedAt: -Infinity };
      this.counters.set(key, c);
    }
    return c;
  }

  private schedule(): void {
    if (this.timer !== null || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.syncing === null) this.syncing = this.sync().finally(() => (this.syncing = null));
    }, SYNC_MS);
    this.timer.unref();
  }

  /** One round trip for every counter with local counts (past windows are dropped by prune). */
  private async sync(): Promise<void> {
    const dirty = [...this.counters.values()].filter((c) => c.local > 0);
    if (dirty.length === 0) return;
    const bumps = dirty.map((c) => ({ name: c.name, win: c.win, by: c.local, expiresAt: c.expiresAt }));
    for (const c of dirty) c.local = 0;
    try {
      const counts = await this.opts.store.bumpCounters(bumps);
      const synced = this.now();
      dirty.forEach((c, i) => {
        c.base = Math.max(c.base, counts[i] ?? 0);
        c.syncedAt = synced;
      });
    } catch (e) {
      dirty.forEach((c, i) => (c.local += bumps[i]!.by));
      this.opts.logger.warn({ err: (e as Error).message }, 'rate limit counters not synced; kept locally');
      this.schedule();
    }
  }

  private prune(now: number): void {
    if (now - this.lastPrune < 10 * MINUTE) return;
    this.lastPrune = now;
    this.opts.store.pruneCounters(now).catch(() => undefined);
    // Windows no estimate reads any more (a minute's counter expires when the next minute ends),
    // once their local counts are in the store.
    for (const [key, c] of this.counters) if (c.local === 0 && c.expiresAt <= now) this.counters.delete(key);
  }

  /** Counters held in memory (for tests: past windows are dropped). */
  get size(): number {
    return this.counters.size;
  }
}

// Rate limits (requests per minute) and budgets (tokens per day) per key, user and team, kept as
// fixed-window counters in the shared store so that every gateway instance on one PostgreSQL
// database sees the same counts.
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

interface Check { spec: LimitSpec; kind: 'rpm' | 'tpd'; limit: number; resetAt: number; counter: Counter }

export class RateLimiter {
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
        const counter = this.counter(`rpm:${s.scope}:${s.subject}`, minute, (minute + 2) * MINUTE);
        checks.push({ spec: s, kind: 'rpm', limit: s.requestsPerMinute, resetAt: (minute + 1) * MINUTE, counter });
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
      return c.kind === 'rpm' ? (k.local + 1) * 10 <= c.limit - k.base : (k.base + k.local) * 10 < c.limit * 9;
    });
    if (local) {
      for (const c of checks) if (c.kind === 'rpm') c.counter.local += 1;
      this.schedule();
      return;
    }
    // Exact: this request and everything counted locally go to the store in one round trip, and
    // the counts it returns decide (by 0 reads a budget's usage: tokens are charged after the response).
    const bumps: CounterBump[] = checks.map((c) => ({ name: c.counter.name, win: c.counter.win, by: c.counter.local + (c.kind === 'rpm' ? 1 : 0), expiresAt: c.counter.expiresAt }));
    for (const c of checks) c.counter.local = 0;
    let counts: number[];
    try {
      counts = await this.opts.store.bumpCounters(bumps);
    } catch (e) {
      checks.forEach((c, i) => (c.counter.local += bumps[i]!.by)); // kept for the next sync
      this.opts.logger.warn({ err: (e as Error).message }, 'rate limit counters unavailable; request allowed');
      return;
    }
    const synced = this.now();
    checks.forEach((c, i) => {
      c.counter.base = Math.max(c.counter.base, counts[i] ?? 0);
      c.counter.syncedAt = synced;
    });
    let worst: { msg: string; retryMs: number } | null = null;
    checks.forEach((c, i) => {
      const n = c.kind === 'rpm' ? counts[i] ?? 0 : (counts[i] ?? 0) + c.counter.local;
      const over = c.kind === 'rpm' ? n > c.limit : n >= c.limit;
      if (!over) return;
      const retryMs = c.resetAt - now;
      const msg = c.kind === 'rpm'
        ? `Rate limit: ${who(c.spec)} made ${n} requests this minute (limit ${c.limit}); retry in ${retryIn(retryMs)}`
        : `Token budget: ${who(c.spec)} used ${n} tokens today (limit ${c.limit} per day, UTC); it resets in ${retryIn(retryMs)}`;
      if (worst === null || retryMs > worst.retryMs) worst = { msg, retryMs };
    });
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
    if (this.timer !== null) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.syncing === null) this.syncing = this.sync().finally(() => (this.syncing = null));
    }, SYNC_MS);
    this.timer.unref();
  }

  /** One round trip for every counter with local counts; past windows are dropped once written. */
  private async sync(): Promise<void> {
    const now = this.now();
    const dirty = [...this.counters.values()].filter((c) => c.local > 0);
    for (const [key, c] of this.counters) if (c.local === 0 && c.expiresAt <= now + MINUTE) this.counters.delete(key);
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
  }
}

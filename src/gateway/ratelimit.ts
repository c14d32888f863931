// Rate limits (requests per minute) and budgets (tokens per day) per key, user and team, kept as
// fixed-window counters in the shared store so that every gateway instance on one PostgreSQL
// database sees the same counts. Cost on the hot path: one round trip per request (a single
// multi-row upsert returning every count), and only for identities that have a limit; token
// usage is charged after the response, off the request path, and checked before the next one.
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

export class RateLimiter {
  private lastPrune = 0;
  private readonly now: () => number;

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
    const bumps: CounterBump[] = [];
    const checks: { spec: LimitSpec; kind: 'rpm' | 'tpd'; limit: number; resetAt: number }[] = [];
    for (const s of specs) {
      if (s.requestsPerMinute !== undefined) {
        bumps.push({ name: `rpm:${s.scope}:${s.subject}`, win: minute, by: 1, expiresAt: (minute + 2) * MINUTE });
        checks.push({ spec: s, kind: 'rpm', limit: s.requestsPerMinute, resetAt: (minute + 1) * MINUTE });
      }
      if (s.tokensPerDay !== undefined) {
        // by 0: read the day's usage in the same round trip (tokens are charged after the response).
        bumps.push({ name: `tpd:${s.scope}:${s.subject}`, win: day, by: 0, expiresAt: (day + 2) * DAY });
        checks.push({ spec: s, kind: 'tpd', limit: s.tokensPerDay, resetAt: (day + 1) * DAY });
      }
    }
    let counts: number[];
    try {
      counts = await this.opts.store.bumpCounters(bumps);
    } catch (e) {
      this.opts.logger.warn({ err: (e as Error).message }, 'rate limit counters unavailable; request allowed');
      return;
    }
    this.prune(now);
    let worst: { msg: string; retryMs: number } | null = null;
    checks.forEach((c, i) => {
      const n = counts[i] ?? 0;
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
    const bumps = specs.map((s) => ({ name: `tpd:${s.scope}:${s.subject}`, win: day, by: Math.round(tokens), expiresAt: (day + 2) * DAY }));
    this.opts.store.bumpCounters(bumps).catch((e: unknown) => this.opts.logger.warn({ err: (e as Error).message }, 'token usage not charged'));
  }

  private prune(now: number): void {
    if (now - this.lastPrune < 10 * MINUTE) return;
    this.lastPrune = now;
    this.opts.store.pruneCounters(now).catch(() => undefined);
  }
}

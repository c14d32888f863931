// Prompt baselines in the gateway: observe() compares an exchange with the in-memory baseline of
// its (tool, version) synchronously (a map lookup per prompt group when the prompt is a known
// variant); persistence and sharing between instances happen off the hot path, on a timer:
// new variants are saved to the store, and variants other instances saved are loaded.
import { CovertBaseline, type BaselineOptions, type ObserveInput } from '../core/covert/baseline.ts';
import type { Finding } from '../core/types.ts';
import type { Store } from '../store/types.ts';

export type { ObserveInput } from '../core/covert/baseline.ts';

export interface BaselineObserverOptions extends BaselineOptions {
  /** Save and load interval (default 5000 ms; 0 disables the timer: call sync() yourself). */
  syncMs?: number;
  /** Tools never baselined (e.g. 'unknown': SDK scripts whose prompts are all different). */
  skipTools?: readonly string[];
  onError?: (e: unknown) => void;
}

type BaselineStore = Pick<Store, 'saveBaselineVariants' | 'loadBaselineVariants'>;

export class BaselineObserver {
  readonly baseline: CovertBaseline;
  private readonly store: BaselineStore | null;
  private readonly syncMs: number;
  private readonly skip: Set<string>;
  private readonly onError: (e: unknown) => void;
  private rev = 0;
  private timer: NodeJS.Timeout | null = null;
  private syncing: Promise<void> | null = null;

  constructor(store: BaselineStore | null, opts: BaselineObserverOptions = {}) {
    this.store = store;
    this.baseline = new CovertBaseline(opts);
    this.syncMs = opts.syncMs ?? 5000;
    this.skip = new Set(opts.skipTools ?? ['unknown']);
    this.onError = opts.onError ?? (() => {});
  }

  /**
   * Starts the periodic sync and loads what the store holds. A first load that fails is thrown;
   * the timer retries it either way.
   */
  async start(): Promise<void> {
    if (this.syncMs > 0 && this.store !== null) {
      this.timer = setInterval(() => {
        this.sync().catch(this.onError);
      }, this.syncMs);
      this.timer.unref();
    }
    await this.sync();
  }

  /**
   * Synchronous and fast: compares the exchange's system prompt, tool definitions (and headers,
   * when given) with the baseline of its (tool, version), learns from it, and returns findings
   * (detector 'covert'). Never throws: a failure returns no findings and is reported to onError.
   */
  observe(input: ObserveInput): Finding[] {
    if (this.skip.has(input.tool)) return [];
    try {
      return this.baseline.observe(input);
    } catch (e) {
      this.onError(e);
      return [];
    }
  }

  /** Saves new variants, then loads those other instances saved. One at a time. */
  sync(): Promise<void> {
    if (this.store === null) return Promise.resolve();
    if (this.syncing !== null) return this.syncing;
    const store = this.store;
    this.syncing = (async () => {
      try {
        const dirty = this.baseline.drainDirty();
        if (dirty.length > 0) {
          try {
            await store.saveBaselineVariants(dirty);
          } catch (e) {
            this.baseline.restoreDirty(dirty); // saved by the next sync
            throw e;
          }
        }
        for (;;) {
          const { rows, rev } = await store.loadBaselineVariants({ afterRev: this.rev, limit: 2000 });
          this.baseline.load(rows);
          this.rev = rev;
          if (rows.length < 2000) break;
        }
      } finally {
        this.syncing = null;
      }
    })();
    return this.syncing;
  }

  /** Stops the timer and saves what is left. */
  async close(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    await this.sync().catch(this.onError);
  }
}

// The optional native trigger pass (native/scan.cc): Hyperscan finds every trigger of many
// segments in one call. It only speeds up finding *where to look*; every finding is still decided
// by the same TypeScript code, and without the addon (no libhyperscan, or AIRLOCK_NATIVE=0) the
// engine falls back to its JavaScript prefilter with identical results (test/detect/native.test.ts).
// core does no I/O: the addon is loaded outside it (src/native/load.ts) and handed in here.

export interface TriggerDb {
  readonly patterns: number;
}

interface Addon {
  compile(patterns: string[], flags: Uint32Array, gaps: Int32Array, ranks: Int32Array): TriggerDb;
  scan(db: TriggerDb, texts: readonly string[]): Int32Array;
}

/** Hyperscan compile flags (hs_compile.h). */
export const HS_CASELESS = 1;
export const HS_DOTALL = 2;

let addon: Addon | null = null;
let installed: Addon | null = null;

/** Hands the loaded addon to the engine (src/native/load.ts); null removes it. */
export function useNativeAddon(a: unknown): void {
  installed = a !== null && typeof a === 'object' && typeof (a as Addon).compile === 'function' && typeof (a as Addon).scan === 'function' ? (a as Addon) : null;
  addon = installed;
}

function get(): Addon | null {
  return addon;
}

/** Whether the native pass is in use (reported by `airlock serve` and the benchmark). */
export function nativeAvailable(): boolean {
  return addon !== null;
}

/** Test hook: run the JavaScript fallback even where the addon is loaded. */
export function setNativeEnabled(on: boolean): void {
  addon = on ? installed : null;
}

export interface TriggerPattern {
  /** Hyperscan (PCRE-like) syntax. */
  source: string;
  flags?: number;
  /** Merge matches whose ends are at most this far apart (0: report each). */
  gap?: number;
  /** Order among patterns that end at the same offset (lower first). */
  rank?: number;
}

/** Compiles trigger patterns; null when the addon is not available. Throws on a bad pattern. */
export function compileTriggers(patterns: readonly TriggerPattern[]): TriggerDb | null {
  const a = get();
  if (a === null || patterns.length === 0) return null;
  return a.compile(
    patterns.map((p) => p.source),
    Uint32Array.from(patterns, (p) => p.flags ?? 0),
    Int32Array.from(patterns, (p) => p.gap ?? 0),
    Int32Array.from(patterns, (p) => p.rank ?? 0),
  );
}

/**
 * Quads [segment, pattern, firstEnd, lastEnd] in order of segment, then end offset, then rank.
 * Null when the addon has gone (setNativeEnabled(false)): the caller falls back.
 */
export function scanTriggers(db: TriggerDb, texts: readonly string[]): Int32Array | null {
  const a = get();
  return a === null ? null : a.scan(db, texts);
}

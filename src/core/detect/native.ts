// The optional native trigger pass (native/scan.cc): Hyperscan finds every trigger of many
// segments in one call. It only speeds up finding *where to look*; every finding is still decided
// by the same TypeScript code, and without the addon (no libhyperscan, or AIRLOCK_NATIVE=0) the
// engine falls back to its JavaScript prefilter with identical results (test/detect/native.test.ts).
// core does no I/O: the addon is loaded outside it (src/native/load.ts) and handed in here.
import type { Triggers } from './types.ts';
import { useNativeRuns } from '../unicode/ascii-runs.ts';

/** A compiled pattern set (an opaque handle held by the addon). */
export type TriggerDb = { readonly __triggerDb: unique symbol };

/**
 * Texts shorter than this keep the JavaScript path: the call costs ~50 ns per string, more than the
 * JavaScript prefilter takes on a short text, and most segments of a request are names and ids.
 */
const NATIVE_MIN_LENGTH = 24;
/** Below this many units in all (texts of NATIVE_MIN_LENGTH or more), no call: see triggersPerText. */
const NATIVE_MIN_TOTAL = 1024;

interface Addon {
  compile(patterns: string[], flags: Uint32Array, gaps: Int32Array, ranks: Int32Array, assign?: Uint8Array): TriggerDb;
  scan(db: TriggerDb, texts: readonly string[]): Int32Array;
  /** The `assign` conditions this build knows (bits; absent: 1, the assignment only). */
  conditions?: number;
  /** The personal-data triggers matched by hand (native/pii.cc): pii.ts's five patterns, same ends. */
  piiTriggers?: () => TriggerDb;
  /** The non-ASCII runs of a text (native/runs.cc), for core/unicode/ascii-runs.ts. */
  runs?: (text: string) => Int32Array | null;
}

/** Hyperscan's compile flag for case-insensitive matching (hs_compile.h). */
export const HS_CASELESS = 1;

let addon: Addon | null = null;
let installed: Addon | null = null;

/** Hands the loaded addon to the engine (src/native/load.ts); null removes it. */
export function useNativeAddon(a: unknown): void {
  installed = a !== null && typeof a === 'object' && typeof (a as Addon).compile === 'function' && typeof (a as Addon).scan === 'function' ? (a as Addon) : null;
  setNativeEnabled(true);
}

/** Whether the native pass is in use (reported by `airlock serve` and the benchmark). */
export function nativeAvailable(): boolean {
  return addon !== null;
}

/** Test hook: run the JavaScript fallback even where the addon is loaded. */
export function setNativeEnabled(on: boolean): void {
  addon = on ? installed : null;
  const runs = addon?.runs;
  useNativeRuns(typeof runs === 'function' ? runs.bind(addon) : null);
}

export interface TriggerPattern {
  /** Hyperscan (PCRE-like) syntax. */
  source: string;
  flags?: number;
  /** Merge matches whose ends are at most this far apart (0: report each). */
  gap?: number;
  /** Order among patterns that end at the same offset (lower first). */
  rank?: number;
  /**
   * Report a match only where an assignment follows it (the secret scanner's `assignFollows`,
   * read on seven-bit bytes: true wherever the scanner's is, so no hit it needs is dropped), or,
   * with `tail`, gitleaks' assignment tail (its `tailAfterWord`); with both, where either does.
   */
  assign?: boolean;
  tail?: boolean;
}

/**
 * Compiles trigger patterns; null when the addon is not available or rejects a pattern (the
 * caller then keeps its JavaScript path: same findings). Callers compile once and keep the result,
 * null included, so a rejected set is not compiled again on every request.
 */
export function compileTriggers(patterns: readonly TriggerPattern[]): TriggerDb | null {
  const a = addon;
  if (a === null || patterns.length === 0) return null;
  try {
    return a.compile(
    patterns.map((p) => p.source),
    Uint32Array.from(patterns, (p) => p.flags ?? 0),
    Int32Array.from(patterns, (p) => p.gap ?? 0),
    Int32Array.from(patterns, (p) => p.rank ?? 0),
    patterns.some((p) => p.assign === true || p.tail === true) ? Uint8Array.from(patterns, (p) => conditionBits(p, a.conditions ?? 1)) : undefined,
    );
  } catch {
    return null;
  }
}

/** A pattern's `assign` bits for the addon: 1 the assignment, 2 the tail; 0 (report every match) where this build lacks one it needs. */
function conditionBits(p: TriggerPattern, known: number): number {
  const bits = (p.assign === true ? 1 : 0) | (p.tail === true ? 2 : 0);
  return (bits & ~known) !== 0 ? 0 : bits;
}

/**
 * The built-in database of the personal-data triggers (native/pii.cc: the same matches as
 * compiling pii.ts's trigger patterns, found without Hyperscan, at about twice the speed); null
 * when the addon does not have it.
 */
export function piiTriggerDatabase(): TriggerDb | null {
  const f = addon?.piiTriggers;
  if (typeof f !== 'function') return null;
  try {
    return f.call(addon);
  } catch {
    return null;
  }
}

/**
 * The triggers of each text of at least NATIVE_MIN_LENGTH units, in one native call; undefined for
 * shorter texts. Null without the addon, or when those texts hold fewer than NATIVE_MIN_TOTAL
 * units in all (the caller's JavaScript prefilter then finds the same triggers).
 */
export function triggersPerText(db: TriggerDb, texts: readonly string[]): (Triggers | undefined)[] | null {
  const a = addon;
  if (a === null) return null;
  const idx: number[] = [];
  const long: string[] = [];
  let total = 0;
  for (let i = 0; i < texts.length; i++) {
    if (texts[i]!.length >= NATIVE_MIN_LENGTH) {
      idx.push(i);
      long.push(texts[i]!);
      total += texts[i]!.length;
    }
  }
  // A few short texts (the part of a resent conversation the result cache has not seen, a
  // request's headers): the JavaScript prefilter is cheaper than the call (measured: 40 segments,
  // 882 units, 29-48 µs for the whole engine against 47-72 µs with the call).
  if (total < NATIVE_MIN_TOTAL) return null;
  const out = new Array<Triggers | undefined>(texts.length);
  const q = a.scan(db, long);
  let h = 0;
  for (let k = 0; k < long.length; k++) {
    const from = h;
    while (h < q.length && q[h] === k) h += 4;
    out[idx[k]!] = { quads: q, from, to: h };
  }
  return out;
}

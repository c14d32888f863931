// The inspection engine: runs every enabled detector over every segment and returns findings.
// Pure and synchronous; no I/O. A detector that throws is reported, never fatal.
import type { Finding, Segment } from '../types.ts';
import { segmentPath } from '../exchange/path.ts';
import { mask } from './mask.ts';
import { groupRanges, type HitCache } from './cache.ts';
import type { DetectContext, DetectOptions, Detector, Hit } from './types.ts';
import { DETECTORS } from './registry.ts';

export interface InspectOptions extends DetectOptions {
  /** Detector ids to run; default all. */
  detectors?: string[];
  /** Keyed hash of a matched value (the gateway passes an HMAC); default: no hash. */
  hashValue?: (value: string) => string;
  /** Results of segment groups seen before (one cache per options object). */
  cache?: HitCache;
  /**
   * A clock (ms) and a budget per detector per exchange: a detector that took longer is reported
   * in `errors` (detectors are synchronous, so it has finished; being that slow, it is suspect).
   */
  clock?: () => number;
  budgetMs?: number;
}

export interface InspectResult {
  findings: Finding[];
  /** Detectors that threw (id and message), so policy can fail open or closed. */
  errors: { detector: string; message: string }[];
  /** The segment each finding was made in (redaction patches there without searching by path). */
  segmentOf: (f: Finding) => Segment | undefined;
}

export function selectDetectors(ids?: string[]): Detector[] {
  if (ids === undefined) return DETECTORS;
  const out: Detector[] = [];
  for (const id of ids) {
    const d = DETECTORS.find((x) => x.id === id);
    if (d === undefined) throw new Error(`unknown detector '${id}' (known: ${DETECTORS.map((x) => x.id).join(', ')})`);
    out.push(d);
  }
  return out;
}

export function inspect(segments: readonly Segment[], opts: InspectOptions = {}, parts?: readonly (readonly Segment[])[]): InspectResult {
  const detectors = selectDetectors(opts.detectors);
  const findings: Finding[] = [];
  const errors: InspectResult['errors'] = [];
  // The segment of each finding, by detector in finding order (`segmentOf` builds its map only
  // when asked: most exchanges are never redacted).
  const segsOf: Segment[][] = detectors.map(() => []);
  const { cache, clock, budgetMs } = opts;
  // The groups: the caller's parts when they make up exactly these segments (the element cache's
  // parts, each one group, and a part found again is the same array: ParsedRequest.parts), else
  // found from the paths.
  let ranges: [number, number][] | null = null;
  let keys: (readonly Segment[])[] | null = null;
  if (parts !== undefined) {
    ranges = [];
    keys = [];
    let at = 0;
    // Checked slot by slot (pointers only: two arrays read, no segment touched).
    for (const p of parts) {
      if (p.length === 0) continue;
      let same = at + p.length <= segments.length;
      for (let j = 0; same && j < p.length; j++) same = p[j] === segments[at + j];
      if (!same) {
        at = -1;
        break;
      }
      ranges.push([at, at + p.length]);
      keys.push(p);
      at += p.length;
    }
    if (at !== segments.length) ranges = keys = null;
  }
  ranges ??= groupRanges(segments);
  let entries = cache === undefined ? null : ranges.map(([a, b], g) => (keys !== null ? cache.group(keys[g]!, true) : cache.group(segments.slice(a, b))));
  if (entries !== null) {
    // Groups every detector has already scanned without a hit (most of a resent conversation)
    // need nothing more: one check per group instead of one per detector and segment.
    const keep: number[] = [];
    for (let g = 0; g < ranges.length; g++) if (entries[g]?.settledEmpty(detectors) !== true) keep.push(g);
    if (keep.length < ranges.length) {
      const e = entries;
      const r = ranges;
      ranges = keep.map((g) => r[g]!);
      entries = keep.map((g) => e[g]);
      // Nothing left to scan or report (a client's usual headers): no detector is called.
      if (ranges.length === 0) return { findings, errors, segmentOf: () => undefined };
    }
  }
  // One context per segment for all detectors: its memo carries what one detector computed about
  // the text (non-ASCII runs, IP addresses) to the next.
  const ctxs: (DetectContext | undefined)[] = new Array<DetectContext | undefined>(segments.length);
  // Per detector, over all batches: findings, first error, time.
  const found: Finding[][] = detectors.map(() => []);
  const failures: (string | undefined)[] = detectors.map(() => undefined);
  const elapsed: number[] = detectors.map(() => 0);
  // A short text repeats within a request (a tool schema's keys and types: 615 short segments, 137
  // distinct, in a Claude Code request), and a detector's hits depend only on the text and the
  // segment's role: a repeat takes the hits of the first segment with the same role and text.
  const first = firstOfSame(segments, ranges);
  // Per detector, the hits of each segment that others repeat (FAILED: the detector threw on it),
  // kept as soon as they are known (null: not yet; a repeat always comes after its first).
  const firstHits: (Hit[] | null)[][] = first === null ? [] : detectors.map(() => new Array<Hit[] | null>(segments.length).fill(null));
  // Groups go in batches of about BATCH_UNITS code units, each through every detector in turn:
  // detector-major within a batch (one clock reading per detector, one native call for all of
  // its texts), while the batch's texts are still in the processor's cache for the next detector.
  for (let b0 = 0; b0 < ranges.length; ) {
    let b1 = b0;
    for (let units = 0; b1 < ranges.length && (b1 === b0 || units < BATCH_UNITS); b1++) {
      for (let i = ranges[b1]![0]; i < ranges[b1]![1]; i++) units += segments[i]!.text.length;
    }
    for (let k = 0; k < detectors.length; k++) {
      const d = detectors[k]!;
      const t0 = clock?.() ?? 0;
      runDetector(d, k, b0, b1);
      if (clock !== undefined) elapsed[k]! += clock() - t0;
    }
    b0 = b1;
  }
  for (let k = 0; k < detectors.length; k++) {
    for (const f of found[k]!) findings.push(f);
    const failure = failures[k];
    if (failure !== undefined) errors.push({ detector: detectors[k]!.id, message: failure });
    else if (clock !== undefined && budgetMs !== undefined && elapsed[k]! > budgetMs) {
      errors.push({ detector: detectors[k]!.id, message: `exceeded its time budget (${elapsed[k]!.toFixed(1)} ms > ${budgetMs} ms)` });
    }
  }

  /** Detector `d` over the groups [g0, g1). */
  function runDetector(d: Detector, k: number, g0: number, g1: number): void {
    const out = found[k]!;
    if (d.prepare !== undefined) {
      const texts: string[] = [];
      const pctx: DetectContext[] = [];
      for (let g = g0; g < g1; g++) {
        if (entries?.[g]?.hits.has(d.id) === true) continue;
        for (let i = ranges![g]![0]; i < ranges![g]![1]; i++) {
          if (first !== null && first[i]! >= 0) continue;
          const seg = segments[i]!;
          texts.push(seg.text);
          pctx.push((ctxs[i] ??= { options: opts, segment: seg, memo: {} }));
        }
      }
      if (texts.length > 0) d.prepare(texts, pctx);
    }
    for (let g = g0; g < g1; g++) {
      const [a, b] = ranges![g]!;
      const entry = entries?.[g];
      let groupHits = entry?.hits.get(d.id);
      if (groupHits === undefined) {
        groupHits = [];
        let ok = true;
        for (let i = a; i < b; i++) {
          const f = first === null ? -1 : first[i]!;
          const same = f >= 0 ? firstHits[k]![f]! : null;
          let hits: Hit[];
          if (same !== null) hits = same;
          else {
            const seg = segments[i]!;
            try {
              const ctx = (ctxs[i] ??= { options: opts, segment: seg, memo: {} });
              hits = d.detect(seg.text, ctx);
            } catch (e) {
              failures[k] ??= e instanceof Error ? e.message : String(e);
              hits = FAILED;
            }
            if (f === -2) firstHits[k]![i] = hits;
          }
          if (hits === FAILED) ok = false;
          groupHits.push(hits);
        }
        if (ok) entry?.set(d.id, groupHits);
      } else if (first !== null) {
        // A cached group: the hits of its segments that later ones repeat (marked -2).
        for (let i = a; i < b; i++) if (first[i] === -2) firstHits[k]![i] = groupHits[i - a]!;
      }
      for (let i = a; i < b; i++) {
        const hits = groupHits[i - a]!;
        if (hits.length === 0) continue;
        const seg = segments[i]!;
        let path = RENDERED.get(seg);
        if (path === undefined) {
          path = segmentPath(seg);
          RENDERED.set(seg, path);
        }
        for (const h of hits) {
          const f = toFinding(d, seg, path, h, opts.hashValue);
          out.push(f);
          segsOf[k]!.push(seg);
        }
      }
    }
  }
  let where: Map<Finding, Segment> | undefined;
  const segmentOf = (f: Finding): Segment | undefined => {
    if (where === undefined) {
      where = new Map();
      for (let k = 0; k < detectors.length; k++) {
        const fs = found[k]!;
        const ss = segsOf[k]!;
        for (let j = 0; j < fs.length; j++) where.set(fs[j]!, ss[j]!);
      }
    }
    return where.get(f);
  };
  return { findings, errors, segmentOf };
}

/** The hits of a segment a detector threw on (none); an object of its own, to tell it apart. */
const FAILED: Hit[] = [];

/**
 * Texts shorter than this are compared with the other short texts of a call (see firstOfSame): a
 * key is hashed in full, and it is short texts (keys, types, names) that a request repeats.
 */
const SHORT_UNITS = 24;

/**
 * For each segment to scan: the index of the first earlier one with the same role and the same
 * short text, -2 for a segment that later ones repeat, -1 otherwise; null when nothing repeats.
 */
function firstOfSame(segments: readonly Segment[], ranges: readonly [number, number][]): Int32Array | null {
  let out: Int32Array | null = null;
  const byRole = new Map<Segment['role'], Map<string, number>>();
  for (const [a, b] of ranges) {
    for (let i = a; i < b; i++) {
      const seg = segments[i]!;
      if (seg.text.length >= SHORT_UNITS) continue;
      let seen = byRole.get(seg.role);
      if (seen === undefined) byRole.set(seg.role, (seen = new Map()));
      const f = seen.get(seg.text);
      if (f === undefined) {
        seen.set(seg.text, i);
        continue;
      }
      out ??= new Int32Array(segments.length).fill(-1);
      out[i] = f;
      out[f] = -2;
    }
  }
  return out;
}

/**
 * Code units per batch of groups (see inspect). Measured on 10 MB of mixed text in documents of
 * 4-64 kB: batches of ~0.5 MB ran 5-8% faster than one batch of all; a request of up to this
 * size (nearly all) is one batch, as before.
 */
const BATCH_UNITS = 1 << 19;

/**
 * Rendered paths of segments, and the masked preview and keyed hash of cached hits: the gateway
 * reuses both objects for a resent conversation (exchange/elements.ts, HitCache), so their
 * findings are made again each turn without masking and hashing the same values again. A cached
 * hit is only ever paired with the same text, so its value is the same.
 */
const RENDERED = new WeakMap<Segment, string>();
const VALUES = new WeakMap<Hit, { preview: string; hashValue: ((v: string) => string) | undefined; valueHash: string | undefined }>();

function toFinding(d: Detector, seg: Segment, path: string, h: Hit, hashValue: ((v: string) => string) | undefined): Finding {
  let v = VALUES.get(h);
  if (v === undefined || v.hashValue !== hashValue) {
    const value = seg.text.slice(h.start, h.end);
    v = { preview: mask(value), hashValue, valueHash: hashValue?.(value) };
    VALUES.set(h, v);
  }
  const f: Finding = {
    detector: d.id,
    rule: h.rule,
    severity: h.severity ?? d.severity,
    role: seg.role,
    segmentPath: path,
    start: h.start,
    end: h.end,
    preview: v.preview,
    confidence: h.confidence,
  };
  if (h.detail !== undefined) f.detail = h.detail;
  if (v.valueHash !== undefined) f.valueHash = v.valueHash;
  return f;
}

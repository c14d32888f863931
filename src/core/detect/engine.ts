// The inspection engine: runs every enabled detector over every segment and returns findings.
// Pure and synchronous; no I/O. A detector that throws is reported, never fatal.
import type { Finding, Segment } from '../types.ts';
import { renderPath } from '../exchange/path.ts';
import { mask } from './mask.ts';
import type { HitCache } from './cache.ts';
import type { DetectOptions, Detector, Hit } from './types.ts';
import { DETECTORS } from './registry.ts';

export interface InspectOptions extends DetectOptions {
  /** Detector ids to run; default all. */
  detectors?: string[];
  /** Keyed hash of a matched value (the gateway passes an HMAC); default: no hash. */
  hashValue?: (value: string) => string;
  /** Results of long segments seen before (one cache per options object). */
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

export function inspect(segments: readonly Segment[], opts: InspectOptions = {}): InspectResult {
  const detectors = selectDetectors(opts.detectors);
  const findings: Finding[] = [];
  const errors: InspectResult['errors'] = [];
  const paths = new Map<Segment, string>();
  const { cache, clock, budgetMs } = opts;
  const entries = cache === undefined ? null : segments.map((s) => cache.entry(s));
  // Detector-major: one clock reading per detector, not per segment.
  for (const d of detectors) {
    const t0 = clock?.() ?? 0;
    let failed = false;
    for (let i = 0; i < segments.length; i++) {
      const seg = segments[i]!;
      const entry = entries?.[i];
      let hits = entry?.get(seg.role, d.id);
      if (hits === undefined) {
        try {
          hits = d.detect(seg.text, { options: opts, segment: seg });
          entry?.set(seg.role, d.id, hits);
        } catch (e) {
          if (!failed) errors.push({ detector: d.id, message: e instanceof Error ? e.message : String(e) });
          failed = true;
          continue;
        }
      }
      if (hits.length === 0) continue;
      let path = paths.get(seg);
      if (path === undefined) {
        path = renderPath(seg.path) + (seg.isKey === true ? ' (key)' : '');
        paths.set(seg, path);
      }
      for (const h of hits) findings.push(toFinding(d, seg, path, h, opts.hashValue));
    }
    if (clock !== undefined && budgetMs !== undefined && !failed) {
      const ms = clock() - t0;
      if (ms > budgetMs) errors.push({ detector: d.id, message: `exceeded its time budget (${ms.toFixed(1)} ms > ${budgetMs} ms)` });
    }
  }
  return { findings, errors };
}

function toFinding(d: Detector, seg: Segment, path: string, h: Hit, hashValue: ((v: string) => string) | undefined): Finding {
  const value = seg.text.slice(h.start, h.end);
  const f: Finding = {
    detector: d.id,
    rule: h.rule,
    severity: h.severity ?? d.severity,
    role: seg.role,
    segmentPath: path,
    start: h.start,
    end: h.end,
    preview: mask(value),
    confidence: h.confidence,
  };
  if (h.detail !== undefined) f.detail = h.detail;
  if (hashValue !== undefined) f.valueHash = hashValue(value);
  return f;
}

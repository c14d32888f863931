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
  const key = opts.detectors === undefined ? '' : `:${opts.detectors.join(',')}`;
  const findings: Finding[] = [];
  const errors: InspectResult['errors'] = [];
  for (const seg of segments) {
    let perDetector = opts.cache?.get(seg, key);
    if (perDetector === undefined) {
      perDetector = [];
      let failed = false;
      const ctx = { options: opts, segment: seg };
      for (const d of detectors) {
        let hits: Hit[] = [];
        try {
          hits = d.detect(seg.text, ctx);
        } catch (e) {
          failed = true;
          errors.push({ detector: d.id, message: e instanceof Error ? e.message : String(e) });
        }
        perDetector.push(hits);
      }
      if (!failed) opts.cache?.set(seg, key, perDetector);
    }
    let path: string | null = null;
    for (let i = 0; i < detectors.length; i++) {
      const hits = perDetector[i]!;
      if (hits.length === 0) continue;
      const d = detectors[i]!;
      path ??= renderPath(seg.path) + (seg.isKey === true ? ' (key)' : '');
      for (const h of hits) {
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
        if (opts.hashValue !== undefined) f.valueHash = opts.hashValue(value);
        findings.push(f);
      }
    }
  }
  return { findings, errors };
}

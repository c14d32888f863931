// Redaction patches the original body at exactly the finding spans with stable placeholders
// and changes no other byte. The same value maps to the same placeholder within an exchange.
import { locateSegments, rawOffset } from './exchange/locate.ts';
import { renderPath } from './exchange/path.ts';
import type { Finding, Segment } from './types.ts';

export interface RedactResult {
  body: string;
  /** Placeholder per redacted finding (same order as the input findings; null if not redacted). */
  placeholders: (string | null)[];
  count: number;
}

interface Patch {
  start: number;
  end: number;
  text: string;
}

export function redact(raw: string, segments: readonly Segment[], findings: readonly Finding[]): RedactResult {
  const placeholders: (string | null)[] = findings.map(() => null);
  if (findings.length === 0) return { body: raw, placeholders, count: 0 };
  // Render only the paths under the top-level fields the findings name (a body's tool schemas
  // are hundreds of segments no finding usually points into).
  const tops = new Set(findings.map((f) => /^[^.[ ]*/.exec(f.segmentPath)![0]));
  const byPath = new Map<string, Segment>();
  for (const s of segments) {
    if (tops.has('') || tops.has(String(s.path[0]))) byPath.set(renderPath(s.path) + (s.isKey === true ? ' (key)' : ''), s);
  }
  const needed = findings.map((f) => byPath.get(f.segmentPath)).filter((s): s is Segment => s !== undefined);
  locateSegments(raw, needed.filter((s) => s.raw === undefined));

  const names = new Map<string, string>(); // rule + value -> placeholder
  const perRule = new Map<string, number>();
  const patches: Patch[] = [];
  findings.forEach((f, idx) => {
    const seg = byPath.get(f.segmentPath);
    if (seg?.raw === undefined) return;
    const value = seg.text.slice(f.start, f.end);
    const key = `${f.rule}\u0000${value}`;
    let ph = names.get(key);
    if (ph === undefined) {
      const n = (perRule.get(f.rule) ?? 0) + 1;
      perRule.set(f.rule, n);
      ph = `[REDACTED:${f.rule}#${n}]`;
      names.set(key, ph);
    }
    placeholders[idx] = ph;
    const literal = raw.slice(seg.raw.start, seg.raw.end);
    patches.push({ start: seg.raw.start + rawOffset(literal, f.start), end: seg.raw.start + rawOffset(literal, f.end), text: ph });
  });
  // Overlapping spans (two detectors on one value) merge into the earliest, widest patch.
  patches.sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: Patch[] = [];
  for (const p of patches) {
    const last = merged[merged.length - 1];
    if (last !== undefined && p.start < last.end) last.end = Math.max(last.end, p.end);
    else merged.push({ ...p });
  }
  let out = '';
  let at = 0;
  for (const p of merged) {
    out += raw.slice(at, p.start) + p.text;
    at = p.end;
  }
  out += raw.slice(at);
  return { body: out, placeholders, count: merged.length };
}

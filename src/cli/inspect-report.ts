// Where `airlock inspect` findings sit in the file that was read (line and column, for people and
// for code-scanning tools), and the SARIF 2.1.0 log of a run. A finding's span is in its segment's
// decoded text; in a JSON body the segment is a string literal, whose escapes are walked back to
// raw offsets. Columns count UTF-16 code units, SARIF's default.
import { createHash } from 'node:crypto';
import { DETECTORS } from '../core/detect/registry.ts';
import { locateSegments, rawOffset } from '../core/exchange/locate.ts';
import { SARIF_LEVEL, SECURITY_SEVERITY, sarifLog, sarifRuleName } from '../core/sarif.ts';
import type { Finding, Segment } from '../core/types.ts';

export interface Region {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

/** 1-based line and column of every offset, by binary search over line starts. */
function lineIndex(text: string): (offset: number) => [number, number] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return (o) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= o) lo = mid;
      else hi = mid - 1;
    }
    return [lo + 1, o - starts[lo]! + 1];
  };
}

/**
 * The region of each finding in `text` (the file as read), or null where it cannot be placed (a
 * segment that is not one literal of the body, such as tool-call arguments rebuilt from an object).
 * `plain`: the text is the one segment (not JSON).
 */
export function regionsOf(text: string, plain: boolean, findings: readonly Finding[], segmentOf: (f: Finding) => Segment | undefined): (Region | null)[] {
  if (findings.length === 0) return [];
  const at = lineIndex(text);
  const region = (s: number, e: number): Region => {
    const [startLine, startColumn] = at(s);
    const [endLine, endColumn] = at(e);
    return { startLine, startColumn, endLine, endColumn };
  };
  if (plain) return findings.map((f) => region(f.start, f.end));
  const segs = [...new Set(findings.map(segmentOf).filter((s): s is Segment => s !== undefined))];
  const literals = locateSegments(text, segs);
  return findings.map((f) => {
    const seg = segmentOf(f);
    const lit = seg === undefined ? undefined : literals.get(seg);
    if (lit === undefined) return null;
    const raw = text.slice(lit.start, lit.end);
    return region(lit.start + rawOffset(raw, f.start), lit.start + rawOffset(raw, f.end));
  });
}


export interface InspectedFile {
  /** The path as given, relative to the inspected directory. */
  name: string;
  findings: readonly Finding[];
  regions: readonly (Region | null)[];
}

/**
 * SARIF 2.1.0: one result per finding, its rule `detector/rule`, the masked preview in the message
 * (never the value), and a fingerprint that does not depend on the value either (rule, file, and
 * which occurrence of that rule in the file), so a code-scanning UI tracks it across runs.
 */
export function inspectSarif(files: readonly InspectedFile[], toolVersion: string): string {
  const described = new Map<string, { detector: string; rule: string; description: string }>();
  for (const d of DETECTORS) for (const r of d.rules) described.set(`${d.id}/${r.id}`, { detector: d.id, rule: r.id, description: r.description });
  const used: string[] = [];
  const index = new Map<string, number>();
  const results: unknown[] = [];
  for (const file of files) {
    const uri = file.name.split('\\').join('/');
    const seen = new Map<string, number>();
    file.findings.forEach((f, i) => {
      const id = `${f.detector}/${f.rule}`;
      if (!index.has(id)) {
        index.set(id, used.length);
        used.push(id);
      }
      const n = (seen.get(id) ?? 0) + 1;
      seen.set(id, n);
      const region = file.regions[i] ?? null;
      results.push({
        ruleId: id,
        ruleIndex: index.get(id),
        level: SARIF_LEVEL[f.severity] ?? 'warning',
        message: { text: `${f.detail ?? described.get(id)?.description ?? id}: ${f.preview}${f.segmentPath !== '' ? ` in ${f.segmentPath} (${f.role})` : ''}` },
        locations: [{
          physicalLocation: { artifactLocation: { uri }, ...(region !== null ? { region } : {}) },
          ...(f.segmentPath !== '' ? { logicalLocations: [{ fullyQualifiedName: f.segmentPath, kind: 'member' }] } : {}),
        }],
        partialFingerprints: { 'airlockInspect/v1': createHash('sha256').update(`${id}\0${uri}\0${n}`).digest('hex').slice(0, 32) },
        properties: { severity: f.severity, confidence: f.confidence, role: f.role, 'security-severity': SECURITY_SEVERITY[f.severity] ?? '5.5' },
      });
    });
  }
  const rules = used.map((id) => {
    const [detector, rule] = id.split('/') as [string, string];
    return {
      id,
      name: sarifRuleName(id),
      shortDescription: { text: described.get(id)?.description ?? `${detector} rule ${rule}` },
      properties: { detector, tags: ['security', detector] },
    };
  });
  return sarifLog({ name: 'airlock-inspect', version: toolVersion, rules }, results, { columnKind: 'utf16CodeUnits' });
}

// Analyse one piece of source text: parse, walk, run the rules. Pure with respect to I/O, so it
// runs the same in the main thread and in a worker.
import { Analysis, type ChunkBase, type LinkOptions } from './analysis.ts';
import { collectLinks, type PieceLinks } from './link-collect.ts';
import { parse } from './parse.ts';
import { RULES } from './rules/index.ts';
import type { ScanFinding } from './types.ts';

export interface ChunkResult {
  findings: ScanFinding[];
  parseErrors: number;
  firstError: string | null;
  nodes: number;
  /** Milliseconds spent parsing and analysing (for the benchmark). */
  parseMs?: number;
  analyseMs?: number;
  /** For a piece of a split bundle: what it shares with the other pieces. */
  links?: PieceLinks;
}

export function analyzeText(base: ChunkBase, text: string, link: LinkOptions = {}): ChunkResult {
  const t0 = performance.now();
  const p = parse(base.file, text);
  const t1 = performance.now();
  if (!p.program) return { findings: [], parseErrors: p.errors, firstError: p.firstError, nodes: 0, parseMs: t1 - t0, analyseMs: 0 };
  const a = new Analysis(base, text, p.program, RULES, link);
  const findings = a.run();
  const out: ChunkResult = { findings, parseErrors: p.errors, firstError: p.firstError, nodes: a.w.nodeCount, parseMs: t1 - t0, analyseMs: 0 };
  if (link.collect) out.links = collectLinks(a);
  out.analyseMs = performance.now() - t1;
  return out;
}

// Linking the pieces of a split bundle. Data flow stops at a piece's edge, so a hidden list defined
// at the top level of one piece and compared with the time zone in another was reported as a list
// and nothing else, while the same code in one piece gives the comparison, the flows and the
// covert combination. Each piece reports the constant values of its program-scope bindings and the
// free names it compared a fingerprint with (link-collect.ts); here a free name is matched with the
// binding of that name in another piece, and the piece that uses it is analysed again with those
// values bound. The second analysis runs every rule as the whole file would, so the findings have
// the same rule ids, severities and evidence as in one piece, and it replaces the first one, so
// nothing is reported twice. It costs a second analysis of the pieces that use such a name, which
// real bundles rarely have: most comparisons are with local constants.
import type { ChunkResult } from './analyze.ts';
import type { Extern } from './definition.ts';
import type { Job, Piece } from './pool.ts';
import { excerptOf } from './excerpt.ts';

export interface Part { piece: Piece; result: ChunkResult }

/** A second analysis of one piece: `part` gets the job's result. */
export interface Relink { job: Job; part: Part }

/**
 * The pieces of one file to analyse again, with the bindings of the other pieces that their free
 * names refer to. A name defined at the top level of several pieces is not linked: which binding a
 * use meant depends on code order the pieces no longer share (bundlers give top-level names that
 * are unique in the file, so this is rare).
 */
export function relinks(parts: Part[], fileText: string, firstId: number): Relink[] {
  const owner = new Map<string, number>();
  parts.forEach((p, i) => {
    for (const name of p.result.links?.provides.keys() ?? []) owner.set(name, owner.has(name) ? -1 : i);
  });
  if (owner.size === 0) return [];
  const out: Relink[] = [];
  parts.forEach((p, i) => {
    let externs: Map<string, Extern> | null = null;
    for (const name of p.result.links?.wants ?? []) {
      const j = owner.get(name);
      const ext = j !== undefined && j >= 0 && j !== i ? parts[j]?.result.links?.provides.get(name) : undefined;
      if (ext) (externs ??= new Map()).set(name, { ...ext, excerpt: excerptOf(fileText, ext.at.offset, ext.end) });
    }
    if (!externs) return;
    const piece: Piece = { base: p.piece.base, text: p.piece.text, externs };
    out.push({ job: { id: firstId + out.length, pieces: [piece] }, part: p });
  });
  return out;
}

/** Keep the second analysis unless it failed (then the first, unlinked one stands). */
export function applyRelink(r: Relink, result: ChunkResult | undefined): void {
  if (result && result.parseErrors <= r.part.result.parseErrors && !(result.nodes === 0 && r.part.result.nodes > 0)) {
    r.part.result = { ...result, links: r.part.result.links };
  }
}

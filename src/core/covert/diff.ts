// Sequence diff (Myers' O(ND) algorithm) over interned items: lines of a prompt, then tokens of
// a changed region. Prompts of one tool version differ in a few places, so D is small and the
// diff costs little more than the common prefix/suffix scan. A pathological pair (everything
// changed) is capped: past MAX_D the remaining middle is reported as one replacement.

/** A change: a[aStart, aEnd) was replaced by b[bStart, bEnd) (either side may be empty). */
export interface Edit {
  aStart: number;
  aEnd: number;
  bStart: number;
  bEnd: number;
}

const MAX_D = 512;

/** Interns strings as small integers so that comparisons in the diff loop are integer compares. */
export class Interner {
  private readonly ids = new Map<string, number>();
  id(s: string): number {
    let v = this.ids.get(s);
    if (v === undefined) {
      v = this.ids.size;
      this.ids.set(s, v);
    }
    return v;
  }
}

/** Edits turning a into b, in order, non-overlapping, each maximal. */
export function diffSeq(a: ArrayLike<number>, b: ArrayLike<number>): Edit[] {
  let lo = 0;
  let aHi = a.length;
  let bHi = b.length;
  while (lo < aHi && lo < bHi && a[lo] === b[lo]) lo++;
  while (aHi > lo && bHi > lo && a[aHi - 1] === b[bHi - 1]) {
    aHi--;
    bHi--;
  }
  if (lo === aHi && lo === bHi) return [];
  if (lo === aHi || lo === bHi) return [{ aStart: lo, aEnd: aHi, bStart: lo, bEnd: bHi }];
  const path = myers(a, b, lo, aHi, lo, bHi);
  return path ?? [{ aStart: lo, aEnd: aHi, bStart: lo, bEnd: bHi }];
}

/** Classic forward Myers with a trace for backtracking; null when D exceeds MAX_D. */
function myers(a: ArrayLike<number>, b: ArrayLike<number>, a0: number, a1: number, b0: number, b1: number): Edit[] | null {
  const n = a1 - a0;
  const m = b1 - b0;
  const max = Math.min(n + m, MAX_D);
  const off = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = -1;
  for (let d = 0; d <= max; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x: number;
      if (k === -d || (k !== d && v[off + k - 1]! < v[off + k + 1]!)) x = v[off + k + 1]!;
      else x = v[off + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[a0 + x] === b[b0 + y]) {
        x++;
        y++;
      }
      v[off + k] = x;
      if (x >= n && y >= m) {
        found = d;
        break;
      }
    }
    if (found >= 0) break;
  }
  if (found < 0) return null;
  // Backtrack into single-step operations, then merge runs into edits.
  const ops: { x: number; y: number; del: boolean }[] = [];
  let x = n;
  let y = m;
  for (let d = found; d > 0; d--) {
    const vv = trace[d]!;
    const k = x - y;
    const down = k === -d || (k !== d && vv[off + k - 1]! < vv[off + k + 1]!);
    const pk = down ? k + 1 : k - 1;
    const px = vv[off + pk]!;
    const py = px - pk;
    // (px, py) is where step d started; the snake after the step needs no record.
    ops.push({ x: px, y: py, del: !down });
    x = px;
    y = py;
  }
  ops.reverse();
  const edits: Edit[] = [];
  for (const op of ops) {
    const ax = a0 + op.x;
    const by = b0 + op.y;
    const last = edits[edits.length - 1];
    const aEnd = op.del ? ax + 1 : ax;
    const bEnd = op.del ? by : by + 1;
    if (last !== undefined && last.aEnd === ax && last.bEnd === by) {
      last.aEnd = aEnd;
      last.bEnd = bEnd;
    } else edits.push({ aStart: ax, aEnd, bStart: by, bEnd });
  }
  return edits;
}

// A small semver range matcher, written here rather than taken from the `semver` package: core
// must stay dependency-light and browser-safe, and the lint needs what `semver` does not offer
// cheaply: ranges as interval sets, so that overlap and containment are exact set operations.
//
// Supported: `1.2.3`, `=1.2.3`, `>`, `>=`, `<`, `<=`, caret `^1.2`, tilde `~1.2.3`, x-ranges
// (`1.x`, `1.2.*`, `*`), hyphen ranges `1.2 - 1.4`, space-separated intersections and `||` unions.
// Prereleases compare by semver precedence; unlike npm, a range does not exclude prereleases of
// other versions (a gateway must not let `2.1.92-beta` slip past `>=2.1.91 <2.1.93`).

export type Version = readonly [number, number, number, readonly (string | number)[]];

export interface Bound {
  v: Version;
  inclusive: boolean;
}

/** One interval; a null bound is unbounded. */
export interface Interval {
  lo: Bound | null;
  hi: Bound | null;
}

/** A range: a union of intervals (empty = matches nothing). */
export type Range = Interval[];

const NUM = /^(?:0|[1-9]\d*)$/;

/** Parses a full version (a leading `v` and build metadata are ignored); null when not a version. */
export function parseVersion(s: string): Version | null {
  const m = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/.exec(s.trim());
  if (m === null) return null;
  const pre = m[4] === undefined ? [] : m[4].split('.').map((p) => (NUM.test(p) ? Number(p) : p));
  return [Number(m[1]), Number(m[2]), Number(m[3]), pre];
}

export function compareVersions(a: Version, b: Version): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return (a[i] as number) < (b[i] as number) ? -1 : 1;
  const pa = a[3];
  const pb = b[3];
  if (pa.length === 0 || pb.length === 0) return pa.length === pb.length ? 0 : pa.length === 0 ? 1 : -1;
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x < y ? -1 : 1;
    if (typeof x === 'number') return -1;
    if (typeof y === 'number') return 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

export class SemverError extends Error {
  override name = 'SemverError';
}

const v = (a: number, b: number, c: number, pre: readonly (string | number)[] = []): Version => [a, b, c, pre];
/** The lowest version of a release line, below its own prereleases: `1.2.0-0`. */
const floor = (a: number, b: number, c: number): Version => v(a, b, c, [0]);

interface Partial {
  parts: [number | null, number | null, number | null]; // null = wildcard
  pre: (string | number)[];
}

function parsePartial(s: string, whole: string): Partial {
  const m = /^v?(\d+|[xX*])(?:\.(\d+|[xX*]))?(?:\.(\d+|[xX*]))?(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/.exec(s);
  if (m === null) throw new SemverError(`'${s}' in '${whole}' is not a version`);
  const parts: Partial['parts'] = [null, null, null];
  const groups = [m[1], m[2], m[3]];
  for (let i = 0; i < 3; i++) {
    const g = groups[i];
    if (g === undefined || /^[xX*]$/.test(g)) break; // everything after a wildcard is a wildcard
    parts[i] = Number(g);
  }
  const pre = m[4] === undefined ? [] : m[4].split('.').map((p) => (NUM.test(p) ? Number(p) : p));
  return { parts, pre };
}

const lower = (p: Partial): Version => {
  const [a, b, c] = p.parts;
  if (a === null) return floor(0, 0, 0);
  if (c !== null) return v(a, b!, c, p.pre);
  return floor(a, b ?? 0, 0);
};

/** Exclusive upper bound of a partial version: `1.2` → `<1.3.0-0`. */
const upperOf = (p: Partial): Bound | null => {
  const [a, b, c] = p.parts;
  if (a === null) return null;
  if (b === null) return { v: floor(a + 1, 0, 0), inclusive: false };
  if (c === null) return { v: floor(a, b! + 1, 0), inclusive: false };
  return { v: v(a, b!, c!, p.pre), inclusive: true };
};

function comparator(tok: string, whole: string): Interval {
  const m = /^(<=|>=|<|>|=|\^|~>?)?\s*(.+)$/.exec(tok);
  if (m === null) throw new SemverError(`cannot read '${tok}' in '${whole}'`);
  const op = m[1] ?? '';
  const p = parsePartial(m[2]!, whole);
  const [a, b, c] = p.parts;
  const exactUpper = upperOf(p);
  switch (op) {
    case '':
    case '=':
      return { lo: a === null ? null : { v: lower(p), inclusive: true }, hi: exactUpper };
    case '>=':
      return { lo: a === null ? null : { v: lower(p), inclusive: true }, hi: null };
    case '<':
      return a === null ? { lo: null, hi: { v: floor(0, 0, 0), inclusive: false } } : { lo: null, hi: { v: lower(p), inclusive: false } };
    case '>':
      if (a === null) return { lo: null, hi: { v: floor(0, 0, 0), inclusive: false } }; // nothing
      return exactUpper === null ? { lo: null, hi: null } : { lo: { v: exactUpper.v, inclusive: !exactUpper.inclusive }, hi: null };
    case '<=':
      return { lo: null, hi: exactUpper };
    case '~':
    case '~>':
      if (a === null) return { lo: null, hi: null };
      return { lo: { v: lower(p), inclusive: true }, hi: { v: b === null ? floor(a + 1, 0, 0) : floor(a, b! + 1, 0), inclusive: false } };
    case '^': {
      if (a === null) return { lo: null, hi: null };
      const lo = { v: lower(p), inclusive: true };
      if (a > 0 || b === null) return { lo, hi: { v: floor(a + 1, 0, 0), inclusive: false } };
      if (b! > 0 || c === null) return { lo, hi: { v: floor(0, b! + 1, 0), inclusive: false } };
      return { lo, hi: { v: floor(0, 0, c! + 1), inclusive: false } };
    }
    default:
      throw new SemverError(`unknown operator '${op}' in '${whole}'`);
  }
}

const cmpLo = (a: Bound | null, b: Bound | null): number => {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  return compareVersions(a.v, b.v) || (a.inclusive === b.inclusive ? 0 : a.inclusive ? -1 : 1);
};
const cmpHi = (a: Bound | null, b: Bound | null): number => {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  return compareVersions(a.v, b.v) || (a.inclusive === b.inclusive ? 0 : a.inclusive ? 1 : -1);
};

export function isEmpty(i: Interval): boolean {
  if (i.lo === null || i.hi === null) return false;
  const c = compareVersions(i.lo.v, i.hi.v);
  return c > 0 || (c === 0 && !(i.lo.inclusive && i.hi.inclusive));
}

export function intersect(a: Interval, b: Interval): Interval {
  return { lo: cmpLo(a.lo, b.lo) >= 0 ? a.lo : b.lo, hi: cmpHi(a.hi, b.hi) <= 0 ? a.hi : b.hi };
}

/** Parses a range expression into a union of non-empty intervals. */
export function parseRange(expr: string): Range {
  const out: Range = [];
  for (const alt of expr.split('||')) {
    const s = alt.trim().replace(/(<=|>=|<|>|=|\^|~>?)\s+/g, '$1');
    const hy = /^(\S+)\s+-\s+(\S+)$/.exec(s);
    let iv: Interval = { lo: null, hi: null };
    if (hy !== null) {
      const a = parsePartial(hy[1]!, expr);
      const b = parsePartial(hy[2]!, expr);
      iv = { lo: a.parts[0] === null ? null : { v: lower(a), inclusive: true }, hi: upperOf(b) };
    } else if (s !== '') {
      for (const tok of s.split(/\s+/)) iv = intersect(iv, comparator(tok, expr));
    }
    if (!isEmpty(iv)) out.push(iv);
  }
  return out;
}

export function inInterval(ver: Version, i: Interval): boolean {
  if (i.lo !== null) {
    const c = compareVersions(ver, i.lo.v);
    if (c < 0 || (c === 0 && !i.lo.inclusive)) return false;
  }
  if (i.hi !== null) {
    const c = compareVersions(ver, i.hi.v);
    if (c > 0 || (c === 0 && !i.hi.inclusive)) return false;
  }
  return true;
}

export function satisfies(ver: Version, r: Range): boolean {
  return r.some((i) => inInterval(ver, i));
}

/** True when some version is in both ranges. */
export function overlaps(a: Range, b: Range): boolean {
  return a.some((x) => b.some((y) => !isEmpty(intersect(x, y))));
}

/**
 * The version right after `x` in precedence order, with nothing between them: `1.2.3` → `1.2.4-0`
 * (the lowest prerelease of the next patch), `1.2.3-rc` → `1.2.3-rc.0` (the lowest longer one).
 */
const next = (x: Version): Version => (x[3].length === 0 ? floor(x[0], x[1], x[2] + 1) : v(x[0], x[1], x[2], [...x[3], 0]));

/**
 * A range as sorted, disjoint intervals that do not touch, each written `>=lo <hi`. With one form
 * for every bound, intervals that leave no version between them merge (`<0.40.0` and `>=0.40.0`,
 * `<=1.2.3` and `>=1.2.4-0`) while a real gap stays (`<=1.2.3` and `>=1.2.4` leave `1.2.4-beta`).
 */
export function normalize(r: Range): Range {
  const half = r
    .map((i): Interval => ({
      // 0.0.0-0 is the lowest version there is: `<0.0.0-0` (what `<*` reads as) is empty.
      lo: i.lo === null ? { v: floor(0, 0, 0), inclusive: true } : i.lo.inclusive ? i.lo : { v: next(i.lo.v), inclusive: true },
      hi: i.hi === null || !i.hi.inclusive ? i.hi : { v: next(i.hi.v), inclusive: false },
    }))
    .filter((i) => !isEmpty(i))
    .sort((a, b) => cmpLo(a.lo, b.lo));
  const out: Interval[] = [];
  for (const i of half) {
    const last = out.at(-1);
    if (last !== undefined && (last.hi === null || compareVersions(i.lo!.v, last.hi.v) <= 0)) {
      if (cmpHi(i.hi, last.hi) > 0) last.hi = i.hi;
    } else out.push({ ...i });
  }
  return out;
}

/**
 * True when every version in `inner` is in `outer`. Both are normalized first, so an inner interval
 * is judged against the union of outer's (`<0.40.0 || >=0.40.0` contains `0.x`), not one at a time.
 */
export function contains(outer: Range, inner: Range): boolean {
  const o = normalize(outer);
  return normalize(inner).every((i) => o.some((x) => cmpLo(x.lo, i.lo) <= 0 && cmpHi(x.hi, i.hi) >= 0));
}

/**
 * Lenient version of what a client reports: `2.1.90`, `2.1` (→ 2.1.0), `v1.2.3-beta.1`. Tools
 * report all sorts; anything else is no version (and matches no range).
 */
export function coerceVersion(s: string | null): Version | null {
  if (s === null) return null;
  const full = parseVersion(s);
  if (full !== null) return full;
  const m = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(s.trim());
  return m === null ? null : v(Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0));
}

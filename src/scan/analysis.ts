// One analysis of one parsed piece of source (a file, or a chunk of a large bundle): the walk,
// then every rule's handlers, then the rules' `after` phase. Holds what rules share: the scope
// tree, the evaluator, backward data flow, comparison sites, and how to cite code.
import { createHash } from 'node:crypto';
import type { ReportArgs, Rule } from './rule.ts';
import type { Location, Node, ScanFinding } from './types.ts';
import { CONFIG_MASK, Deriver, kindsOf, type CompareSite, type Taint } from './derive.ts';
import { evaluate, type Result } from './evaluate.ts';
import { walk, type Scope, type Site, type WalkResult } from './walk.ts';
import { excerptOf, maskText, shapeOf } from './excerpt.ts';
import { EXTERN_NODE, type Extern } from './definition.ts';

export interface ChunkBase {
  file: string;
  /** Offset, line and column (1-based) of the chunk's first character in the file. */
  offset: number;
  line: number;
  column: number;
}

const FN_TYPES = ['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression'];

/** For a piece of a split bundle: what it shares with the other pieces (link-collect.ts). */
export interface LinkOptions {
  /** Collect what this piece defines at the top level and what it could not resolve. */
  collect?: boolean;
  /** Program-scope bindings of the other pieces that this piece's free names refer to. */
  externs?: Map<string, Extern>;
}

export class Analysis {
  readonly findings: ScanFinding[] = [];
  readonly compareSites: CompareSite[] = [];
  readonly compareAt = new Map<Node, CompareSite>();
  /** String literals already explained by a decoding finding (not reported again as blobs). */
  readonly consumed = new Set<Node>();
  /** Decoded values of hidden lists and strings, to tell whether a comparison uses hidden data. */
  readonly hiddenValues = new Set<string>();
  readonly fnParent = new Map<Node, Node | null>();
  /** Free names compared with a fingerprint: collected only in a piece of a split bundle. */
  readonly wants: Set<string> | null;
  readonly w: WalkResult;
  readonly deriver: Deriver;
  private lineStarts: number[] | null = null;
  private nonAsciiAt: Int32Array | null = null;

  constructor(
    readonly base: ChunkBase,
    readonly text: string,
    program: Node,
    readonly rules: readonly Rule[],
    link: LinkOptions = {},
  ) {
    this.wants = link.collect ? new Set() : null;
    const subscribed = new Set<string>(FN_TYPES);
    for (const r of rules) for (const t of Object.keys(r.visit ?? {})) subscribed.add(t);
    this.w = walk(program, subscribed);
    for (const t of FN_TYPES) for (const s of this.w.sites.get(t) ?? []) this.fnParent.set(s.node, s.parent);
    this.deriver = new Deriver(this.w.refs, this.fnParent, this.w.scopes, this.compareAt);
    if (link.externs) {
      this.w.root.externs = link.externs;
      // Decoded in its own piece: hidden here as it would be in an analysis of the whole file.
      for (const x of this.w.root.externs.values()) for (const v of x.hiddenValues) this.hiddenValues.add(v);
    }
  }

  run(): ScanFinding[] {
    for (const r of this.rules) {
      if (!r.visit) continue;
      for (const [type, fn] of Object.entries(r.visit)) for (const site of this.w.sites.get(type) ?? []) fn(site, this);
    }
    for (const r of this.rules) r.after?.(this);
    for (const r of this.rules) r.text?.(this);
    return this.findings;
  }

  sites(type: string): Site[] {
    return this.w.sites.get(type) ?? [];
  }

  evaluate(n: Node, scope: Scope | null, free?: Set<string>): Result {
    return evaluate(n, scope, free);
  }

  derive(n: Node, scope: Scope): Taint | null {
    return this.deriver.query(n, scope);
  }

  /** Fingerprint kinds of a value that are not mere configuration (proxy, base URL). */
  identityKinds(t: Taint | null): number {
    return t ? t.kinds & ~CONFIG_MASK : 0;
  }

  addCompare(site: Omit<CompareSite, 'id' | 'effects'>): CompareSite {
    const s: CompareSite = { ...site, id: this.compareSites.length, effects: [] };
    this.compareSites.push(s);
    this.compareAt.set(site.node, s);
    return s;
  }

  loc(offset: number): Location {
    if (!this.lineStarts) {
      const ls = [0];
      const t = this.text;
      for (let i = t.indexOf('\n'); i !== -1; i = t.indexOf('\n', i + 1)) ls.push(i + 1);
      this.lineStarts = ls;
    }
    const ls = this.lineStarts;
    let lo = 0;
    let hi = ls.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((ls[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    const lineStart = ls[lo] as number;
    return {
      file: this.base.file,
      line: this.base.line + lo,
      column: lo === 0 ? this.base.column + offset : offset - lineStart + 1,
      offset: this.base.offset + offset,
    };
  }

  /**
   * Whether a string literal or template in [start, end) can hold a character above U+007F. Only a
   * non-ASCII source character or an escape (\u, \x, legacy octal) can put one in a string value,
   * so text without them lets a rule skip a subtree's strings without walking it.
   */
  mayHoldNonAscii(start: number, end: number): boolean {
    if (!this.nonAsciiAt) {
      const at: number[] = [];
      const re = /[^\x00-\x7f]|\\[ux0-7]/g;
      for (let m = re.exec(this.text); m; m = re.exec(this.text)) at.push(m.index);
      this.nonAsciiAt = Int32Array.from(at);
    }
    const at = this.nonAsciiAt;
    let lo = 0;
    let hi = at.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((at[mid] as number) < start) lo = mid + 1;
      else hi = mid;
    }
    return lo < at.length && (at[lo] as number) < end;
  }

  excerpt(n: { start: number; end: number }): string {
    return excerptOf(this.text, n.start, n.end);
  }

  private readonly once = new Map<string, { f: ScanFinding; start: number }>();

  /**
   * A finding reported once per piece under `id`, at the first place in the text: rules visit
   * node types one after another, not in text order, so a repeat that comes earlier moves the
   * finding there. `make` runs for the first report only; `first` tells a repeat (to count it).
   */
  reportOnce(rule: Rule, id: string, node: Node, make: () => Omit<ReportArgs, 'node'> | null): { f: ScanFinding; first: boolean } | null {
    const k = `${rule.meta.id}\u0000${id}`;
    const prev = this.once.get(k);
    if (prev) {
      if (node.start < prev.start) { Object.assign(prev.f, this.loc(node.start), { excerpt: this.excerpt(node) }); prev.start = node.start; }
      return { f: prev.f, first: false };
    }
    const r = make();
    if (r === null) return null;
    const f = this.report(rule, { ...r, node });
    this.once.set(k, { f, start: node.start });
    return { f, first: true };
  }

  report(rule: Rule, r: ReportArgs): ScanFinding {
    const meta = rule.meta;
    const shape = r.key ?? shapeOf(this.text.slice(r.node.start, Math.min(r.node.end, r.node.start + 400)));
    const f: ScanFinding = {
      rule: meta.id,
      severity: r.severity ?? meta.severity,
      category: meta.category,
      ...this.loc(r.node.start),
      excerpt: this.excerpt(r.node),
      ...findingText(meta.id, shape, r.message, r.decoded),
    };
    if (r.kinds) f.kinds = kindsOf(r.kinds);
    if (r.related && r.related.length > 0) {
      f.related = r.related.map((x) => x.node.type === EXTERN_NODE
        ? { ...(x.node.extern as Extern).at, note: x.note, excerpt: (x.node.extern as Extern).excerpt }
        : { ...this.loc(x.node.start), note: x.note, excerpt: this.excerpt(x.node) });
    }
    if (r.data) f.data = maskData(r.data);
    // A list longer than the part shown is kept whole for --diff, which reports what was added
    // to it or removed from it (diff.ts); telemetry-events keeps its names whole in `events`.
    if (r.decoded && r.decoded.length > SHOWN && !Array.isArray(r.data?.events)) f.data = { ...f.data, values: r.decoded.map(showValue) };
    this.findings.push(f);
    return f;
  }
}

/**
 * What a finding says and the hashes that match it across versions, from its rule, shape key,
 * message and decoded values (masked: a decoded list never shows a whole secret).
 */
export function findingText(rule: string, shape: string, message: string, decoded?: readonly string[]): Pick<ScanFinding, 'message' | 'fingerprint' | 'shape' | 'decoded'> {
  const shown = decoded?.slice(0, SHOWN).map(showValue);
  return {
    message: maskText(message),
    fingerprint: hash(`${rule}\u0000${shape}\u0000${(decoded ?? []).join('\u0001')}`),
    shape: hash(`${rule}\u0000${shape}`),
    ...(shown && shown.length > 0 ? { decoded: shown } : {}),
  };
}

/** How many decoded values a finding shows. */
export const SHOWN = 60;

const showValue = (s: string): string => maskText(s.length > 200 ? s.slice(0, 200) + '…' : s);

/**
 * A rule's data with the strings it took from the package masked like messages and excerpts:
 * JSON and SARIF carry `data` as it is, and the summary shows its URLs.
 */
export function maskData(data: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(data)) {
    out[k] = typeof v === 'string' ? maskText(v)
      : Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]).map(maskText)
        : v;
  }
  return out;
}

export function hash(s: string): string {
  return createHash('sha256').update(s).digest('hex').slice(0, 16);
}

// Passive prompt baselines: per (tool, version), what its system prompt, tool definitions and
// headers look like across exchanges and users. The first variant of each group is the
// reference; every other variant is aligned with it once, when first seen, and its differences
// are classified and cached. An exchange whose group texts are a known variant costs one map
// lookup per group (the hot path); only a new variant pays for the alignment.
//
// Within a version, content that varies between users is expected (dates, paths, git status,
// memory files); an invisible or look-alike difference is reported on every exchange that
// carries it (HIGH); a formatting-only difference is reported when the users of that place are
// split between two spellings (MEDIUM); a new version's changes are reported once (INFO).
import { alignTexts, type Hunk as Edit } from './align.ts';
import { classifyChange, type ChangeClass } from './classify.ts';
import { hunkSpans } from './differential.ts';
import { fieldName } from './fields.ts';
import { FNV_OFFSET, fnvMix, mixSampled } from '../sampled-hash.ts';
import { renderPath } from '../exchange/path.ts';
import { headerText } from '../exchange/headers.ts';
import { SEGMENT_ROLES, type Finding, type PathStep, type Segment, type SegmentRole, type Severity } from '../types.ts';

export interface ObserveInput {
  tool: string;
  version: string | null;
  user: string;
  segments: readonly Segment[];
  /** Request headers (optional): a value spelled differently for some users is a signal too. */
  headers?: Record<string, string | string[] | undefined>;
}

/** One variant of a group as persisted (see store: covert_baselines). */
export interface BaselineVariant {
  tool: string;
  version: string;
  group: string;
  hash: string;
  fields: [string, string][];
  users: string[];
  count: number;
  firstSeen: string;
  lastSeen: string;
}

export interface BaselineOptions {
  maxVariantsPerGroup?: number;
  maxUsersPerVariant?: number;
  maxFindings?: number;
  /** Header names never baselined (volatile or secret); lower case. */
  ignoreHeaders?: readonly string[];
  now?: () => string;
}

interface Hunk {
  field: number; // index in the variant's fields (and segments)
  key: string;
  slot: string;
  cls: ChangeClass;
  start: number;
  end: number;
  text: string;
  detail: string;
}

interface Variant {
  fields: [string, string][];
  paths: (readonly PathStep[] | null)[];
  hunks: Hunk[];
  users: Set<string>;
  count: number;
  newCount: number;
  firstSeen: string;
  lastSeen: string;
  hash: string;
  dirty: boolean;
}

interface Group {
  role: SegmentRole;
  reference: Variant;
  byKey: Map<string, Variant>;
  /** Variants by a cheap fingerprint of their texts, confirmed by comparing the texts (hot path). */
  byPrint?: Map<number, Variant[]>;
  users: Set<string>;
  /** slot → spelling → users: who writes a place which way. */
  slots: Map<string, Map<string, Set<string>>>;
}

const DEFAULT_IGNORED = [
  'authorization', 'x-api-key', 'api-key', 'cookie', 'proxy-authorization', 'content-length', 'host', 'connection', 'keep-alive',
  'transfer-encoding', 'accept-encoding', 'x-request-id', 'x-stainless-retry-count', 'x-stainless-timeout', 'traceparent', 'tracestate',
];

/** FNV-1a, two lanes: a stable 64-bit id for persisted variants (core has no crypto; not a security hash). */
export function variantHash(s: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995) ^ (h2 >>> 15);
  }
  return (h1 >>> 0).toString(16).padStart(8, '0') + (h2 >>> 0).toString(16).padStart(8, '0');
}

const SEV: Partial<Record<ChangeClass, Severity>> = { invisible: 'high', confusable: 'high', format: 'medium' };
const RULE: Record<ChangeClass, string> = { invisible: 'invisible-variant', confusable: 'confusable-variant', format: 'format-variant', content: 'new-content', dynamic: 'new-content' };
const confidenceOf = (cls: ChangeClass): number => (cls === 'format' ? 0.6 : 0.9);

/**
 * One finding of every kind observe() can return (rule, severity, confidence), in every role: what
 * a policy is asked about to learn whether covert findings could change its decisions (when they
 * cannot, the gateway compares prompts after the response instead of before forwarding).
 */
export function covertFindingKinds(): Finding[] {
  const kinds: [string, Severity, number][] = [['new-content', 'info', 1]];
  for (const cls of Object.keys(RULE) as ChangeClass[]) {
    for (const sev of [SEV[cls], 'info' as const]) if (sev !== undefined) kinds.push([RULE[cls], sev, confidenceOf(cls)]);
  }
  return SEGMENT_ROLES.flatMap((role) => kinds.map(([rule, severity, confidence]): Finding => ({ detector: 'covert', rule, severity, role, segmentPath: '', start: 0, end: 0, preview: '', confidence })));
}

interface Extracted {
  name: string;
  role: SegmentRole;
  /** The texts as they are; a schema key is stored as `k:` + its text (see `stored`). */
  texts: string[];
  /** Per text: whether it is an object key. */
  isKey: boolean[];
  segs: (Segment | null)[];
}

/** The texts as a variant stores them: keys prefixed with `k:`. Built only for a prompt not known yet. */
const stored = (g: Extracted): string[] => g.texts.map((t, i) => (g.isKey[i] === true ? `k:${t}` : t));

function pushText(g: Extracted, s: Segment): void {
  g.texts.push(s.text);
  g.isKey.push(s.isKey === true);
  g.segs.push(s);
}

/** Each text sampled (core/sampled-hash.ts), keys marked; candidates are confirmed by sameTexts. */
function fingerprint(g: Extracted): number {
  let h = fnvMix(FNV_OFFSET, g.texts.length);
  for (let k = 0; k < g.texts.length; k++) h = mixSampled(fnvMix(h, g.isKey[k] === true ? 1 : 0), g.texts[k]!);
  return h >>> 0;
}

/** A segment of the prompt groups: the system prompt or a tool definition. */
const inPrompt = (s: Segment): boolean => s.structural !== true && (s.role === 'system' || (s.role === 'tool_definition' && s.path[0] === 'tools' && typeof s.path[1] === 'number'));

/**
 * Whether `segments` holds the prompt segments `segs`, in the same order: mostly the same objects
 * (the gateway's element cache hands them out again for unchanged bytes), else equal ones (short
 * elements are parsed again every time).
 */
function samePromptSegments(segs: readonly Segment[], segments: readonly Segment[]): boolean {
  let k = 0;
  for (const s of segments) {
    if (!inPrompt(s)) continue;
    const t = segs[k++];
    if (t !== s && (t === undefined || t.text !== s.text || t.role !== s.role || t.isKey !== s.isKey || !samePath(t.path, s.path))) return false;
  }
  return k === segs.length;
}

function samePath(a: readonly PathStep[], b: readonly PathStep[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A group found as a known variant. */
interface Known {
  g: Extracted;
  group: Group;
  v: Variant;
}

interface Recent {
  segs: Segment[];
  known: Known[];
  generation: number;
}

/**
 * (tool, version, user) triples whose last prompt is remembered (the oldest remembered is dropped
 * first). Each holds references to segments and texts the element cache and the variants hold
 * anyway, ~20 kB of arrays for Claude Code's prompt.
 */
const RECENT_MAX = 256;

/** Whether a variant stores exactly these texts, compared without building the `k:` strings. */
function sameTexts(v: Variant, g: Extracted): boolean {
  const { texts, isKey } = g;
  if (v.fields.length !== texts.length) return false;
  for (let i = 0; i < texts.length; i++) {
    const t = v.fields[i]![1];
    const x = texts[i]!;
    if (isKey[i] === true) {
      if (t.length !== x.length + 2 || !t.startsWith('k:') || !t.endsWith(x)) return false;
    } else if (t !== x) return false;
  }
  return true;
}

export class CovertBaseline {
  private readonly tools = new Map<string, Map<string, Group>>();
  /** Per (tool, version, user): the last exchange's prompt, when every group of it was a known variant. */
  private readonly recent = new Map<string, Recent>();
  /** Bumped whenever a variant is added: a remembered lookup is only reused within one generation. */
  private generation = 0;
  private readonly opts: Required<Omit<BaselineOptions, 'ignoreHeaders'>> & { ignore: Set<string> };

  constructor(o: BaselineOptions = {}) {
    this.opts = {
      maxVariantsPerGroup: o.maxVariantsPerGroup ?? 500,
      maxUsersPerVariant: o.maxUsersPerVariant ?? 1000,
      maxFindings: o.maxFindings ?? 20,
      now: o.now ?? (() => new Date().toISOString()),
      ignore: new Set(o.ignoreHeaders ?? DEFAULT_IGNORED),
    };
  }

  /** Compares the exchange with the baseline of its (tool, version), learns from it, returns findings. */
  observe(input: ObserveInput): Finding[] {
    const version = input.version ?? '?';
    const tkey = `${input.tool}\u0000${version}`;
    let groups = this.tools.get(tkey);
    const fresh = groups === undefined;
    if (groups === undefined) {
      groups = new Map();
      this.tools.set(tkey, groups);
    }
    const findings: Finding[] = [];
    let now: string | undefined;
    const stamp = (): string => (now ??= this.opts.now());
    // Per user too: users of one version send different system prompts (their directories, their
    // memory files), and each resends their own on every turn.
    const rkey = `${tkey}\u0000${input.user}`;
    const last = this.recent.get(rkey);
    if (last !== undefined && last.generation === this.generation && samePromptSegments(last.segs, input.segments)) {
      // The same segment objects as the last exchange of this version (the gateway's element
      // cache hands them out again for unchanged bytes), and no variant added since: the same
      // groups, found as the same known variants.
      for (const k of last.known) this.again(k.group, k.v, k.g, input.user, stamp(), findings);
    } else {
      const segs: Segment[] = [];
      const known: Known[] = [];
      let allKnown = true;
      for (const g of this.extract(input.segments, segs)) {
        const k = this.one(groups, g, fresh, input, stamp, findings);
        if (k === null) allKnown = false;
        else known.push(k);
      }
      if (allKnown) {
        if (this.recent.size >= RECENT_MAX && !this.recent.has(rkey)) this.recent.delete(this.recent.keys().next().value!);
        this.recent.set(rkey, { segs, known, generation: this.generation });
      } else this.recent.delete(rkey);
    }
    const h = this.headerGroup(input.headers);
    if (h !== null) this.one(groups, h, fresh, input, stamp, findings);
    return findings.slice(0, this.opts.maxFindings);
  }

  /** One group of an exchange: compared, learnt; the known variant it matched, or null for a new one. */
  private one(groups: Map<string, Group>, g: Extracted, fresh: boolean, input: ObserveInput, stamp: () => string, findings: Finding[]): Known | null {
    const group = groups.get(g.name);
    // A known prompt is found by fingerprint and confirmed text by text, without building the
    // joined key (a full copy of a long system prompt) on every exchange.
    const print = fingerprint(g);
    let v = group?.byPrint?.get(print)?.find((c) => sameTexts(c, g));
    if (group !== undefined && v !== undefined) {
      this.again(group, v, g, input.user, stamp(), findings);
      return { g, group, v };
    }
    const texts = stored(g);
    const key = texts.join('\u0000');
    if (group === undefined) {
      const v = this.newVariant(g, texts, key, input.user);
      groups.set(g.name, { role: g.role, reference: v, byKey: new Map([[key, v]]), users: new Set([input.user]), slots: new Map() });
      if (fresh && this.hasOtherVersions(input.tool, input.version ?? '?')) this.versionChanges(input.tool, input.version ?? '?', g, v, findings);
      return null;
    }
    addCapped(group.users, input.user, 100_000);
    v = group.byKey.get(key);
    if (v === undefined) {
      v = this.newVariant(g, texts, key, input.user);
      this.learn(group, v);
      if (group.byKey.size < this.opts.maxVariantsPerGroup) group.byKey.set(key, v);
    } else this.seen(group, v, input.user, stamp());
    if (group.byKey.get(key) === v) {
      const list = (group.byPrint ??= new Map()).get(print);
      if (list === undefined) group.byPrint.set(print, [v]);
      else list.push(v);
    }
    this.report(group, v, g, input.user, findings);
    return null;
  }

  /** A group found as a known variant: the user counted, the variant's differences reported. */
  private again(group: Group, v: Variant, g: Extracted, user: string, now: string, findings: Finding[]): void {
    addCapped(group.users, user, 100_000);
    this.seen(group, v, user, now);
    this.report(group, v, g, user, findings);
  }

  /** A known variant seen again: counts, time, and the users who write it (format slots too). */
  private seen(group: Group, v: Variant, user: string, now: string): void {
    v.count++;
    v.newCount++;
    v.lastSeen = now;
    if (!v.users.has(user)) {
      addCapped(v.users, user, this.opts.maxUsersPerVariant);
      for (const h of v.hunks) if (h.cls === 'format') addCapped(slotUsers(group, h), user, this.opts.maxUsersPerVariant);
    }
    v.dirty = true;
  }

  /**
   * The prompt groups of an exchange: the system prompt and one per tool definition; their
   * segments, in order, are appended to `segs`.
   */
  private extract(segments: readonly Segment[], segs: Segment[]): Extracted[] {
    const out: Extracted[] = [];
    let names: (string | null)[] | null = null;
    const system: Extracted = { name: 'system', role: 'system', texts: [], isKey: [], segs: [] };
    const tools = new Map<string, Extracted>();
    for (const s of segments) {
      if (!inPrompt(s)) continue;
      segs.push(s);
      if (s.role === 'system') {
        pushText(system, s);
      } else {
        if (names === null) names = toolNames(segments);
        const i = s.path[1] as number;
        const name = names[i] ?? `#${i}`;
        let t = tools.get(name);
        if (t === undefined) {
          t = { name: `tool:${name}`, role: 'tool_definition', texts: [], isKey: [], segs: [] };
          tools.set(name, t);
        }
        pushText(t, s);
      }
    }
    if (system.texts.length > 0) out.push(system);
    out.push(...tools.values());
    return out;
  }

  /** The headers group of an exchange (null: none to compare). */
  private headerGroup(headers: ObserveInput['headers']): Extracted | null {
    if (headers === undefined) return null;
    const h: Extracted = { name: 'headers', role: 'header', texts: [], isKey: [], segs: [] };
    for (const k of Object.keys(headers).sort()) {
      const v = headers[k];
      if (v === undefined || this.opts.ignore.has(k)) continue;
      // As the client wrote it (UTF-8 bytes as UTF-8), so an invisible character is one.
      h.texts.push(`${k}: ${headerText(Array.isArray(v) ? v.join(', ') : v)}`);
      h.isKey.push(false);
      h.segs.push(null);
    }
    return h.texts.length > 0 ? h : null;
  }

  private newVariant(g: Extracted, texts: readonly string[], key: string, user: string): Variant {
    this.generation++;
    const now = this.opts.now();
    const fields: [string, string][] = texts.map((t, i) => {
      const s = g.segs[i];
      if (s === null || s === undefined) return [`header ${t.slice(0, t.indexOf(':'))}#${i}`, t];
      const rel = g.role === 'tool_definition' ? fieldName(['x', ...s.path.slice(2)], null).slice(1) : renderPath(s.path);
      return [`${s.isKey === true ? 'k:' : ''}${rel}#${i}`, t];
    });
    return { fields, paths: g.segs.map((s) => s?.path ?? null), hunks: [], users: new Set([user]), count: 1, newCount: 1, firstSeen: now, lastSeen: now, hash: variantHash(key), dirty: true };
  }

  /** Aligns a new variant with the group's reference: cached hunks and slot spellings. */
  private learn(group: Group, v: Variant): void {
    const refFields = group.reference.fields;
    const ref = new Map(refFields.map(([k, t]) => [stripIndex(k), t]));
    // A schema key spelled another way renames its own field and every field below it. With as
    // many fields as the reference, the field at the same position, of the same kind (key or
    // text), is the one it replaces: so a look-alike or invisible character in a key is compared
    // like one in a description.
    const sameShape = refFields.length === v.fields.length;
    const hunks: Hunk[] = [];
    v.fields.forEach(([k, text], field) => {
      let key = stripIndex(k);
      let a = ref.get(key);
      if (a === undefined && sameShape && refFields[field]![0].startsWith('k:') === k.startsWith('k:')) {
        key = stripIndex(refFields[field]![0]);
        a = refFields[field]![1];
      }
      if (a === undefined || a === text || hunks.length >= 200) return;
      for (const w of wholeDates(a, text, alignTexts(a, text))) {
        let h: Edit = w;
        let c = w.edit === undefined ? undefined : classifyChange(a, w.edit.aStart, w.edit.aEnd, text, w.edit.bStart, w.edit.bEnd);
        // Invisible or look-alike characters widened into a date (one inside it, `12/0\u200b7/2026`)
        // are shown as they are: the span points at them.
        if (c !== undefined && (c.cls === 'invisible' || c.cls === 'confusable')) h = w.edit!;
        else c = classifyChange(a, h.aStart, h.aEnd, text, h.bStart, h.bEnd);
        hunks.push({ field, key, slot: `${key}@${h.aStart}-${h.aEnd}`, cls: c.cls, start: h.bStart, end: h.bEnd, text: text.slice(h.bStart, h.bEnd), detail: c.detail });
        if (hunks.length >= 200) break;
      }
    });
    v.hunks = hunks;
    for (const h of hunks) if (h.cls === 'format') for (const u of v.users) addCapped(slotUsers(group, h), u, this.opts.maxUsersPerVariant);
  }

  private report(group: Group, v: Variant, g: Extracted, user: string, out: Finding[]): void {
    for (const h of v.hunks) {
      const sev = SEV[h.cls];
      if (sev === undefined) continue;
      if (h.cls === 'format') {
        // Split: another user writes this place another way (the reference's way, or a third).
        if (!splitsUsers(group, h, user)) continue;
      }
      const f = this.finding(h.cls, sev, group.role, g, h, `${describe(h.cls)} in ${g.name}: ${h.detail}`);
      // One finding per distinct change: the same character hidden in several places of a text.
      if (!out.some((x) => x.segmentPath === f.segmentPath && x.detail === f.detail)) out.push(f);
    }
  }

  private finding(cls: ChangeClass, severity: Severity, role: SegmentRole, g: Extracted, h: Hunk, detail: string): Finding {
    const s = g.segs[h.field];
    return {
      detector: 'covert', rule: RULE[cls], severity, role,
      segmentPath: s ? renderPath(s.path) : h.key,
      start: h.start, end: h.end,
      preview: preview(h.text),
      confidence: confidenceOf(cls),
      detail,
    };
  }

  private hasOtherVersions(tool: string, version: string): boolean {
    for (const k of this.tools.keys()) if (k.startsWith(`${tool}\u0000`) && k !== `${tool}\u0000${version}`) return true;
    return false;
  }

  /** A group seen for the first time in a new version: what changed since the previous version (INFO). */
  private versionChanges(tool: string, version: string, g: Extracted, v: Variant, out: Finding[]): void {
    let prev: Group | undefined;
    for (const [k, groups] of this.tools) if (k.startsWith(`${tool}\u0000`) && k !== `${tool}\u0000${version}` && groups.has(g.name)) prev = groups.get(g.name);
    if (prev === undefined) {
      out.push({ detector: 'covert', rule: 'new-content', severity: 'info', role: g.role, segmentPath: g.segs[0] ? renderPath(g.segs[0].path.slice(0, 2)) : g.name, start: 0, end: 0, preview: preview(g.name), confidence: 1, detail: `${tool} ${version}: new ${g.name}` });
      return;
    }
    const probe: Group = { ...prev, slots: new Map() };
    const tmp: Variant = { ...v, hunks: [] };
    this.learn(probe, tmp);
    for (const h of tmp.hunks.slice(0, 10)) {
      out.push(this.finding(h.cls, 'info', g.role, g, h, `${tool} ${version} changed ${g.name} since the previous version (${h.cls}): ${h.detail}`));
    }
  }

  /** Variants new or seen again since the last call, for persistence (counts are deltas). */
  drainDirty(): BaselineVariant[] {
    const out: BaselineVariant[] = [];
    for (const [tkey, groups] of this.tools) {
      const [tool, version] = tkey.split('\u0000') as [string, string];
      for (const [name, g] of groups) {
        for (const v of g.byKey.values()) {
          if (!v.dirty) continue;
          out.push({ tool, version, group: name, hash: v.hash, fields: v.fields, users: [...v.users], count: v.newCount, firstSeen: v.firstSeen, lastSeen: v.lastSeen });
          v.dirty = false;
          v.newCount = 0;
        }
      }
    }
    return out;
  }

  /** Puts back variants drained for a save that failed: dirty again, their counts added back. */
  restoreDirty(rows: readonly BaselineVariant[]): void {
    for (const r of rows) {
      const g = this.tools.get(`${r.tool}\u0000${r.version}`)?.get(r.group);
      if (g === undefined) continue;
      for (const v of g.byKey.values()) {
        if (v.hash !== r.hash) continue;
        v.dirty = true;
        v.newCount += r.count;
      }
    }
  }

  /** Learns variants persisted by this or another instance (no findings). Oldest first. */
  load(rows: readonly BaselineVariant[]): void {
    this.generation++;
    for (const r of [...rows].sort((a, b) => a.firstSeen.localeCompare(b.firstSeen))) {
      const tkey = `${r.tool}\u0000${r.version}`;
      let groups = this.tools.get(tkey);
      if (groups === undefined) {
        groups = new Map();
        this.tools.set(tkey, groups);
      }
      const key = r.fields.map(([, t]) => t).join('\u0000');
      const g = groups.get(r.group);
      const known = g?.byKey.get(key);
      if (known !== undefined) {
        for (const u of r.users) addCapped(known.users, u, this.opts.maxUsersPerVariant);
        for (const u of r.users) addCapped(g!.users, u, 100_000);
        continue;
      }
      const v: Variant = { fields: r.fields, paths: r.fields.map(() => null), hunks: [], users: new Set(r.users.slice(0, this.opts.maxUsersPerVariant)), count: r.count, newCount: 0, firstSeen: r.firstSeen, lastSeen: r.lastSeen, hash: r.hash, dirty: false };
      const role: SegmentRole = r.group === 'system' ? 'system' : r.group === 'headers' ? 'header' : 'tool_definition';
      if (g === undefined) {
        groups.set(r.group, { role, reference: v, byKey: new Map([[key, v]]), users: new Set(v.users), slots: new Map() });
        continue;
      }
      for (const u of v.users) addCapped(g.users, u, 100_000);
      this.learn(g, v);
      if (g.byKey.size < this.opts.maxVariantsPerGroup) g.byKey.set(key, v);
    }
  }

  /** Numbers for monitoring: tools, groups, variants. */
  stats(): { tools: number; groups: number; variants: number } {
    let groups = 0;
    let variants = 0;
    for (const gs of this.tools.values()) {
      groups += gs.size;
      for (const g of gs.values()) variants += g.byKey.size;
    }
    return { tools: this.tools.size, groups, variants };
  }
}

function toolNames(segs: readonly Segment[]): (string | null)[] {
  const out: (string | null)[] = [];
  for (const s of segs) {
    if (s.role !== 'tool_definition' || s.isKey === true || s.path[0] !== 'tools' || typeof s.path[1] !== 'number') continue;
    const i = s.path[1];
    const rest = s.path.length;
    if (out[i] === undefined || out[i] === null) {
      if (rest === 3 && s.path[2] === 'name') out[i] = s.text;
      else if (rest === 4 && s.path[2] === 'function' && s.path[3] === 'name') out[i] = s.text;
    }
  }
  for (let i = 0; i < out.length; i++) if (out[i] === undefined) out[i] = null;
  return out;
}

/**
 * The edits from a to b, each widened to the whole date it cuts into on either side, and those
 * that then overlap merged (as the probe does, differential.ts): token alignment splits
 * 12/07/2026 → 07.12.2026 into "12/" deleted and "/" → ".12.", two edits of one date written
 * another way, and a date is only recognised whole. A merged span maps to b through its first
 * and last edit: the text between the span's ends and those edits is the same on both sides. An
 * insertion at a span's edge, outside any date, stays an edit of its own. `edit`: the one edit a
 * span was widened from, when it holds one only.
 */
function wholeDates(a: string, b: string, edits: Edit[]): (Edit & { edit?: Edit })[] {
  if (edits.length === 0) return [];
  const spans = hunkSpans(a, { persona: '', text: b, hunks: edits }, new Map());
  const order = spans.map((_, i) => i).sort((x, y) => spans[x]![0] - spans[y]![0] || spans[x]![1] - spans[y]![1]);
  const out: (Edit & { edit?: Edit })[] = [];
  let s = 0;
  let e = -1;
  let first = 0;
  let last = 0;
  const flush = (): void => {
    if (e < 0) return;
    const f = edits[first]!;
    const l = edits[last]!;
    const w = { aStart: s, aEnd: e, bStart: f.bStart - (f.aStart - s), bEnd: l.bEnd + (e - l.aEnd) };
    out.push(first === last && (s < f.aStart || e > f.aEnd) ? { ...w, edit: f } : w);
  };
  for (const i of order) {
    const [s1, e1] = spans[i]!;
    if (e >= 0 && s1 < e) {
      e = Math.max(e, e1);
      first = Math.min(first, i);
      last = Math.max(last, i);
      continue;
    }
    flush();
    [s, e, first, last] = [s1, e1, i, i];
  }
  flush();
  return out;
}

const stripIndex = (k: string): string => k.slice(0, k.lastIndexOf('#'));

function slotUsers(g: Group, h: Hunk): Set<string> {
  let m = g.slots.get(h.slot);
  if (m === undefined) {
    m = new Map();
    g.slots.set(h.slot, m);
  }
  let s = m.get(h.text);
  if (s === undefined) {
    s = new Set();
    m.set(h.text, s);
  }
  return s;
}

function splitsUsers(g: Group, h: Hunk, user: string): boolean {
  for (const u of g.reference.users) if (u !== user) return true;
  const spellings = g.slots.get(h.slot);
  const same = spellings?.get(h.text);
  for (const u of g.users) if (u !== user && !(same?.has(u) ?? false)) return true;
  for (const [text, us] of spellings ?? []) if (text !== h.text) for (const u of us) if (u !== user) return true;
  return false;
}

function addCapped(s: Set<string>, v: string, cap: number): void {
  if (s.size < cap) s.add(v);
}

const describe = (c: ChangeClass): string =>
  c === 'invisible' ? 'invisible characters differ from what other users of this tool version receive'
    : c === 'confusable' ? 'look-alike characters differ from what other users of this tool version receive'
      : c === 'format' ? 'a value is formatted differently for different users' : 'content differs';

const preview = (s: string): string => {
  const shown = [...s.slice(0, 24)].map((c) => (/[\x20-\x7e]/.test(c) ? c : `\\u{${c.codePointAt(0)!.toString(16).toUpperCase()}}`)).join('');
  return s.length > 24 ? `${shown}…` : shown;
};

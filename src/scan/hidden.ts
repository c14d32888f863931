// Finding hidden data: decoding chains the evaluator can follow (atob, Buffer, fromCharCode,
// reverse/join, a local XOR function), encoded literals it has to guess (base64, hex, reversed,
// single-byte XOR), and arrays of encoded items or char codes. A result counts only when it is
// readable and recognisable (domains, zones, locales, IP ranges, URLs or a list of names) and does
// not appear verbatim in the source.
import type { Analysis } from './analysis.ts';
import type { Node } from './types.ts';
import { classifyList, classifyString, describeKind, type ListClass } from './classify.ts';
import { guessDecodings, isReadable, listOf, looksBase64, looksHex, splitList, type Decoded } from './decode.ts';
import { toText } from './evaluate.ts';
import { isFunction, lookup, type Scope, type Site } from './walk.ts';

export interface HiddenHit {
  node: Node;
  items: string[];
  cls: ListClass | null;
  via: string;
  single: boolean;
}

const DECODER_CALLS = new Set(['atob', 'from', 'fromCharCode', 'fromCodePoint', 'reverse', 'join', 'split', 'map', 'decode', 'toString', 'parse', 'decodeURIComponent', 'unescape', 'reduce', 'replace']);

/** A value is reportable when it is a recognisable list or a single URL/host/zone. */
function judge(items: string[]): { cls: ListClass | null; single: boolean } | null {
  const clean = items.map((s) => s.trim()).filter((s) => s.length > 0);
  if (clean.length === 0) return null;
  if (clean.length === 1) {
    const one = clean[0] as string;
    const k = classifyString(one);
    if (k && k !== 'name') return { cls: { kind: k, specific: 1, counts: { [k]: 1 } }, single: true };
    const parts = splitList(one);
    if (parts.length >= 2) return judge(parts);
    return null;
  }
  const cls = classifyList(clean);
  if (!cls) return null;
  if (cls.specific >= 0.5 || (cls.kind === 'name' && clean.length >= 3)) return { cls, single: false };
  return null;
}

/** Decoding chains: `atob("...").split(",")`, `"moc.x".split("").reverse().join("")`, `d("...", 42)`. */
export function fromCall(a: Analysis, s: Site): HiddenHit | null {
  const name = s.name;
  if (!name) return null;
  const n = s.node;
  // Only the outermost call of a chain: `atob(x).split(',')` is judged at `.split`.
  if (s.parent?.type === 'MemberExpression' && s.parent.object === n) return null;
  // A local function called with an encoded-looking argument; the arguments are cheaper to test
  // than the callee is to resolve.
  const candidate = DECODER_CALLS.has(name) || (n.arguments.some((x: Node) => encodedArg(x)) && !!a.deriver.calleeFunction(n.callee, s.scope));
  if (!candidate) return null;
  if (n.end - n.start > 2_000_000) return null;
  const v = a.evaluate(n, s.scope);
  let items: string[] | null = null;
  if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string')) items = v as string[];
  else {
    const t = toText(v);
    if (t !== null && t.length >= 4 && isReadable(t)) items = splitList(t);
  }
  if (!items) return null;
  const src = definitionText(a, n, s.scope);
  if (!DECODE_STEP.test(src)) return null;
  const hiddenItems = items.filter((x) => x.trim().length >= 3 && !src.includes(x.trim()));
  if (hiddenItems.length === 0 || hiddenItems.length < items.length / 2) return null;
  const j = judge(items);
  if (!j) return null;
  markConsumed(a, n);
  return { node: n, items: items.map((x) => x.trim()).filter(Boolean), cls: j.cls, via: 'evaluated decoding chain', single: j.single };
}

/** A real decoding operation, as opposed to joining or splitting a plain list. */
const DECODE_STEP = /\batob\s*\(|fromCharCode|fromCodePoint|\.reverse\s*\(|decodeURIComponent|\bunescape\s*\(|charCodeAt|\.decode\s*\(|["'](base64|base64url|hex)["']/;

/** The code that produces a value: the expression, the definitions it names, the functions it calls. */
export function definitionText(a: Analysis, n: Node, scope: Scope): string {
  const parts: string[] = [];
  const seen = new Set<Node>();
  const queue: Array<[Node, Scope]> = [[n, scope]];
  let budget = 400_000;
  while (queue.length > 0 && budget > 0 && seen.size < 40) {
    const [x, sc] = queue.shift() as [Node, Scope];
    if (seen.has(x)) continue;
    seen.add(x);
    const text = a.text.slice(x.start, Math.min(x.end, x.start + 100_000));
    budget -= text.length;
    parts.push(text);
    // Identifiers named in the expression, resolved to their definitions.
    for (const m of text.matchAll(/(?<![.\w$])[A-Za-z_$][\w$]*/g)) {
      if (seen.size + queue.length > 40) break;
      const d = lookup(sc, m[0]);
      const src = d?.init ?? d?.assigns[0];
      if (src && !seen.has(src) && src.end - src.start < 200_000) queue.push([src, d?.kind === 'function' ? (a.w.scopes.get(src) ?? d.scope) : (d as { scope: Scope }).scope]);
    }
  }
  return parts.join('\n');
}

function encodedArg(x: Node): boolean {
  if (x.type === 'Literal' && typeof x.value === 'string') return looksBase64(x.value) || looksHex(x.value) || x.value.length >= 6;
  if (x.type === 'ArrayExpression') return x.elements.length >= 4 && x.elements.every((e: Node | null) => e?.type === 'Literal' && typeof e.value === 'number');
  return false;
}

function markConsumed(a: Analysis, n: Node): void {
  const stack: Node[] = [n];
  let steps = 0;
  while (stack.length > 0 && steps++ < 10_000) {
    const x = stack.pop() as Node;
    if (x.type === 'Literal' || x.type === 'ArrayExpression') a.consumed.add(x);
    if (isFunction(x)) continue;
    for (const k in x) {
      const v = x[k];
      if (v && typeof v === 'object') {
        if (Array.isArray(v)) { for (const c of v) if (c && typeof c.type === 'string') stack.push(c); }
        else if (typeof v.type === 'string') stack.push(v);
      }
    }
  }
}

/** An encoded string literal whose decoder the evaluator could not follow. */
export function fromLiteral(a: Analysis, s: Site): HiddenHit | null {
  const n = s.node;
  if (typeof n.value !== 'string' || a.consumed.has(n)) return null;
  const v: string = n.value;
  if (v.length < 8 || v.length > 64 * 1024) return null;
  const encodedLooking = looksBase64(v) || looksHex(v);
  const reversedLooking = !encodedLooking && /^[a-z0-9.\-,;|\n/_]+$/i.test(v) && /\.[a-z]{2,}|\//i.test(v) && classifyString(v) === null;
  if (!encodedLooking && !reversedLooking) return null;
  // Decoding is the expensive part: once, for both the list and the single-value reading.
  const decodings = guessDecodings(v);
  const dl = listOf(decodings);
  if (dl) return { node: n, items: dl.items, cls: dl.cls, via: dl.via.join(' → '), single: false };
  for (const d of decodings) {
    const k = classifyString(d.text.trim());
    if (k && k !== 'name' && (d.via[0] !== 'reverse' || k === 'domain' || k === 'url' || k === 'timezone')) {
      return { node: n, items: [d.text.trim()], cls: { kind: k, specific: 1, counts: { [k]: 1 } }, via: d.via.join(' → '), single: true };
    }
  }
  return null;
}

/** Arrays whose every item is encoded, and arrays of char codes. */
export function fromArray(a: Analysis, s: Site): HiddenHit | null {
  const n = s.node;
  if (a.consumed.has(n)) return null;
  const els: Array<Node | null> = n.elements;
  if (els.length < 2 || els.length > 100_000) return null;
  if (els.every((e) => e?.type === 'Literal' && typeof e.value === 'string')) {
    const vals = els.map((e) => (e as Node).value as string);
    if (!vals.every((v) => v.length >= 4 && (looksBase64(v) || looksHex(v) || /^[a-z0-9.\-_/]+$/i.test(v)))) return null;
    if ((classifyList(vals)?.specific ?? 0) >= 0.5) return null; // plain values, not encoded
    // Each value's decodings serve all four readings.
    const decodings: Array<Decoded[] | undefined> = [];
    for (const pick of ['base64', 'hex', 'reverse', 'xor']) {
      const out: string[] = [];
      let via = '';
      for (let i = 0; i < vals.length; i++) {
        const d = (decodings[i] ??= guessDecodings(vals[i] as string)).find((g) => (pick === 'xor' ? g.via.length > 1 : g.via[0] === pick && g.via.length === 1));
        if (!d) break;
        out.push(d.text.trim());
        via = d.via.join(' → ');
      }
      if (out.length !== vals.length) continue;
      const cls = classifyList(out);
      if (cls && (cls.specific >= 0.6 || (cls.kind === 'name' && pick !== 'reverse' && out.length >= 3))) return { node: n, items: out, cls, via: `each item ${via}`, single: false };
    }
    return null;
  }
  if (els.length >= 6 && els.every((e) => e?.type === 'Literal' && typeof e.value === 'number' && Number.isInteger(e.value) && e.value >= 0 && e.value < 0x110000)) {
    const codes = els.map((e) => (e as Node).value as number);
    const candidates: Array<[string, string]> = [];
    try { candidates.push([String.fromCodePoint(...codes), 'char codes']); } catch { /* invalid code point */ }
    if (codes.every((c) => c < 256)) {
      for (let k = 1; k < 256; k++) candidates.push([String.fromCharCode(...codes.map((c) => c ^ k)), `char codes xor 0x${k.toString(16)}`]);
    }
    for (const [text, via] of candidates) {
      if (text.length < 8 || !isReadable(text)) continue;
      const j = judge(splitList(text));
      // Byte tables (wasm, primes) XOR to pseudo-words; only specific values count here.
      if (j && j.cls && j.cls.kind !== 'name' && j.cls.kind !== 'ip-range' && j.cls.kind !== 'mixed') return { node: n, items: splitList(text), cls: j.cls, via, single: j.single };
    }
  }
  return null;
}

export function describeHit(h: HiddenHit): string {
  const what = h.single ? (h.cls ? classifyLabel(h.cls.kind) : 'a value') : `a list of ${h.items.length} ${h.cls ? describeKind(h.cls.kind) : 'values'}`;
  return `${what}, decoded (${h.via})`;
}

function classifyLabel(k: string): string {
  return k === 'url' ? 'a URL' : k === 'domain' ? 'a host name' : k === 'timezone' ? 'a time-zone name' : k === 'ip-range' ? 'an IP range' : `a ${k}`;
}

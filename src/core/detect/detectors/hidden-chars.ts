// hidden-chars: characters a reviewer cannot see but a model reads. Tag characters (hidden ASCII),
// bidi controls (Trojan Source, CVE-2021-42574), zero-width characters and joiners, stray variation
// selectors ("emoji smuggling"), Hangul and other invisible fillers, unusual spaces, private use.
//
// Legitimate contexts, which are NOT reported:
// - ZWJ inside an emoji ZWJ sequence (pictograph/skin tone/VS16 before, pictograph after);
// - ZWJ/ZWNJ between letters of a joining script (Persian/Arabic, Indic, Sinhala, Khmer, …), or
//   right after a virama or other mark of such a script (Indic half forms, Malayalam chillu);
// - ZWSP between letters of a script written without spaces (Thai, Lao, Khmer, Myanmar, CJK);
// - one VS15/VS16 after an emoji-capable base (incl. keycaps 0-9 # *), one VS1–14 after a Han,
//   math, Myanmar, Phags-pa or Egyptian base, one IVS (VS17+) after a Han ideograph;
// - the three RGI subdivision flags (England, Scotland, Wales), which are tag sequences;
// - U+FEFF at offset 0 (byte-order mark); LRM/RLM/ALM in text that contains right-to-left script;
// - U+3000 in text that contains CJK; U+202F/U+2009/U+2007 as French or digit-group spacing.
// NBSP (U+00A0) is not reported at all: it is everywhere in prose pasted from the web and in French
// typography, and a tool that swaps spaces for NBSP is caught by the covert-channel baseline instead.
import type { Severity } from '../../types.ts';
import type { DetectContext, Detector, Hit } from '../types.ts';
import * as cx from '../../unicode/context.ts';
import { hiddenKind, tagAscii, variationSelectorByte, type HiddenKind } from '../../unicode/invisible.ts';
import { nonAsciiRuns } from '../../unicode/ascii-runs.ts';
import { describeRun, hex } from '../../unicode/names.ts';
import { maskSecrets } from '../mask-secrets.ts';

const RGI_SUBDIVISION_FLAGS = new Set(['gbeng', 'gbsct', 'gbwls']);
const MAX_PAYLOAD = 200;

interface Verdict { rule: string; severity: Severity; confidence: number }
interface Cp { cp: number; start: number; end: number }
interface Pending { rule: string; severity: Severity; confidence: number; start: number; end: number; cps: number[] }

const v = (rule: string, severity: Severity, confidence: number): Verdict => ({ rule, severity, confidence });
const isDigit = (cp: number): boolean => cp >= 0x30 && cp <= 0x39;

/** Facts about the whole text, computed at most once per call and only when needed. */
class TextFacts {
  private rtl: boolean | undefined;
  private cjk: boolean | undefined;
  constructor(readonly text: string) {}
  get hasRtl(): boolean { return (this.rtl ??= cx.hasRtl(this.text)); }
  get hasCjk(): boolean { return (this.cjk ??= cx.hasCjk(this.text)); }
}

function verdict(kind: HiddenKind, c: Cp, first: boolean, groupLen: number, facts: TextFacts): Verdict | null {
  const { cp } = c;
  const prev = cx.cpBefore(facts.text, c.start);
  const next = cx.cpAt(facts.text, c.end);
  switch (kind) {
    case 'bidi':
      return facts.hasRtl ? v('bidi-control', 'medium', 0.7) : v('bidi-control', 'high', 0.95);
    case 'bidi-mark':
      return facts.hasRtl ? null : v('bidi-control', 'high', 0.8);
    case 'zero-width':
      if (cp === 0xfeff && c.start === 0) return null;
      if (groupLen === 1 && cp === 0x200b && cx.isSpacelessScript(prev) && cx.isSpacelessScript(next)) return null;
      if (groupLen === 1 && cp === 0x180e && cx.isMongolian(prev) && cx.isMongolian(next)) return null;
      return v('zero-width', 'high', 0.95);
    case 'joiner':
      if (groupLen === 1) {
        if (cp === 0x200d && cx.isZwjLeft(prev) && cx.isZwjRight(next)) return null;
        if (cx.isJoinerScript(prev) && cx.isJoinerScript(next)) return null;
        if (cx.isJoinerScriptMark(prev)) return null; // virama + ZWJ/ZWNJ: half forms, Malayalam chillu
      }
      return v('zero-width', 'high', 0.9);
    case 'variation-selector': {
      if (first && legitVariationBase(cp, prev)) return null;
      return groupLen > 1 ? v('variation-selector', 'high', 0.9) : v('variation-selector', 'medium', 0.7);
    }
    case 'hangul-filler':
      if ((cp === 0x115f || cp === 0x1160) && (cx.isConjoiningJamo(prev) || cx.isConjoiningJamo(next))) return null;
      return v('invisible-filler', 'high', 0.9);
    case 'filler':
      if (cp === 0x00ad) return v('invisible-filler', 'low', 0.5); // soft hyphen: prose hyphenation hint
      if (cp === 0x2800 && (isBraille(prev) || isBraille(next))) return null;
      if (cp >= 0x1bca0 && cp <= 0x1bca3 && (isDuployan(prev) || isDuployan(next))) return null;
      return v('invisible-filler', 'medium', 0.8);
    case 'space':
      if (cp === 0x3000 && facts.hasCjk) return null;
      if (cp === 0x1680 && prev >= 0x1681 && prev <= 0x169c) return null;
      if ((cp === 0x202f || cp === 0x2009 || cp === 0x2007) && isDigit(prev) && isDigit(next)) return null;
      if (cp === 0x202f && (FRENCH_AFTER.has(next) || prev === 0xab || cx.isMongolian(prev))) return null;
      return v('unusual-space', 'low', 0.6);
    case 'private-use':
      return cp >= 0xf0000 ? v('private-use', 'medium', 0.7) : v('private-use', 'low', 0.5);
    case 'tag':
      return v('tag-characters', 'high', 0.99); // handled per run in scanRun; kept for completeness
  }
}

// « » ; : ! ? % take a narrow no-break space in French typography.
const FRENCH_AFTER = new Set([0x3b, 0x3a, 0x21, 0x3f, 0xbb, 0x25]);
const isBraille = (cp: number): boolean => cp >= 0x2801 && cp <= 0x28ff;
const isDuployan = (cp: number): boolean => cp >= 0x1bc00 && cp <= 0x1bc9f;

function legitVariationBase(vs: number, base: number): boolean {
  if (vs === 0xfe0e || vs === 0xfe0f) return cx.isEmojiBase(base);
  if (vs >= 0xfe00 && vs <= 0xfe0d) return cx.isTextVariationBase(base);
  if (vs >= 0xe0100) return cx.isHan(base);
  return cx.isMongolian(base); // Mongolian free variation selectors
}

function tagDetail(cps: readonly number[]): string {
  let payload = '';
  for (const cp of cps) payload += tagAscii(cp) ?? `{U+${hex(cp)}}`;
  // Masked before it is cut short (a credential cut in two is no longer recognised): the payload
  // is shown, it is what was smuggled, but a credential in it must not reach the audit trail.
  payload = maskSecrets(payload);
  if (payload.length > MAX_PAYLOAD) payload = `${payload.slice(0, MAX_PAYLOAD)}…`;
  return `hidden ASCII payload ${JSON.stringify(payload)} in ${cps.length} tag character${cps.length === 1 ? '' : 's'} (U+E0000–E007F)`;
}

function vsDetail(cps: readonly number[]): string {
  const base = describeRun(cps);
  if (cps.length < 2) return base;
  const bytes = cps.map((cp) => variationSelectorByte(cp) ?? 0);
  const printable = bytes.every((b) => b >= 0x20 && b <= 0x7e);
  // Printable bytes are shown as text, others in hex, but bytes that hold a credential as text with
  // the credential masked (before the text is cut short): hex would show it in full.
  const text = bytes.map((b) => String.fromCharCode(b)).join('');
  const masked = maskSecrets(text);
  const shown = printable || masked !== text
    ? JSON.stringify(masked.slice(0, MAX_PAYLOAD))
    : bytes.slice(0, 32).map((b) => b.toString(16).padStart(2, '0')).join(' ');
  return `${base}; read as bytes (VS1–256 → 0–255): ${shown}`;
}

function scanRun(facts: TextFacts, runStart: number, runEnd: number, out: Pending[]): void {
  const cps: Cp[] = [];
  for (let i = runStart; i < runEnd; ) {
    const cp = facts.text.codePointAt(i) ?? 0;
    const end = i + (cp > 0xffff ? 2 : 1);
    cps.push({ cp, start: i, end });
    i = end;
  }
  for (let i = 0; i < cps.length; ) {
    const head = cps[i] as Cp;
    const kind = hiddenKind(head.cp);
    let j = i + 1;
    while (j < cps.length && hiddenKind((cps[j] as Cp).cp) === kind) j++;
    const group = cps.slice(i, j);
    i = j;
    if (kind === null) continue;
    if (kind === 'tag') {
      const tail = group[group.length - 1] as Cp;
      const body = group.slice(0, -1).map((c) => tagAscii(c.cp) ?? '').join('');
      const isFlag = cx.cpBefore(facts.text, head.start) === 0x1f3f4 && tail.cp === 0xe007f && RGI_SUBDIVISION_FLAGS.has(body);
      if (!isFlag) out.push({ rule: 'tag-characters', severity: 'high', confidence: 0.99, start: head.start, end: tail.end, cps: group.map((c) => c.cp) });
      continue;
    }
    group.forEach((c, k) => {
      const r = verdict(kind, c, k === 0, group.length, facts);
      if (!r) return;
      const last = out[out.length - 1];
      if (last && last.end === c.start && last.rule === r.rule && last.severity === r.severity && last.rule !== 'tag-characters') {
        last.end = c.end;
        last.cps.push(c.cp);
        last.confidence = Math.max(last.confidence, r.confidence);
      } else {
        out.push({ ...r, start: c.start, end: c.end, cps: [c.cp] });
      }
    });
  }
}

/**
 * 1 for a BMP code unit that is a candidate (hiddenKind is not null): the same set as
 * HIDDEN_CANDIDATES (checked by the unicode tests), as a table because the detector only looks at
 * the non-ASCII runs of the text and tests each of their code points.
 */
let bmpCandidate: Uint8Array | null = null;
function candidateTable(): Uint8Array {
  if (bmpCandidate) return bmpCandidate;
  const t = new Uint8Array(0x10000);
  for (let cp = 0x80; cp < 0x10000; cp++) if (hiddenKind(cp) !== null) t[cp] = 1;
  return (bmpCandidate = t);
}

/**
 * Maximal runs of candidate code points, exactly what a matchAll of HIDDEN_CANDIDATES yields, but
 * found from the non-ASCII runs (one fast scan shared with the confusables detector) instead of a
 * /u class of ~40 ranges, which irregexp scans 5-15x slower on two-byte strings.
 */
function candidateRuns(text: string, runs: Int32Array, facts: TextFacts, out: Pending[]): void {
  const table = candidateTable();
  for (let r = 0; r < runs.length; r += 2) {
    const end = runs[r + 1]!;
    let cs = -1;
    let ce = -1;
    for (let i = runs[r]!; i < end; ) {
      const c = text.charCodeAt(i);
      let width = 1;
      let hit: boolean;
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < end) {
        const lo = text.charCodeAt(i + 1);
        if (lo >= 0xdc00 && lo <= 0xdfff) {
          width = 2;
          hit = hiddenKind((c - 0xd800) * 0x400 + (lo - 0xdc00) + 0x10000) !== null;
        } else hit = table[c] === 1;
      } else hit = table[c] === 1;
      if (hit) {
        if (ce !== i) {
          if (cs >= 0) scanRun(facts, cs, ce, out);
          cs = i;
        }
        ce = i + width;
      }
      i += width;
    }
    if (cs >= 0) scanRun(facts, cs, ce, out);
  }
}

export const hiddenChars: Detector = {
  id: 'hidden-chars',
  description: 'Invisible or direction-changing characters: tag characters, bidi controls, zero-width characters, stray variation selectors, fillers, unusual spaces, private use',
  severity: 'high',
  rules: [
    { id: 'tag-characters', description: 'Unicode tag characters; the hidden ASCII payload is decoded' },
    { id: 'bidi-control', description: 'bidi embedding, override or isolate controls (Trojan Source)' },
    { id: 'zero-width', description: 'zero-width characters and joiners outside emoji and joining scripts' },
    { id: 'variation-selector', description: 'variation selectors outside emoji and other valid bases' },
    { id: 'invisible-filler', description: 'Hangul fillers, braille blank and other invisible fillers' },
    { id: 'unusual-space', description: 'unusual spaces outside the contexts that use them' },
    { id: 'private-use', description: 'private-use characters' },
  ],
  detect(text: string, ctx: DetectContext): Hit[] {
    // Plain ASCII (the common case) contains none of these: one linear scan and out.
    const runs = nonAsciiRuns(text, ctx.memo);
    if (runs === null) return [];
    const facts = new TextFacts(text);
    const pending: Pending[] = [];
    try {
      candidateRuns(text, runs, facts, pending);
    } catch {
      return [];
    }
    if (pending.length === 0) return [];
    return pending.map((p) => ({
      rule: p.rule,
      start: p.start,
      end: p.end,
      severity: p.severity,
      confidence: p.confidence,
      detail: p.rule === 'tag-characters' ? tagDetail(p.cps) : p.rule === 'variation-selector' ? vsDetail(p.cps) : describeRun(p.cps),
      tags: ['obfuscation'],
    }));
  },
};

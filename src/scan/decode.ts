// Guessing decoders for blobs whose decoding code the evaluator could not follow (it lives in a
// runtime helper, or the key is computed). Each guess is kept only when the result is readable
// text that splits into recognisable values, so random base64 (images, wasm) is not reported.
import { classifyList, type ListClass } from './classify.ts';

export interface Decoded {
  text: string;
  via: string[]; // e.g. ['base64', 'xor 0x2a']
}

const B64_RE = /^[A-Za-z0-9+/_-]+={0,2}$/;
const HEX_RE = /^(?:[0-9a-fA-F]{2})+$/;
const MAX_GUESS = 64 * 1024;

/** Printable text: letters, digits, punctuation and common whitespace. */
export function isReadable(s: string): boolean {
  if (s.length === 0) return false;
  let bad = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13) || c === 0xfffd || (c >= 0x7f && c < 0xa0)) bad++;
  }
  return bad / s.length < 0.02;
}

// Words such as 'PreToolUse' are valid base64 too; real blobs are longer or carry digits, + or /.
export const looksBase64 = (s: string): boolean =>
  s.length >= 12 && B64_RE.test(s) && /[A-Z]/.test(s) && /[a-z]/.test(s) && (/[0-9+/=_-]/.test(s) || s.length >= 24) && !/^[A-Z]?[a-z]+(?:[A-Z][a-z]+)+$/.test(s);
export const looksHex = (s: string): boolean => s.length >= 12 && HEX_RE.test(s);

function bytesToText(b: Buffer): string {
  return b.toString('utf8');
}

/** Decode candidates for one string, most plausible first. */
export function guessDecodings(s: string): Decoded[] {
  if (s.length > MAX_GUESS) return [];
  const out: Decoded[] = [];
  const tryBytes = (bytes: Buffer, via: string): void => {
    const t = bytesToText(bytes);
    if (isReadable(t)) { out.push({ text: t, via: [via] }); return; }
    // Single-byte XOR with a constant key: try each key on a sample first (cheap rejection).
    if (bytes.length < 4 || bytes.length > 8192) return;
    const sample = bytes.subarray(0, 32);
    for (let k = 1; k < 256; k++) {
      let ok = true;
      for (const x of sample) {
        const c = x ^ k;
        if (c < 32 && c !== 10 && c !== 9 && c !== 13) { ok = false; break; }
        if (c > 126) { ok = false; break; }
      }
      if (!ok) continue;
      const dec = Buffer.from(bytes.map((x) => x ^ k));
      const t2 = dec.toString('latin1');
      if (isReadable(t2)) out.push({ text: t2, via: [via, `xor 0x${k.toString(16).padStart(2, '0')}`] });
    }
  };
  if (looksHex(s)) tryBytes(Buffer.from(s, 'hex'), 'hex');
  else if (looksBase64(s)) tryBytes(Buffer.from(s.replace(/-/g, '+').replace(/_/g, '/'), 'base64'), 'base64');
  const rev = [...s].reverse().join('');
  if (rev !== s) out.push({ text: rev, via: ['reverse'] });
  return out;
}

/** Split decoded text into list items (JSON array, or separated by , ; | or new lines). */
export function splitList(text: string): string[] {
  const t = text.trim();
  if (t.startsWith('[')) {
    try {
      const v: unknown = JSON.parse(t);
      if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
    } catch { /* not JSON */ }
  }
  for (const sep of ['\n', ',', ';', '|']) {
    if (t.includes(sep)) return t.split(sep).map((x) => x.trim()).filter((x) => x.length > 0);
  }
  return [t];
}

export interface DecodedList {
  items: string[];
  cls: ListClass;
  via: string[];
}

/** The first of a blob's decodings (from guessDecodings) that is a list of recognisable values, or null. */
export function listOf(decodings: readonly Decoded[], minItems = 2): DecodedList | null {
  for (const d of decodings) {
    const items = splitList(d.text);
    if (items.length < minItems) continue;
    const cls = classifyList(items);
    const namesOk = cls?.kind === 'name' && d.via.length === 1 && d.via[0] !== 'reverse' && items.length >= 3 && items.every((x) => x.length >= 3);
    if (cls && (cls.specific >= 0.5 || namesOk)) return { items, cls, via: d.via };
  }
  return null;
}


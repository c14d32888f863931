// Look-alike URL punctuation: a character that reads as `/`, `.`, `:` or `@` inside a URL or a
// host name changes where the link goes (`https://github.com∕attacker/repo` is a link to the host
// `github.com∕attacker`, whatever it reads as). Typographic slashes and dots (U+2215 DIVISION SLASH,
// U+2044 FRACTION SLASH, U+2024 ONE DOT LEADER) are ordinary typography in prose, so the confusables
// detector reports them only in code; inside a URL they are reported in any context.
//
// What reads as which character comes from data, not a list: the UTS #39 skeleton (confusables.txt)
// when it is one of the four, else the NFKC form (fullwidth and small forms: U+FF0F, U+FE52,
// U+FE6B …). IDNA (UTS #46) adds the ideographic full stops U+3002 and U+FF61, which a browser
// treats as label separators: they are reported only inside the host, because U+3002 is the full
// stop of Chinese and Japanese prose around URLs.
//
// A host name without a scheme (`api.github․com`) and an e-mail address (`admin@corp․example.com`,
// `me＠acme.io`) are read the same way, with more care, since there is no `://` to say a link is
// meant: only in a token without other-script letters (CJK and Japanese prose end sentences with
// U+3002 and U+FF0E right after Latin words), and only ending in a top-level domain (COMMON_TLDS,
// or any two-letter one where a real dot or an `@` says it is a host): not `e․g․`, `foo․bar`,
// `setup․py`.
import { asciiLookalike } from '../../unicode/skeleton.ts';

const URL_PUNCT = new Set(['/', '.', ':', '@']);
/** IDNA label separators that are not look-alikes by UTS #39 or NFKC. */
const IDNA_DOTS = new Set([0x3002, 0xff61]);

const MEMO = new Map<number, string | null>();
/**
 * Per BMP code unit, filled on first sight: 1 no look-alike, 2 a look-alike of '/', 3 a colon one
 * or a high surrogate, 4 a look-alike of '.' or '@'.
 */
const UNIT = new Uint8Array(0x10000);

/** The URL punctuation a non-ASCII code point reads as, or undefined. */
export function urlPunctLookalike(cp: number): string | undefined {
  if (cp < 0x80) return undefined;
  let v = MEMO.get(cp);
  if (v === undefined) {
    const sk = asciiLookalike(cp);
    const nfkc = String.fromCodePoint(cp).normalize('NFKC');
    v = sk !== undefined && URL_PUNCT.has(sk) ? sk : URL_PUNCT.has(nfkc) ? nfkc : IDNA_DOTS.has(cp) ? '.' : null;
    MEMO.set(cp, v);
  }
  return v ?? undefined;
}

function unitKind(c: number): number {
  if (c >= 0xd800 && c <= 0xdbff) return 3;
  const p = urlPunctLookalike(c);
  return p === undefined ? 1 : p === ':' ? 3 : p === '/' ? 2 : 4;
}

/**
 * True when text[start, end) may hold a URL, an e-mail address or a host name with look-alike
 * punctuation: a look-alike (BMP, or a surrogate) and a colon (real or look-alike: every URL shape
 * but `www.` has one) or `www`, or a look-alike of '.', '@' or '/' between two ASCII letters or
 * digits (`api.github․com`, `admin@corp․example.com`, `api.github.com∕evil`). A necessary condition, so that long unspaced tokens
 * (CJK prose with its full stops) are passed over without building their URL reading.
 */
export function mayHoldUrlPunct(text: string, start: number, end: number): boolean {
  let punct = false;
  let colon = false;
  let joins = false;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) {
      if (c === 0x3a) colon = true;
      continue;
    }
    let k = UNIT[c]!;
    if (k === 0) UNIT[c] = k = unitKind(c);
    if (k >= 2) punct = true;
    if (k === 3) colon = true;
    else if (k !== 1 && i > start && i + 1 < end && isAlnum(text.charCodeAt(i - 1)) && isAlnum(text.charCodeAt(i + 1))) joins = true;
  }
  if (!punct) return false;
  if (colon || joins) return true;
  const w = text.indexOf('www', start);
  return w !== -1 && w < end;
}

export interface UrlLookalike { cp: number; start: number; end: number; ascii: string }

/**
 * Where a URL may start in a token read with its look-alikes replaced: `scheme://`, an scp-style
 * git remote `user@host.tld:path`, or a `www.` host. The URL runs to the token's end or to a quote,
 * backtick or angle bracket. Then, as groups 1 and 2 (judged by bareAddress): an e-mail address,
 * and a host name without a scheme (maybe with a port and path).
 */
const URL_IN_TOKEN =
  /[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s"'`<>]*|[A-Za-z0-9_.-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}:[^\s"'`<>]*|www\.[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}[^\s"'`<>]*|(?<![A-Za-z0-9_.%+@-])([A-Za-z0-9_.%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)(?![A-Za-z0-9_-])|(?<![A-Za-z0-9_.@-])([A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+)(?![A-Za-z0-9_-])(?:[:/?#][^\s"'`<>]*)?/g;

/**
 * Top-level domains a two-label host needs (`paypal․com`), where nothing else says it is one: the
 * common generic ones and the largest country codes. A host with a real dot too (`api.github․com`)
 * may end in any two-letter code.
 */
const COMMON_TLDS: ReadonlySet<string> = new Set((
  'com net org edu gov mil int info biz name pro io ai app dev co me tv cc ly gg sh so to ws xyz site online tech ' +
  'cloud store shop blog page news live link click top club eu us uk de fr jp cn ru br in au ca nl ch se it es pl kr'
).split(' '));

/**
 * Whether an e-mail address (`email`) or a bare host name matched in the token read with its
 * look-alikes replaced (`norm`) is one: only in a Latin-script token (no other-script letter: a
 * CJK sentence with its full stops, a Japanese full-width period, are prose), ending in a
 * top-level domain. `realDot`: a real '.' separates two of its labels.
 */
function bareAddress(norm: string, host: string, email: boolean, realDot: boolean): boolean {
  if (norm.includes('\u0001')) return false;
  const tld = host.slice(host.lastIndexOf('.') + 1).toLowerCase();
  if (!/^[a-z]{2,63}$/.test(tld)) return false;
  return COMMON_TLDS.has(tld) || ((email || realDot) && tld.length === 2);
}
/** What may follow a look-alike inside a URL (in the token read with look-alikes replaced). */
const URL_NEXT = /[A-Za-z0-9/.:@%~_-]/;
const URL_LETTER = /[\p{L}\p{N}\p{M}]/u;
/**
 * How a non-ASCII character other than URL punctuation reads in a URL: a look-alike letter as its
 * ASCII letter (`github.cοm` with a Greek ο); any other letter, digit or mark as U+0001, part of
 * the URL (an IDN label) but not a host label character of the patterns above; other punctuation
 * (CJK commas and brackets) ends the URL.
 */
function letterStandIn(cp: number): string {
  const a = asciiLookalike(cp);
  if (a !== undefined && /^[A-Za-z0-9]$/.test(a)) return a;
  return URL_LETTER.test(String.fromCodePoint(cp)) ? '\u0001' : ' ';
}
const isAlnum = (c: number): boolean => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);

/**
 * The look-alike URL punctuation in the token text[start, end) (no whitespace inside): every
 * look-alike of `/ . : @` that lies in a URL, and IDNA full stops that lie in its host. Empty when
 * the token holds none or no URL.
 */
export function urlLookalikes(text: string, start: number, end: number): UrlLookalike[] {
  let norm = '';
  let offs: number[] | null = null;
  let any = false;
  for (let i = start; i < end; ) {
    const cp = text.codePointAt(i) ?? 0;
    const next = i + (cp > 0xffff ? 2 : 1);
    if (cp < 0x80) norm += text[i];
    else {
      const p = urlPunctLookalike(cp);
      if (p !== undefined) any = true;
      norm += p ?? letterStandIn(cp);
    }
    if (next - i === 2 && offs === null) {
      offs = [];
      for (let k = start; k < i; k++) offs.push(k);
    }
    offs?.push(i);
    i = next;
  }
  if (!any) return [];
  const pos = (k: number): number => (offs ? offs[k]! : start + k);
  const real = (k: number): number => text.charCodeAt(pos(k));
  const out: UrlLookalike[] = [];
  URL_IN_TOKEN.lastIndex = 0;
  for (let m = URL_IN_TOKEN.exec(norm); m !== null; m = URL_IN_TOKEN.exec(norm)) {
    const from = m.index;
    const to = from + m[0].length;
    const email = m[1] !== undefined;
    // The host as a URL parser sees it: after `://` (or the scp user's `@`), after the last real
    // `@` of the authority, up to the first real `/ ? # \` or `:`. An e-mail address's, after its
    // `@`, real or look-alike.
    const sep = m[0].indexOf('://');
    let hostFrom = sep >= 0 ? from + sep + 3 : email ? from + m[0].indexOf('@') + 1 : from;
    let authEnd = to;
    for (let k = hostFrom; k < to; k++) {
      const c = real(k);
      if (c === 0x2f || c === 0x3f || c === 0x23 || c === 0x5c) { authEnd = k; break; }
    }
    for (let k = hostFrom; k < authEnd; k++) if (real(k) === 0x40) hostFrom = k + 1;
    let hostTo = authEnd;
    for (let k = hostFrom; k < authEnd; k++) if (real(k) === 0x3a) { hostTo = k; break; }
    if (email || m[2] !== undefined) {
      const host = email ? m[1]!.slice(m[1]!.indexOf('@') + 1) : m[2]!;
      const hostEnd = email ? to : from + host.length;
      let realDot = false;
      for (let k = hostFrom; k < hostEnd && !realDot; k++) realDot = real(k) === 0x2e;
      if (!bareAddress(norm, host, email, realDot)) continue;
      if (!email) hostTo = Math.min(hostTo, hostEnd);
    }
    for (let k = from; k < to; k++) {
      const s = pos(k);
      const cp = text.codePointAt(s) ?? 0;
      if (cp < 0x80) continue;
      const ascii = urlPunctLookalike(cp);
      if (ascii === undefined) continue;
      // Not a trailing mark: the URL goes on after it (a label, a path, more punctuation).
      if (k + 1 >= to || !URL_NEXT.test(norm[k + 1]!)) continue;
      if (IDNA_DOTS.has(cp) && (k <= hostFrom || k >= hostTo || !isAlnum(norm.charCodeAt(k - 1)) || !isAlnum(norm.charCodeAt(k + 1)))) continue;
      out.push({ cp, start: s, end: s + (cp > 0xffff ? 2 : 1), ascii });
    }
    if (m[0].length === 0) URL_IN_TOKEN.lastIndex++;
  }
  return out;
}

// What a constant string is: a time-zone name, a locale tag, a domain, an IP range, an e-mail
// domain, or a short name. Used to tell a list of region-, company- or network-specific values
// from ordinary strings, and to describe a decoded list to the reviewer.

export type ValueKind = 'timezone' | 'locale' | 'domain' | 'ip-range' | 'url' | 'email' | 'name';

const TZ_RE = /^(Africa|America|Antarctica|Arctic|Asia|Atlantic|Australia|Europe|Indian|Pacific|Etc|US|Canada|Mexico|Brazil|Chile)\/[A-Za-z0-9_+\-/]{2,40}$/;
const TZ_SINGLE = new Set(['PRC', 'ROC', 'ROK', 'Hongkong', 'Singapore', 'Japan', 'Israel', 'Iran', 'Turkey', 'Egypt', 'Cuba', 'Eire', 'Poland', 'Portugal', 'W-SU', 'NZ', 'Navajo', 'Zulu']);
/** Zones that say nothing about where a user is. */
const TZ_NEUTRAL = new Set(['UTC', 'GMT', 'Etc/UTC', 'Etc/GMT', 'Etc/Universal', 'Universal', 'Zulu', 'Etc/Zulu', 'Etc/UCT', 'UCT']);
const LOCALE_RE = /^[a-z]{2,3}(?:[-_][A-Z][a-z]{3})?[-_](?:[A-Z]{2}|\d{3})(?:\.[A-Za-z0-9-]+)?$/;
const CIDR_RE = /^(?:\d{1,3}\.){3}\d{1,3}(?:\/\d{1,2})?$|^[0-9a-f]{1,4}(?::[0-9a-f]{0,4}){2,7}(?:\/\d{1,3})?$/i;
const EMAIL_RE = /^[^@\s]*@[a-z0-9-]+(\.[a-z0-9-]+)+$/i;
const URL_RE = /^(?:https?|wss?):\/\/[^\s/$.?#][^\s]*$/i;
// Top-level domains seen on endpoints and in company lists; file extensions such as .js, .md or
// .ts are deliberately absent so that 'README.md' is not taken for a host.
const TLDS = new Set(('com net org io ai dev app co cloud cn ru de uk jp kr in sh so me us eu gov edu mil info biz xyz tech site ' +
  'run page services internal local corp lan tw hk sg ir kp by ua fr it es nl se no fi dk pl cz ch at be br ar mx ca au nz za ' +
  'tr il sa ae qa vn th id my ph pk bd ng ke eg ma online top vip club shop pro tv cc ws gg la li lu is ie pt gr ro hu bg ' +
  'sk si hr rs lt lv ee kz uz am ge az mo ltd group inc company solutions global network cn.com com.cn net.cn org.cn').split(' '));

export function isTimeZone(s: string): boolean {
  return TZ_RE.test(s) || TZ_SINGLE.has(s);
}
export const isNeutralTimeZone = (s: string): boolean => TZ_NEUTRAL.has(s);

export function isDomain(s: string): boolean {
  if (s.length < 4 || s.length > 253) return false;
  const d = s.startsWith('*.') ? s.slice(2) : s.startsWith('.') ? s.slice(1) : s;
  if (!/^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}$/i.test(d)) return false;
  const tld = d.slice(d.lastIndexOf('.') + 1).toLowerCase();
  return TLDS.has(tld);
}

/** A bare suffix such as '.cn' or '.corp' used in endsWith() checks. */
export function isDomainSuffix(s: string): boolean {
  return /^\.[a-z]{2,24}$/i.test(s) && TLDS.has(s.slice(1).toLowerCase());
}

export function classifyString(s: string): ValueKind | null {
  const t = s.trim();
  if (t.length === 0 || t.length > 300) return null;
  if (isTimeZone(t)) return 'timezone';
  if (LOCALE_RE.test(t)) return 'locale';
  if (URL_RE.test(t)) return 'url';
  if (CIDR_RE.test(t)) return 'ip-range';
  if (EMAIL_RE.test(t)) return 'email';
  if (isDomain(t) || isDomainSuffix(t)) return 'domain';
  if (/^[\p{L}][\p{L}\p{N} &.,'()-]{1,40}$/u.test(t)) return 'name';
  return null;
}

export interface ListClass {
  kind: ValueKind | 'mixed';
  /** Share of items with a specific (non-'name') kind. */
  specific: number;
  counts: Partial<Record<ValueKind, number>>;
}

/** Classify a list of strings; null when it is not a list of recognisable values. */
export function classifyList(items: readonly string[]): ListClass | null {
  if (items.length === 0) return null;
  const counts: Partial<Record<ValueKind, number>> = {};
  let known = 0;
  let specific = 0;
  for (const it of items) {
    const k = classifyString(it);
    if (!k) continue;
    counts[k] = (counts[k] ?? 0) + 1;
    known++;
    if (k !== 'name') specific++;
  }
  if (known / items.length < 0.6) return null;
  let best: ValueKind | null = null;
  for (const k of Object.keys(counts) as ValueKind[]) if (!best || (counts[k] ?? 0) > (counts[best] ?? 0)) best = k;
  if (!best) return null;
  const kind = (counts[best] ?? 0) / items.length >= 0.6 ? best : 'mixed';
  return { kind, specific: specific / items.length, counts };
}

/** Does this constant say something specific about a region, company or network? */
export function isSpecificConstant(s: string): boolean {
  const k = classifyString(s);
  if (k === 'timezone') return !isNeutralTimeZone(s);
  if (k === 'locale' || k === 'domain' || k === 'ip-range' || k === 'email' || k === 'url') return true;
  // Prefix checks such as tz.startsWith('Asia/') or locale.startsWith('zh').
  return /^(Africa|America|Asia|Europe|Australia|Pacific|Indian|Atlantic|Antarctica)\/?$/.test(s) || /^[a-z]{2}(?:[-_][A-Z]{2})?$/.test(s) && s !== 'en';
}

/** Shannon entropy in bits per character. */
export function entropy(s: string): number {
  if (s.length === 0) return 0;
  const freq = new Map<number, number>();
  for (let i = 0; i < s.length; i++) freq.set(s.charCodeAt(i), (freq.get(s.charCodeAt(i)) ?? 0) + 1);
  let h = 0;
  for (const c of freq.values()) {
    const p = c / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

export function describeKind(k: ValueKind | 'mixed'): string {
  switch (k) {
    case 'timezone': return 'time zones';
    case 'locale': return 'locale tags';
    case 'domain': return 'domains';
    case 'ip-range': return 'IP ranges';
    case 'url': return 'URLs';
    case 'email': return 'e-mail addresses';
    case 'name': return 'names (companies or products?)';
    default: return 'mixed values';
  }
}

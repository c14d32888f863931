// internal-infra: names of the organisation's own infrastructure that should not leave — internal
// domains (suffix match), exact host names, address ranges (CIDR, IPv4 and IPv6) and user names,
// all configured in DetectOptions.internal. Nothing configured: returns [] at once.
//
// This file also owns IP-address recognition (findIpAddresses, parseCidr, inCidr); the pii detector
// imports it so both agree on what an address is.
import type { DetectContext, DetectOptions, Detector, Hit, IpMatch, SegmentMemo, Triggers } from '../types.ts';
import { escapeRegExp as escape } from '../../text.ts';

// ---------------------------------------------------------------------------------------------
// IP addresses

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
// Not part of a longer dotted or alphanumeric run: rejects "v1.2.3.4", "1.2.3.4.5", "10.0.0.1a".
const IPV4 = new RegExp(`(?<![\\w.])${OCTET}(?:\\.${OCTET}){3}(?![\\w]|\\.\\d)`, 'g');
const isHexOrColon = (c: number): boolean =>
  (c >= 0x30 && c <= 0x3a) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66); // 0-9 : A-F a-f
const isV6Char = (c: number): boolean => isHexOrColon(c) || c === 0x2e; // plus '.' for an IPv4 tail
const WORD_CHAR = /\w/;
/**
 * A dotted quad right after a version keyword or a version-pin operator is a version, not an
 * address: `version: "1.2.3.4"`, `build 10.0.19041.1`, `pkg==1.2.3.4`, `^1.2.3.4`, `section 1.2.3.4`.
 * `x@1.2.3.4` stays an address (user@host); npm's `pkg@version` is three-part semver anyway.
 */
const VERSION_BEFORE =
  /(?:(?<![A-Za-z])(?:v|ver|version|release|build|rev|revision|firmware|fw|section|chapter|step|rule|oid)["']?\s*[:=]?\s*["']?|[\^~]|[=<>~!]=\s*)$/i;

export function parseIPv4(s: string): number[] | null {
  const parts = s.split('.');
  if (parts.length !== 4) return null;
  const out: number[] = [];
  for (const p of parts) {
    if (!/^(?:0|[1-9]\d{0,2})$/.test(p) || Number(p) > 255) return null;
    out.push(Number(p));
  }
  return out;
}

export function parseIPv6(s: string): number[] | null {
  let body = s;
  let v4: number[] | null = null;
  const lastColon = s.lastIndexOf(':');
  if (s.includes('.', lastColon)) {
    v4 = parseIPv4(s.slice(lastColon + 1));
    if (!v4) return null;
    body = s.slice(0, lastColon + 1) + '0:0'; // placeholder groups, replaced below
  }
  const dbl = body.indexOf('::');
  if (dbl !== body.lastIndexOf('::')) return null;
  const split = (x: string): string[] => (x === '' ? [] : x.split(':'));
  const head = split(dbl >= 0 ? body.slice(0, dbl) : body);
  const tail = dbl >= 0 ? split(body.slice(dbl + 2)) : [];
  const groups = head.length + tail.length;
  if (dbl < 0 ? groups !== 8 : groups > 7) return null;
  if (![...head, ...tail].every((g) => /^[0-9A-Fa-f]{1,4}$/.test(g))) return null;
  const words = [...head, ...Array<string>(8 - groups).fill('0'), ...tail].map((g) => parseInt(g, 16));
  const bytes = words.flatMap((w) => [w >> 8, w & 0xff]);
  if (v4) bytes.splice(12, 4, ...v4);
  return bytes;
}

/**
 * IPv6 candidates, found from the colons (a regex over the whole text backtracks badly on code):
 * a colon with a hex digit or colon on both sides grows into the run of [0-9A-Fa-f:.] around it.
 */
function ipv6Candidates(text: string, out: IpMatch[], from = 0, to = text.length): number {
  let i = text.indexOf(':', from);
  for (; i !== -1 && i < to; i = text.indexOf(':', i + 1)) {
    if (!isHexOrColon(text.charCodeAt(i - 1)) && !isHexOrColon(text.charCodeAt(i + 1))) continue;
    let colons = 1;
    let s = i;
    for (let c = text.charCodeAt(s - 1); isV6Char(c); c = text.charCodeAt(--s - 1)) if (c === 0x3a) colons++;
    let e = i + 1;
    for (let c = text.charCodeAt(e); isV6Char(c); c = text.charCodeAt(++e)) if (c === 0x3a) colons++;
    i = e;
    if (colons < 2) continue;
    while (text[s] === '.') s++;
    while (e > s && text[e - 1] === '.') e--;
    // Not glued to a longer identifier ("std::vector", "Foo::bar").
    if ((s > 0 && WORD_CHAR.test(text[s - 1] as string)) || (e < text.length && WORD_CHAR.test(text[e] as string))) continue;
    const cand = text.slice(s, e);
    if (cand === '::') continue;
    // "Ab::Cd" or "dead::beef" in code is a path or a label far more often than an address.
    if (!/\d/.test(cand) && cand.split(':').filter(Boolean).length < 4) continue;
    const bytes = parseIPv6(cand);
    if (bytes) out.push({ start: s, end: e, version: 6, bytes });
  }
  // Where the walk stopped: the next window starts no earlier (a run is grown only once).
  return i === -1 ? text.length : i;
}

/**
 * Native candidates of IPV4 and of IPv6 runs, appended to pii's trigger patterns (indices T_IPV4
 * and T_IPV6 there). Supersets: the dotted quad without its boundaries, and two colons with only
 * address characters between them (ipv6Candidates needs two colons in a run).
 */
export const T_IPV4 = 3;
export const T_IPV6 = 4;
export const IP_TRIGGERS = [
  { source: '\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}', gap: 16 },
  { source: ':[0-9A-Fa-f.]*:', gap: 48 },
];

/** IPV4 matches inside the native candidate ranges (a range ends where its last quad ends). */
function ipv4InRanges(text: string, trig: Triggers, out: IpMatch[]): void {
  for (let h = trig.from; h < trig.to; h += 4) {
    if (trig.quads[h + 1] !== T_IPV4) continue;
    const ws = Math.max(0, trig.quads[h + 2]! - 15);
    const from = Math.max(0, ws - 1); // one unit of context for the look-behind
    const sub = text.slice(from, Math.min(text.length, trig.quads[h + 3]! + 2)); // two for the look-ahead
    IPV4.lastIndex = ws - from;
    for (let m = IPV4.exec(sub); m !== null; m = IPV4.exec(sub)) {
      m.index += from;
      v4(text, m, out);
    }
  }
}

/**
 * IPv4 and IPv6 addresses in text, in order. Versions and identifier-like "a::b" are skipped.
 * pii and internal-infra both need them: with the engine's per-segment memo the second is free.
 */
export function findIpAddresses(text: string, memo?: SegmentMemo): readonly IpMatch[] {
  if (memo === undefined) return scanIpAddresses(text, undefined);
  return (memo.ips ??= scanIpAddresses(text, memo.piiTriggers));
}

/** An IPV4 match, unless it follows a version keyword. (Module level: no closure per text.) */
function v4(text: string, m: RegExpExecArray, out: IpMatch[]): void {
  if (VERSION_BEFORE.test(text.slice(Math.max(0, m.index - 24), m.index))) return;
  const bytes = parseIPv4(m[0]);
  if (bytes) out.push({ start: m.index, end: m.index + m[0].length, version: 4, bytes });
}

function scanIpAddresses(text: string, trig: Triggers | undefined): IpMatch[] {
  let out: IpMatch[] = [];
  if (trig !== undefined) {
    ipv4InRanges(text, trig, out);
    let done = 0;
    for (let h = trig.from; h < trig.to; h += 4) {
      if (trig.quads[h + 1] !== T_IPV6) continue;
      // The run's first colon is at most 48 units before the first reported second colon.
      done = ipv6Candidates(text, out, Math.max(done, trig.quads[h + 2]! - 49), trig.quads[h + 3]!);
    }
    if (out.length > 1) out.sort((a, b) => a.start - b.start);
  } else {
    if (text.length >= 7 && text.includes('.')) { // "1.1.1.1" is the shortest
      // An exec loop, not matchAll: matchAll clones the regex on every call, which cost more than
      // the scan itself on the hundreds of short segments of a request.
      IPV4.lastIndex = 0;
      for (let m = IPV4.exec(text); m !== null; m = IPV4.exec(text)) v4(text, m, out);
    }
    if (text.includes(':')) ipv6Candidates(text, out);
  }
  if (out.some((m) => m.version === 6)) {
    // An IPv4 tail inside an IPv6 address (::ffff:10.1.2.3) is part of that address.
    const v6 = out.filter((m) => m.version === 6);
    out = out.filter((m) => m.version === 6 || !v6.some((x) => m.start < x.end && x.start < m.end));
    out.sort((a, b) => a.start - b.start);
  }
  return out;
}

/**
 * What a dotted quad can be besides an address, from the text before it (findIpAddresses already
 * skips versions after a keyword and dotted runs of five or more parts): a section or step number
 * (`§ 4.1.2.3`, `#section-5.2.2.4`), a version (`v 1.2.3.4`, `Version=4.0.0.0`), the version of a
 * .NET-style assembly or package (`System.Runtime 8.0.0.0`), or an object identifier. One judgement
 * for pii and internal-infra (notAnAddress): a configured range that holds `8.0.0.0` or `2.5.4.3`
 * must not make a version or an OID an internal address.
 */
const NOT_AN_ADDRESS_BEFORE =
  /(?:§\s*|(?<![A-Za-z])(?:section|sect|sec|step|chapter|clause)[-\s.:]\s*|(?<![A-Za-z])(?:v|ver|version)\s*[=:]?\s*["']?|\boids?\b[^\n]*)$/i;
/** A .NET-style assembly or package name, a dotted name with a capitalised part, then a space. */
const ASSEMBLY_BEFORE = /(?:^|[\s"'(,=])[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*\.[A-Z]\w*[ \t]$/;
const OID_ARC = /^(?:1\.2\.840|2\.5\.(?:4|29)|1\.3\.(?:6|101|132|14))\./;
/**
 * A spec step number opening a line or comment (`// 7.6.3.1`, `7.6.3.1. Let x be …`): parts of at
 * most 30, at a line start, then the line's end, a full stop or a capitalised word. Never 10/8 or
 * one of the public resolvers (`// 8.8.4.4`, `# 1.1.1.1`).
 */
const RESOLVERS: ReadonlySet<string> = new Set(['1.1.1.1', '1.0.0.1', '8.8.8.8', '8.8.4.4', '9.9.9.9', '4.2.2.1', '4.2.2.2']);
const STEP_LINE_START = /(?:^|\n)[ \t]*(?:(?:\/\/|#|\*|--|;)[ \t]*)?$/;
const STEP_AFTER = /^(?:\.?[ \t]*(?:$|\n)|\.?[ \t]+[A-Z])/;

/** An IPv4 match that is a version, section or step number, or OID by its context, not an address. */
export function notAnAddress(text: string, ip: IpMatch): boolean {
  const quad = text.slice(ip.start, ip.end);
  if (OID_ARC.test(quad)) return true;
  const before = text.slice(Math.max(0, ip.start - 64), ip.start);
  if (NOT_AN_ADDRESS_BEFORE.test(before) || ASSEMBLY_BEFORE.test(before)) return true;
  const [a = 0] = ip.bytes;
  return ip.bytes.every((x) => x <= 30) && a !== 10 && a !== 0 && !RESOLVERS.has(quad)
    && STEP_LINE_START.test(before) && STEP_AFTER.test(text.slice(ip.end, ip.end + 3));
}

export interface Cidr { version: 4 | 6; bytes: number[]; prefix: number; source: string }

/** "10.0.0.0/8", "fd00::/8", or a bare address (a /32 or /128). Null when malformed. */
export function parseCidr(s: string): Cidr | null {
  const [addr = '', bits, extra] = s.trim().split('/');
  if (extra !== undefined) return null;
  const v4 = parseIPv4(addr);
  const bytes = v4 ?? parseIPv6(addr);
  if (!bytes) return null;
  const max = bytes.length * 8;
  const prefix = bits === undefined ? max : /^\d{1,3}$/.test(bits) ? Number(bits) : NaN;
  if (!(prefix >= 0 && prefix <= max)) return null;
  return { version: v4 ? 4 : 6, bytes, prefix, source: s.trim() };
}

export function inCidr(bytes: readonly number[], c: Cidr): boolean {
  if (bytes.length !== c.bytes.length) return false;
  let bits = c.prefix;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if (((bytes[i] ?? 0) & mask) !== ((c.bytes[i] ?? 0) & mask)) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// The detector

type Internal = NonNullable<DetectOptions['internal']>;
interface Compiled {
  domains: RegExp | null; hosts: RegExp | null; users: RegExp | null; cidrs: Cidr[];
  /**
   * Every configured name in one alternation, tested first: most texts hold none, and one pass
   * costs about a third of the three per-kind passes it saves (measured, bench/engine.ts).
   */
  anyName: RegExp | null;
  /** The names, lower-case, for the secrets detector's keyword automaton (null: some is not ASCII). */
  names: string[] | null;
  /** Shortest name of each list: a text shorter than it cannot match (most segments are a few characters). */
  minDomain: number; minHost: number; minUser: number;
}

const cache = new WeakMap<Internal, Compiled>();
const HOST_CHAR = /[\w-]/;
const clean = (xs: readonly string[] | undefined, norm: (s: string) => string): string[] =>
  [...new Set((xs ?? []).map((x) => (typeof x === 'string' ? norm(x.trim()) : '')).filter((x) => x !== ''))]
    .sort((a, b) => b.length - a.length); // longest first so alternation prefers the fullest name

function compile(internal: Internal): Compiled {
  const hit = cache.get(internal);
  if (hit) return hit;
  const domains = clean(internal.domains, (d) => d.toLowerCase().replace(/^\*?\./, '').replace(/\.$/, ''));
  const hosts = clean(internal.hosts, (h) => h.toLowerCase().replace(/\.$/, ''));
  const users = clean(internal.users, (u) => u);
  const alt = (xs: string[]): string => xs.map(escape).join('|');
  const all = [...domains, ...hosts, ...users];
  const compiled: Compiled = {
    // Suffix: the domain, not followed by more host characters; the left edge is checked in code.
    // '_' counts as a name character on both sides: VAULT_ADDR is an identifier, not the host vault.
    domains: domains.length ? new RegExp(`(?:${alt(domains)})(?![\\w-]|\\.[A-Za-z0-9])`, 'gi') : null,
    // Hosts and users: the left edge ((?<![\w.-]) and (?<![A-Za-z0-9_])) is checked in code by
    // execLeft; a leading lookbehind kept irregexp from its fast literal search.
    hosts: hosts.length ? new RegExp(`(?:${alt(hosts)})(?![\\w-]|\\.[A-Za-z0-9])`, 'gi') : null,
    users: users.length ? new RegExp(`(?:${alt(users)})(?![A-Za-z0-9_])`, 'gi') : null,
    anyName: all.length > 0 ? new RegExp(alt(all), 'i') : null,
    names: all.some((x) => /[^\x00-\x7f]/.test(x)) ? null : [...new Set(all.map((x) => x.toLowerCase()))],
    cidrs: (internal.cidrs ?? []).map((c) => (typeof c === 'string' ? parseCidr(c) : null)).filter((c): c is Cidr => c !== null),
    // Literal alternatives matched case-insensitively without /u: a match is as long as its name.
    minDomain: Math.min(...domains.map((x) => x.length)),
    minHost: Math.min(...hosts.map((x) => x.length)),
    minUser: Math.min(...users.map((x) => x.length)),
  };
  cache.set(internal, compiled);
  return compiled;
}

const isWordUnit = (c: number): boolean => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;
const isHostUnit = (c: number): boolean => isWordUnit(c) || c === 0x2e || c === 0x2d;

/**
 * Next match of `re` whose preceding code unit is not `left` (or that starts the text): the same
 * matches as the regex with a leading negative lookbehind, which irregexp would test at every
 * position. A match refused for its left edge is retried one position later, as the regex would.
 */
function execLeft(re: RegExp, text: string, left: (c: number) => boolean): RegExpExecArray | null {
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (m.index === 0 || !left(text.charCodeAt(m.index - 1))) return m;
    re.lastIndex = m.index + 1;
  }
  return null;
}

function domainHits(text: string, re: RegExp, out: Hit[]): void {
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    let start = m.index;
    const before = text[start - 1];
    if (before !== undefined && HOST_CHAR.test(before)) continue; // "notcorp.example.com"
    if (before === '.') {
      while (start > 0 && /[A-Za-z0-9.-]/.test(text[start - 1] as string)) start--;
      while (text[start] === '.' || text[start] === '-') start++;
    }
    out.push({ rule: 'internal-domain', start, end: m.index + m[0].length, confidence: 0.9, detail: `host under internal domain ${m[0].toLowerCase()}`, tags: ['internal-infra'] });
  }
}

function scan(text: string, c: Compiled, memo: SegmentMemo | undefined): Hit[] {
  const out: Hit[] = [];
  const tags = ['internal-infra'];
  // exec loops, not matchAll (a regex clone per call); the alternatives are never empty.
  const n = text.length;
  // The secrets detector's automaton already looked for the names (a superset test: it folds ASCII
  // case and aliases other units); without its answer, one regex pass.
  const names = c.anyName !== null && (memo?.internalNames ?? c.anyName.test(text));
  if (names && c.hosts && n >= c.minHost) {
    c.hosts.lastIndex = 0;
    for (let m = execLeft(c.hosts, text, isHostUnit); m !== null; m = execLeft(c.hosts, text, isHostUnit)) {
      out.push({ rule: 'internal-host', start: m.index, end: m.index + m[0].length, confidence: 0.9, detail: 'internal host name', tags });
    }
  }
  if (names && c.domains && n >= c.minDomain) domainHits(text, c.domains, out);
  if (c.cidrs.length && n >= 3) { // "::1" is the shortest address
    for (const ip of findIpAddresses(text, memo)) {
      const range = c.cidrs.find((r) => inCidr(ip.bytes, r));
      // Asked only of an address in range: most are not, and pii asks the same of every quad.
      if (range && !(ip.version === 4 && notAnAddress(text, ip))) out.push({ rule: 'internal-address', start: ip.start, end: ip.end, confidence: 0.95, detail: `in internal range ${range.source}`, tags });
    }
  }
  if (names && c.users && n >= c.minUser) {
    c.users.lastIndex = 0;
    for (let m = execLeft(c.users, text, isWordUnit); m !== null; m = execLeft(c.users, text, isWordUnit)) {
      out.push({ rule: 'internal-user', start: m.index, end: m.index + m[0].length, severity: 'low', confidence: 0.7, detail: 'internal user name', tags });
    }
  }
  if (out.length === 0) return out;
  // One finding per span: an exact host wins over its domain (stable sort keeps hosts first).
  out.sort((a, b) => a.start - b.start || b.end - a.end);
  return out.filter((h, i) => {
    const prev = out[i - 1];
    return !prev || prev.start !== h.start || prev.end !== h.end;
  });
}

/**
 * The configured internal names (domains, hosts, users) lower-case, for a keyword automaton that
 * runs anyway; null when there are none or some is not ASCII.
 */
export function internalNames(internal: Internal): readonly string[] | null {
  try {
    const names = compile(internal).names;
    return names !== null && names.length > 0 ? names : null;
  } catch {
    return null;
  }
}

export const internalInfra: Detector = {
  id: 'internal-infra',
  description: 'Organisation-configured internal domains, host names, address ranges and user names',
  severity: 'medium',
  rules: [
    { id: 'internal-domain', description: 'a host under an organisation-configured internal domain' },
    { id: 'internal-host', description: 'an organisation-configured internal host name' },
    { id: 'internal-address', description: 'an IP address inside an organisation-configured internal range (versions, section and step numbers, OIDs excluded, as for pii)' },
    { id: 'internal-user', description: 'an organisation-configured internal user name' },
  ],
  detect(text: string, ctx: DetectContext): Hit[] {
    const internal = ctx.options.internal;
    if (!internal) return [];
    try {
      const c = compile(internal);
      if (!c.domains && !c.hosts && !c.users && c.cidrs.length === 0) return [];
      return scan(text, c, ctx.memo);
    } catch {
      return []; // malformed configuration (e.g. a non-array) must not take the exchange down
    }
  },
};

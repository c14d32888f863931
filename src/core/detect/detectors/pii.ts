// pii: personal data in prompts — e-mail addresses, phone numbers, payment cards (Luhn), IBANs
// (mod 97), US SSNs, Chinese resident identity numbers (ISO 7064 MOD 11-2), UK National Insurance
// numbers, and IP addresses (public ones as 'ip-address'; private, loopback, link-local and CGNAT
// ones as 'internal-ip', tagged internal-infra).
//
// False-positive policy: every numeric rule demands a format (separators, prefixes) or a check digit,
// and never matches inside a longer alphanumeric run, so UUIDs, git SHAs, hex hashes, timestamps
// and numbers in code do not match. A dotted quad after a version keyword or pin operator
// (`version: "1.2.3.4"`, `build 10.0.19041.1`, `pkg@1.2.3.4`) is a version, not an address.
// E-mail addresses may be internationalised (RFC 6531 local parts, IDN labels and top-level
// domains: josé@münchen.de, 用户@例子.广告); an @ mention, a scope or a decorator has no address shape.
// Reserved example data is not personal: RFC 2606 domains (example.com, .test, .invalid…) and the
// RFC 5737 documentation networks are skipped, and so are documented test and fiction values (see
// "Placeholders" below: issuers' test cards, textbook IBANs, the SSA's sample SSNs, NANP 555-01xx
// and Ofcom's drama ranges).
import type { Severity } from '../../types.ts';
import type { DetectContext, Detector, Hit, IpMatch, SegmentMemo, Triggers } from '../types.ts';
import { compileAllow } from '../secrets/placeholder.ts';
import { findIpAddresses, IP_TRIGGERS, notAnAddress } from './internal-infra.ts';
import { compileTriggers, nativeAvailable, piiTriggerDatabase, triggersPerText, type TriggerDb, type TriggerPattern } from '../native.ts';

/** Like matchAll without its per-call RegExp clone, which dominated the cost on short windows. */
function each(re: RegExp, s: string, f: (m: RegExpExecArray) => void): void {
  re.lastIndex = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    f(m);
    if (m[0] === '') re.lastIndex++;
  }
}

interface Found { rule: string; start: number; end: number; severity: Severity; confidence: number; detail: string; priority: number }
const PII = ['pii'];

// ---------------------------------------------------------------------------------------------
// Placeholders: values published to be used in tests, documentation and fiction. They have a valid
// format and check digit on purpose, fill test suites and docs, and belong to nobody.

/** Payment networks' and processors' (Stripe, Adyen, Braintree, PayPal) documented test cards. */
const TEST_CARDS: ReadonlySet<string> = new Set([
  '4242424242424242', '4000056655665556', '5555555555554444', '2223003122003222', '5200828282828210',
  '5105105105105100', '378282246310005', '371449635398431', '6011111111111117', '6011000990139424',
  '6011981111111113', '3056930009020004', '36227206271667', '30569309025904', '38520000023237',
  '3566002020360505', '3530111333300000', '6200000000000005', '4111111111111111', '4012888888881881',
  '4222222222222', '5454545454545454', '4000002500003155', '4000002760003184', '4000003800000446',
  '4000000000009995', '4000000000003220', '4000000000000077', '4917610000000000', '4012000033330026',
]);
/** A documented test card, or a number no issuer prints: eight equal digits in a row (4000000000000002). */
function isTestCard(digits: string): boolean {
  return TEST_CARDS.has(digits) || /(\d)\1{7}/.test(digits);
}

/** Textbook IBANs (ECBS, Wikipedia, bank documentation), compact. */
const TEST_IBANS: ReadonlySet<string> = new Set([
  'DE89370400440532013000', 'GB82WEST12345698765432', 'GB29NWBK60161331926819', 'NL91ABNA0417164300',
  'CH9300762011623852957', 'AT611904300234573201', 'BE68539007547034',
]);

/** SSNs that appear on sample cards or are the universal placeholder (078-05-1120, 219-09-9999, 123-45-6789). */
const TEST_SSNS: ReadonlySet<string> = new Set(['078051120', '219099999', '123456789']);

/**
 * Numbers reserved for fiction. NANP: 555-0100 to 555-0199 in every area code. UK (Ofcom drama
 * numbers): 0113–0118, 0121, 0131, 0141, 0151, 0161 496 0xxx; 020 7946 0xxx; 029 2018 0xxx;
 * 028 9649 6xxx; 01632 960xxx; 07700 900xxx; 08081 570xxx; 0909 8790xxx; 03069 990xxx.
 * `digits` are all digits of the match, with the country code if it had one.
 */
const UK_DRAMA = /^0(?:11[3-8]4960|1[2-6]14960|2079460|2920180|2896496|1632960|7700900|8081570|9098790|3069990)/;
function isFictionalPhone(digits: string, international: boolean): boolean {
  let national = digits;
  if (international || (digits.length === 11 && digits[0] === '1')) {
    if (digits[0] === '1') national = digits.slice(1);
    else if (digits.startsWith('44')) return UK_DRAMA.test('0' + digits.slice(2).replace(/^0/, ''));
    else return false;
  }
  if (national.length === 10 && national[0] !== '0' && national.slice(3, 8) === '55501') return true;
  return UK_DRAMA.test(national);
}

// ---------------------------------------------------------------------------------------------
// E-mail

const DOMAIN = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{2,59})$/;
/**
 * An internationalised domain (RFC 5890): labels of letters, marks and digits of any script, the
 * top-level label ASCII as above or one of IDN_TLDS (checked before: it is cut to one).
 */
const IDN_DOMAIN = /^(?:[\p{L}\p{Nd}](?:[\p{L}\p{M}\p{Nd}-]{0,61}[\p{L}\p{M}\p{Nd}])?\.)+(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{2,59}|[^\x00-\x7f]{1,30})$/u;
// ICANN reserved .internal for private use (2024), RFC 8375 .home.arpa.
const RESERVED_DOMAIN = /(?:^|\.)(?:example\.(?:com|net|org)|example|test|invalid|localhost|local|internal|home\.arpa)$/i;
// "icon@2x.png", "logo@3x.webp": asset names, not addresses.
const FILE_TLD = /\.(?:png|jpe?g|gif|svg|webp|ico|js|mjs|ts|tsx|css|json|map|md|txt|html?)$/i;

/**
 * Non-ASCII top-level domains in the root zone (IDN ccTLDs and gTLDs; the common ones of each
 * script), and the test TLDs of IANA's IDN evaluation, reserved like .test (例子.测试 …). A label in
 * a script written without spaces runs into the prose after it (`用户@例子.广告谢谢`): the address
 * ends with the longest of these its last label begins with, and one that begins with none is not
 * an address (a mention `@张三.李四` is not).
 */
const IDN_TLDS: ReadonlySet<string> = new Set((
  '中国 中國 香港 台湾 台灣 新加坡 澳門 公司 网络 網絡 网址 网店 网站 商城 商店 商标 在线 广告 移动 集团 游戏 企业 ' +
  '娱乐 手机 信息 中文网 我爱你 时尚 微博 佛山 慈善 政务 健康 八卦 联通 点看 嘉里 珠宝 天主教 政府 书籍 机构 ' +
  '组织机构 购物 招聘 工行 家電 大拿 餐厅 食品 通販 世界 みんな コム クラウド ストア ファッション ポイント セール ' +
  '한국 닷컴 닷넷 삼성 рф бг бел срб мкд укр қаз мон рус сайт онлайн орг ком дети москва католик ελ ευ ' +
  'السعودية امارات مصر المغرب الاردن الجزائر تونس سوريا فلسطين قطر عمان البحرين عراق ایران بھارت پاکستان مليسيا ' +
  'موقع شبكة بازار كوم عرب ابوظبي همراه קום ישראל भारत भारतम् भारोत ভারত ভাৰত ਭਾਰਤ ભારત ଭାରତ இந்தியா భారత్ ಭಾರತ ' +
  'ഭാരതം ලංකා இலங்கை சிங்கப்பூர் বাংলা संगठन कॉम नेट ไทย გე հայ'
).split(' '));
const IDN_TEST_TLDS: ReadonlySet<string> = new Set('测试 測試 テスト 테스트 испытание δοκιμή परीक्षा பரிட்சை آزمایشی إختبار טעסט'.split(' '));
const MAX_IDN_TLD = Math.max(...[...IDN_TLDS].map((t) => t.length));

/**
 * Which run of address characters a code unit belongs to: 0 none, 1 ASCII and the scripts written
 * with spaces (josé, münchen, пример), 2 the scripts written without (Han, kana, Thai…). A local
 * part or a domain label is one run: `请联系alice@qq.com谢谢` holds alice@qq.com, and a QQ number
 * after Chinese prose stays the whole local part (`请联系123456@qq.com`). Non-ASCII units are
 * classified once (a table filled on first sight); astral letters are not taken.
 */
const UNSPACED = /[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}\p{scx=Thai}\p{scx=Lao}\p{scx=Khmer}\p{scx=Myanmar}]/u;
const IDN_LETTER = /[\p{L}\p{M}\p{Nd}]/u;
const WIDE_KIND = new Uint8Array(0x10000); // 0 unseen, else kind + 1
function wideKind(c: number): number {
  let k = WIDE_KIND[c]!;
  if (k === 0) {
    const ch = String.fromCharCode(c);
    k = WIDE_KIND[c] = (c >= 0xd800 && c <= 0xdfff) || !IDN_LETTER.test(ch) ? 1 : UNSPACED.test(ch) ? 3 : 2;
  }
  return k - 1;
}
const isAsciiAlnum = (c: number): boolean => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
/** [A-Za-z0-9._%+-] and the non-ASCII letters, marks and digits. */
const localKind = (c: number): number =>
  c < 0x80 ? (isAsciiAlnum(c) || c === 0x2e || c === 0x5f || c === 0x25 || c === 0x2b || c === 0x2d ? 1 : 0) : wideKind(c);
/** A label character: [A-Za-z0-9-] and the non-ASCII letters, marks and digits ('.' is handled apart). */
const labelKind = (c: number): number => (c < 0x80 ? (isAsciiAlnum(c) || c === 0x2d ? 1 : 0) : wideKind(c));

// Machine senders (commit trailers, notification footers) are not a person, and neither are
// forges' privacy addresses (12345678+jdoe@users.noreply.github.com).
const NO_REPLY = /^(?:no-?reply|do-?not-?reply)(?:\+.*)?$/i;
const NO_REPLY_DOMAIN = /(?:^|\.)no-?reply\./i;
/** A remote-login command whose argument `user@host` is (no `:` `,` `;` … between): a login, not an e-mail address. */
const LOGIN_HINT = /ssh|scp|sftp|rsync|mosh/;
const LOGIN_COMMAND = /(?:^|[\s;&|(`$])(?:ssh|scp|sftp|rsync|mosh|autossh|ssh-copy-id)\s[^\n;&|:,<>]{0,120}$/;

function emails(text: string, out: Found[]): void {
  for (let at = text.indexOf('@'); at !== -1; at = text.indexOf('@', at + 1)) {
    const kind = at > 0 ? localKind(text.charCodeAt(at - 1)) : 0;
    if (kind === 0) continue;
    let wide = false;
    let s = at;
    for (; s > 0 && at - s < 64; s--) {
      const c = text.charCodeAt(s - 1);
      if (localKind(c) !== kind) break;
      if (c >= 0x80) wide = true;
    }
    while (text[s] === '.') s++;
    // Each label is one run (a dot starts the next): `中文.com`, `münchen.de`, not `qq.com谢谢`.
    let e = at + 1;
    for (let label = 0; e < text.length && e - at <= 253; e++) {
      const c = text.charCodeAt(e);
      if (c === 0x2e) {
        label = 0;
        continue;
      }
      const k = labelKind(c);
      if (k === 0 || (label !== 0 && k !== label)) break;
      label = k;
      if (c >= 0x80) wide = true;
    }
    while (e > at + 1 && (text[e - 1] === '.' || text[e - 1] === '-')) e--;
    const local = text.slice(s, at);
    let domain = text.slice(at + 1, e);
    if (wide) {
      const dot = domain.lastIndexOf('.');
      const tld = domain.slice(dot + 1);
      if (dot > 0 && tld.charCodeAt(0) >= 0x80) {
        let n = Math.min(tld.length, MAX_IDN_TLD);
        while (n > 0 && !IDN_TLDS.has(tld.slice(0, n)) && !IDN_TEST_TLDS.has(tld.slice(0, n))) n--;
        if (n === 0 || IDN_TEST_TLDS.has(tld.slice(0, n))) continue;
        e = at + 1 + dot + 1 + n;
        domain = text.slice(at + 1, e);
      }
    }
    if (local === '' || local.endsWith('.') || local.includes('..') || !(wide ? IDN_DOMAIN : DOMAIN).test(domain)) continue;
    if (RESERVED_DOMAIN.test(domain) || FILE_TLD.test(domain) || local === 'git' || NO_REPLY.test(local) || NO_REPLY_DOMAIN.test(domain)) continue;
    // scp/rsync targets (user@host:/path, user@host:~/x) and ssh command lines are logins.
    if (text.charCodeAt(e) === 0x3a && (text.charCodeAt(e + 1) === 0x2f || text.charCodeAt(e + 1) === 0x7e)) continue;
    const head = text.slice(Math.max(0, s - 200), s);
    if (LOGIN_HINT.test(head) && LOGIN_COMMAND.test(head.slice(head.lastIndexOf('\n') + 1))) continue;
    // user:password@host inside a URL is a credential in an authority, not an e-mail address.
    const tokenStart = Math.max(text.lastIndexOf(' ', s), text.lastIndexOf('\n', s)) + 1;
    if (text.slice(tokenStart, s).includes('://')) continue;
    out.push({ rule: 'email', start: s, end: e, severity: 'medium', confidence: 0.95, detail: 'e-mail address', priority: 9 });
  }
}

// ---------------------------------------------------------------------------------------------
// Phone numbers. Each pattern refuses to start or end inside a longer run of digits groups.

const B = '(?<![\\w+./-]|\\d[ .\\/-])'; // left boundary
const E = '(?![\\w]|[ .\\/-]\\d)'; // right boundary
const PHONES: Array<{ re: RegExp; what: string; confidence: number; digits: [number, number] }> = [
  { re: new RegExp(`(?<![\\w+)\\]])\\+[1-9]\\d{0,2}(?:[ .-]?\\(?\\d{1,4}\\)?){2,6}${E}`, 'g'), what: 'international (E.164)', confidence: 0.85, digits: [8, 15] },
  { re: new RegExp(`${B}(?:1[ .-]?)?(?:\\([2-9]\\d{2}\\) ?[2-9]\\d{2}[-. ]\\d{4}|[2-9]\\d{2}([-.])[2-9]\\d{2}\\1\\d{4})${E}`, 'g'), what: 'North American', confidence: 0.85, digits: [10, 11] },
  { re: new RegExp(`${B}0(?:[1-3]\\d \\d{4} \\d{4}|1\\d{2} \\d{3} \\d{4}|1\\d{3} \\d{5,6}|7\\d{3} ?\\d{6})${E}`, 'g'), what: 'UK', confidence: 0.75, digits: [10, 11] },
  { re: new RegExp(`${B}(?:\\(0[1-9]\\d{1,4}\\) ?|0[1-9]\\d{1,4}[ /-])\\d{3,8}(?:[ -]\\d{1,5})?${E}|${B}01[5-7]\\d{8,9}${E}`, 'g'), what: 'German', confidence: 0.6, digits: [10, 12] },
  { re: new RegExp(`${B}0[1-9](?:([ .-])\\d{2}(?:\\1\\d{2}){3}|(?<=0[67])\\d{8})${E}`, 'g'), what: 'French', confidence: 0.75, digits: [10, 10] },
  { re: new RegExp(`${B}1[3-9]\\d(?:\\d{8}|([ -])\\d{4}\\1\\d{4})${E}`, 'g'), what: 'mainland China mobile', confidence: 0.7, digits: [11, 11] },
];

/** Before a French-looking run of pairs: a Node Buffer or another hex byte (`<Buffer 0a 01 02 …`). */
const BYTES_BEFORE = /<Buffer(?: [0-9a-f]{2})* $|(?:^|\s)(?=[a-f]?\d)[0-9a-f]{2} $/;
const BYTE_AFTER = /^ [0-9a-f]{2}(?![\w])/;

function phones(w: Window, text: string, out: Found[]): void {
  for (const p of PHONES) {
    each(p.re, w.text, (m) => {
      const digits = m[0].replace(/\D/g, '');
      const n = digits.length;
      if (n < p.digits[0] || n > p.digits[1] || !w.owns(m.index)) return;
      if (isFictionalPhone(digits, m[0].charCodeAt(0) === 0x2b)) return;
      if (p.what === 'French') {
        const at = w.offset + m.index;
        const end = at + m[0].length;
        if (BYTES_BEFORE.test(text.slice(Math.max(0, at - 32), at)) || BYTE_AFTER.test(text.slice(end, end + 4))) return;
      }
      out.push({ rule: 'phone', start: w.offset + m.index, end: w.offset + m.index + m[0].length, severity: 'medium', confidence: p.confidence, detail: `${p.what} phone number`, priority: 3 });
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Payment cards: 13–19 digits in the usual groupings, a known issuer range, and the Luhn check.

const CARD = /(?<![\w.+-]|\d[ -])\d{4}(?:([ -]?)\d{4,6})(?:\1\d{1,5}){1,3}(?![\w]|[ -]\d)|(?<![\w.+-])\d{13,19}(?![\w])/g;
const NETWORKS: Array<[RegExp, string, number[]]> = [
  [/^4/, 'Visa', [13, 16, 19]],
  [/^(?:5[1-5]|222[1-9]|22[3-9]\d|2[3-6]\d\d|27[01]\d|2720)/, 'Mastercard', [16]],
  [/^3[47]/, 'American Express', [15]],
  [/^3(?:0[0-5]|[689])/, 'Diners Club', [14, 15, 16, 17, 18, 19]],
  [/^6(?:011|4[4-9]|5)/, 'Discover', [16, 17, 18, 19]],
  [/^35(?:2[89]|[3-8]\d)/, 'JCB', [16, 17, 18, 19]],
  [/^(?:62|81)/, 'UnionPay', [16, 17, 18, 19]],
  [/^220[0-4]/, 'Mir', [16, 17, 18, 19]],
  [/^(?:5[06-8]|6\d)/, 'Maestro', [12, 13, 14, 15, 16, 17, 18, 19]],
];

export function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1 && (d *= 2) > 9) d -= 9;
    sum += d;
  }
  return sum % 10 === 0;
}

/**
 * The label a number is the value of (`trace_id=`, `"orderId": "`, `ts: `), lower-cased, or ''.
 * Only the end of the text before the number is looked at.
 */
const LABEL_BEFORE = /([A-Za-z_][\w.-]{0,40})["']?\s{0,3}[:=]\s{0,3}["']?$/;
const CARD_LABEL = /card|(?:^|[^a-z])(?:cc|pan|ccnum|credit|debit)(?:[^a-z]|$)/;
const ID_LABEL = /(?:^|[^a-z])(?:id|ids|uid|uuid|guid|trace|traceid|span|spanid|parent|request|requestid|req|reqid|order|orderid|txn|txid|tx|transaction|ts|timestamp|time|seq|sequence|nonce|event|msg|message|session|job|run|build|ref|key|idx|index|offset|serial|snowflake)(?:[^a-z]|$)|id$/;

/** The number is the value of an id-like label (and not of a card-like one): an identifier, not a card. */
function idLabelled(text: string, at: number): boolean {
  const m = LABEL_BEFORE.exec(text.slice(Math.max(0, at - 48), at));
  if (m === null) return false;
  // camelCase to words: traceId → trace_id
  const label = m[1]!.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
  return !CARD_LABEL.test(label) && ID_LABEL.test(label);
}

function cards(w: Window, text: string, out: Found[]): void {
  each(CARD, w.text, (m) => {
    if (!w.owns(m.index)) return;
    const digits = m[0].replace(/\D/g, '');
    const groups = m[0].split(/[ -]/).map((g) => g.length).join('-');
    // Printed groupings: 4-4-4-4(-3), 4-6-5 (Amex), 4-6-4 (Diners), or no separators at all.
    if (groups.includes('-') && !/^4-4-4-(?:4|4-[1-3]|1)$|^4-6-[45]$|^4-4-4-4-4$/.test(groups)) return;
    const network = NETWORKS.find(([re, , lengths]) => re.test(digits) && lengths.includes(digits.length));
    if (!network || !luhn(digits) || /^(\d)\1+$/.test(digits) || isTestCard(digits)) return;
    if (idLabelled(text, w.offset + m.index)) return;
    out.push({ rule: 'payment-card', start: w.offset + m.index, end: w.offset + m.index + m[0].length, severity: 'high', confidence: 0.85, detail: `${network[1]} card number (Luhn valid)`, priority: 7 });
  });
}

// ---------------------------------------------------------------------------------------------
// IBAN: per-country length (ISO 13616 registry) and the mod-97 check.

const IBAN_LENGTHS: Record<string, number> = Object.fromEntries(
  ('AD24 AE23 AL28 AT20 AZ28 BA20 BE16 BG22 BH22 BI27 BR29 BY28 CH21 CR22 CY28 CZ24 DE22 DJ27 DK18 DO28 ' +
    'EE20 EG29 ES24 FI18 FK18 FO18 FR27 GB22 GE22 GI23 GL18 GR27 GT28 HN28 HR21 HU28 IE22 IL23 IQ23 IS26 IT27 ' +
    'JO30 KW30 KZ20 LB28 LC32 LI21 LT20 LU20 LV21 LY25 MC27 MD24 ME22 MK19 MN20 MR27 MT31 MU30 NI28 NL18 NO15 ' +
    'OM23 PK24 PL28 PS29 PT25 QA29 RO24 RS22 RU33 SA24 SC31 SD18 SE24 SI19 SK24 SM27 SO23 ST25 SV28 TL23 TN24 ' +
    'UA29 VA22 VG24 XK20 YE30').split(' ').map((x) => [x.slice(0, 2), Number(x.slice(2))]),
);
const IBAN_START = /[A-Z]{2}\d{2}(?= ?[A-Z0-9])/g; // left boundary checked in code: faster scan

export function ibanValid(iban: string): boolean {
  const moved = iban.slice(4) + iban.slice(0, 4);
  let rem = 0;
  for (const ch of moved) {
    const v = ch >= 'A' ? ch.charCodeAt(0) - 55 : ch.charCodeAt(0) - 48;
    rem = (v > 9 ? rem * 100 + v : rem * 10 + v) % 97;
  }
  return rem === 1;
}

function ibans(text: string, out: Found[], trig: Triggers | undefined): void {
  if (trig === undefined) {
    each(IBAN_START, text, (m) => ibanAt(text, m.index, m[0], out));
    return;
  }
  // Native candidates end after 'CCdd' plus an optional space and one more character.
  for (let h = trig.from; h < trig.to; h += 4) {
    if (trig.quads[h + 1] !== T_IBAN) continue;
    const e = trig.quads[h + 2]!;
    for (const at of [e - 6, e - 5]) {
      if (at < 0) continue;
      IBAN_AT.lastIndex = at;
      const m = IBAN_AT.exec(text);
      if (m !== null) ibanAt(text, at, m[0], out);
    }
  }
}

const IBAN_AT = new RegExp(IBAN_START.source, 'y');

function ibanAt(text: string, index: number, head: string, out: Found[]): void {
  if (index > 0 && /[A-Za-z0-9]/.test(text[index - 1] as string)) return;
  const want = IBAN_LENGTHS[head.slice(0, 2)];
  if (want === undefined) return;
  let compact = head;
  let i = index + 4;
  while (compact.length < want && i < text.length) {
    const c = text[i] as string;
    if (/[A-Z0-9]/.test(c)) compact += c;
    else if (c !== ' ' || text[i - 1] === ' ') break;
    i++;
  }
  if (compact.length !== want || /[A-Za-z0-9]/.test(text[i] ?? '') || !ibanValid(compact) || TEST_IBANS.has(compact)) return;
  out.push({ rule: 'iban', start: index, end: i, severity: 'high', confidence: 0.95, detail: `IBAN (${head.slice(0, 2)}, mod-97 valid)`, priority: 8 });
}

// ---------------------------------------------------------------------------------------------
// National identifiers

const SSN = /(?<![\w-]|\d[ -])(\d{3})-(\d{2})-(\d{4})(?![\w]|-\d)|(?<![\w-])(\d{3}) ?(\d{2}) ?(\d{4})(?![\w]|[ -]\d)/g;
const SSN_KEYWORD = /\b(?:ssn|social security(?: (?:number|no\.?|#))?)\s*[:#=]?\s*(?:is\s+)?$/i;

function ssns(w: Window, text: string, out: Found[]): void {
  each(SSN, w.text, (m) => {
    if (!w.owns(m.index)) return;
    const at = w.offset + m.index;
    const dashed = m[1] !== undefined;
    const [area = '', group = '', serial = ''] = dashed ? [m[1], m[2], m[3]] : [m[4], m[5], m[6]];
    // Undashed nine digits are everywhere; only take them right after an SSN keyword.
    if (!dashed && !SSN_KEYWORD.test(text.slice(Math.max(0, at - 32), at))) return;
    // SSA rules: area not 000, 666 or 900–999; group not 00; serial not 0000. The two numbers
    // printed on sample cards (078-05-1120, 219-09-9999) were voided; 123-45-6789 is a placeholder.
    if (area === '000' || area === '666' || area[0] === '9' || group === '00' || serial === '0000') return;
    if (TEST_SSNS.has(area + group + serial)) return;
    out.push({ rule: 'us-ssn', start: at, end: at + m[0].length, severity: 'high', confidence: dashed ? 0.8 : 0.9, detail: 'US Social Security number', priority: 5 });
  });
}

const CN_ID = /(?<![\w])[1-8]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![\w])/g;
const CN_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/** GB 11643-1999: ISO 7064 MOD 11-2 over the first 17 digits, check character 0–9 or X. */
export function cnIdValid(id: string): boolean {
  const y = Number(id.slice(6, 10));
  const mo = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (id.charCodeAt(i) - 48) * (CN_WEIGHTS[i] ?? 0);
  return '10X98765432'[sum % 11] === (id[17] as string).toUpperCase();
}

function cnIds(w: Window, out: Found[]): void {
  each(CN_ID, w.text, (m) => {
    if (!w.owns(m.index) || !cnIdValid(m[0])) return;
    out.push({ rule: 'cn-resident-id', start: w.offset + m.index, end: w.offset + m.index + m[0].length, severity: 'high', confidence: 0.95, detail: 'Chinese resident identity number (check digit valid)', priority: 6 });
  });
}

// HMRC: first letter not D F I Q U V; second not D F I O Q U V; BG GB KN NK NT TN ZZ never issued.
const NINO = /(?<![\w])(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z](?: ?\d{2}){3} ?[A-D](?![\w])/g;

function ninoAt(out: Found[], index: number, len: number): void {
  out.push({ rule: 'uk-nino', start: index, end: index + len, severity: 'high', confidence: 0.8, detail: 'UK National Insurance number', priority: 4 });
}

function ninos(text: string, out: Found[], trig: Triggers | undefined): void {
  if (trig === undefined) {
    each(NINO, text, (m) => ninoAt(out, m.index, m[0].length));
    return;
  }
  // A native candidate ends at the suffix letter, 9 to 13 units after the start (optional spaces).
  let done = -1;
  for (let h = trig.from; h < trig.to; h += 4) {
    if (trig.quads[h + 1] !== T_NINO) continue;
    const e = trig.quads[h + 2]!;
    for (let at = Math.max(done, e - 13); at <= e - 9; at++) {
      NINO_AT.lastIndex = at;
      const m = NINO_AT.exec(text);
      if (m === null) continue;
      ninoAt(out, at, m[0].length);
      done = at + m[0].length;
      break;
    }
  }
}

const NINO_AT = new RegExp(NINO.source, 'y');

// ---------------------------------------------------------------------------------------------
// IP addresses

/** Internal ranges (rule 'internal-ip'), reserved ranges (null: not reported), or 'public'. */
function classifyIp(ip: IpMatch): { kind: 'internal' | 'public'; what: string; severity: Severity } | null {
  const b = ip.bytes;
  const [a = 0, b1 = 0, c = 0] = b;
  if (ip.version === 6) {
    const isMapped = b.slice(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff;
    if (isMapped) return classifyIp({ ...ip, version: 4, bytes: b.slice(12) });
    if (b.slice(0, 15).every((x) => x === 0)) return b[15] === 1 ? { kind: 'internal', what: 'IPv6 loopback', severity: 'info' } : null;
    if (a === 0xfe && (b1 & 0xc0) === 0x80) return { kind: 'internal', what: 'IPv6 link-local (fe80::/10)', severity: 'medium' };
    if ((a & 0xfe) === 0xfc) return { kind: 'internal', what: 'IPv6 unique local (fc00::/7)', severity: 'medium' };
    if (a === 0x20 && b1 === 0x01 && b[2] === 0x0d && b[3] === 0xb8) return null; // 2001:db8::/32 documentation
    return (a & 0xe0) === 0x20 ? { kind: 'public', what: 'public IPv6 address', severity: 'low' } : null;
  }
  if (a === 10 || (a === 172 && b1 >= 16 && b1 <= 31) || (a === 192 && b1 === 168)) return { kind: 'internal', what: 'private address (RFC 1918)', severity: 'medium' };
  if (a === 127) return { kind: 'internal', what: 'loopback address', severity: 'info' };
  if (a === 169 && b1 === 254) return { kind: 'internal', what: 'link-local address', severity: 'medium' };
  if (a === 100 && b1 >= 64 && b1 <= 127) return { kind: 'internal', what: 'carrier-grade NAT address (RFC 6598)', severity: 'medium' };
  if (a === 0 || a >= 224) return null; // "this network", multicast, reserved, broadcast, netmasks
  if ((a === 192 && b1 === 0 && c === 2) || (a === 198 && b1 === 51 && c === 100) || (a === 203 && b1 === 0 && c === 113)) return null;
  if (a === 198 && (b1 === 18 || b1 === 19)) return null; // benchmarking (RFC 2544)
  return { kind: 'public', what: 'public IPv4 address', severity: 'low' };
}

function ips(text: string, memo: SegmentMemo | undefined, out: Found[]): void {
  for (const ip of findIpAddresses(text, memo)) {
    if (ip.version === 4 && notAnAddress(text, ip)) continue;
    const cls = classifyIp(ip);
    if (!cls) continue;
    const rule = cls.kind === 'internal' ? 'internal-ip' : 'ip-address';
    out.push({ rule, start: ip.start, end: ip.end, severity: cls.severity, confidence: 0.9, detail: cls.what, priority: 2 });
  }
}

// ---------------------------------------------------------------------------------------------

/**
 * Numeric clusters: seven or more digits joined by at most two separators. Phones, cards, SSNs
 * and Chinese IDs all live inside one, so their patterns run only on a small window around each
 * cluster instead of over the whole text: one fast pass instead of a dozen (see bench/).
 */
const CLUSTER = /(?<![\w.])[+(]?\d(?:[.()/ -]{0,2}\d){6,}/g;
/** Context kept on each side of a cluster: the rule patterns look behind/ahead at most 2 chars. */
const PAD = 2;

/** A slice of the text around one cluster; matches must start inside the cluster itself. */
interface Window { text: string; offset: number; owns: (i: number) => boolean }

function clusterWindow(text: string, start: number, end: number): Window {
  const from = Math.max(0, start - PAD);
  const to = Math.min(text.length, end + PAD);
  return { text: text.slice(from, to), offset: from, owns: (i) => i + from >= start && i + from < end };
}

/**
 * The CLUSTER matches of a text: one regex pass, or only inside the native pass's candidate
 * ranges. The pass reports a chain of digits (at most two separators apart) from its ninth digit
 * on, or from its seventh after a '+': the clusters `scan` can use (9 digits, or a '+'); shorter
 * ones are never reported. A range ends at the last digit of its chain, and the chain starts at
 * most 24 units before the range's first end (eight gaps of three), its '+' or '(' one before.
 * Ranges closer than 30 units are merged, so a window never starts inside a reported chain; an
 * unreported chain it cuts can only give a match that `scan` drops (under nine digits, no '+').
 */
function clusters(text: string, trig: Triggers | undefined): RegExpExecArray[] {
  const out: RegExpExecArray[] = [];
  if (trig === undefined) {
    each(CLUSTER, text, (m) => out.push(m));
    return out;
  }
  for (let h = trig.from; h < trig.to; h += 4) {
    if (trig.quads[h + 1] !== T_CLUSTER) continue;
    const ws = Math.max(0, trig.quads[h + 2]! - 26);
    // One unit of real context before the window, so the look-behind sees what precedes it.
    const from = Math.max(0, ws - 1);
    const sub = text.slice(from, trig.quads[h + 3]! + 1);
    CLUSTER.lastIndex = ws - from;
    for (let m = CLUSTER.exec(sub); m; m = CLUSTER.exec(sub)) {
      m.index += from;
      out.push(m);
    }
  }
  return out;
}

/** The native patterns: superset candidates of CLUSTER, IBAN_START and NINO, then the IP ones. */
const T_CLUSTER = 0;
const T_IBAN = 1;
const T_NINO = 2;
export const PII_TRIGGERS: readonly TriggerPattern[] = [
  // A cluster of nine digits, or seven right after a '+': the fewest `scan` dispatches to a rule.
  { source: '\\+\\d(?:[.()/ \\-]{0,2}\\d){6,}|\\d(?:[.()/ \\-]{0,2}\\d){8}', gap: 30 },
  { source: '[A-Z]{2}\\d{2} ?[A-Z0-9]' },
  { source: '[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z](?: ?\\d{2}){3} ?[A-D]' },
  ...IP_TRIGGERS, // at indices T_IPV4 and T_IPV6 (the parity test fails if they move)
];
let triggerDb: TriggerDb | null | undefined;
/** The addon's built-in matcher of these patterns (native/pii.cc), else them compiled by Hyperscan. */
function piiTriggerDb(): TriggerDb | null {
  if (!nativeAvailable()) return null;
  if (triggerDb === undefined) triggerDb = piiTriggerDatabase() ?? compileTriggers(PII_TRIGGERS);
  return triggerDb;
}

const allowCache = new WeakMap<readonly string[], ((v: string) => boolean) | null>();
function allowFor(list: readonly string[] | undefined): ((v: string) => boolean) | null {
  if (list === undefined || list.length === 0) return null;
  if (!allowCache.has(list)) allowCache.set(list, compileAllow(list));
  return allowCache.get(list) ?? null;
}

function scan(text: string, memo: SegmentMemo | undefined): Found[] {
  const found: Found[] = [];
  if (text.includes('@')) emails(text, found);
  if (!/\d/.test(text)) return found;
  const trig = memo?.piiTriggers;
  for (const m of clusters(text, trig)) {
    // Dispatch on the digit count: most clusters are dates or short numbers that no rule can take.
    let digits = 0;
    for (let k = 0; k < m[0].length; k++) {
      const c = m[0].charCodeAt(k);
      if (c >= 48 && c <= 57) digits++;
    }
    const plus = m[0].charCodeAt(0) === 0x2b;
    if (digits < 9 && !plus) continue;
    const w = clusterWindow(text, m.index, m.index + m[0].length);
    if (plus || digits >= 10) phones(w, text, found);
    if (digits >= 13) cards(w, text, found);
    ssns(w, text, found);
    if (digits >= 17) cnIds(w, found);
  }
  // Shortest possible matches (NO IBAN: 15; NINO: 9): skip the whole-text passes on short texts.
  if (text.length >= 15) ibans(text, found, trig);
  if (text.length >= 9) ninos(text, found, trig);
  ips(text, memo, found);
  // Overlaps: the most specific rule wins (an IBAN's digits are not also a phone number).
  found.sort((a, b) => a.start - b.start || b.priority - a.priority || b.end - a.end);
  const kept: Found[] = [];
  for (const f of found) {
    const last = kept[kept.length - 1];
    if (!last || f.start >= last.end) kept.push(f);
    else if (f.priority > last.priority) kept[kept.length - 1] = f;
  }
  return kept;
}

export const pii: Detector = {
  id: 'pii',
  description: 'Personal data: e-mail, phone, payment card, IBAN, US SSN, Chinese ID, UK NINO, IP addresses',
  severity: 'medium',
  rules: [
    { id: 'email', description: 'e-mail address, internationalised ones too (reserved and IDN test domains, asset names, no-reply senders and forge privacy addresses excluded; ssh/scp/rsync logins are not addresses)' },
    { id: 'phone', description: 'phone number: E.164, US/NANP, UK, DE, FR, mainland-China mobile (NANP 555-01xx and Ofcom drama numbers excluded)' },
    { id: 'payment-card', description: 'payment card number: issuer range, length, grouping and Luhn check (documented test cards and id-labelled numbers excluded)' },
    { id: 'iban', description: 'IBAN: country length and mod-97 check (textbook example IBANs excluded)' },
    { id: 'us-ssn', description: 'US Social Security number (area/group/serial rules; sample and placeholder numbers excluded)' },
    { id: 'cn-resident-id', description: 'Chinese resident identity number: region, birth date, ISO 7064 MOD 11-2 check' },
    { id: 'uk-nino', description: 'UK National Insurance number' },
    { id: 'ip-address', description: 'public IP address (low severity; versions, section and step numbers, OIDs excluded)' },
    { id: 'internal-ip', description: 'private, loopback, link-local, CGNAT or unique-local address: internal infrastructure' },
  ],
  prepare(texts: readonly string[], ctxs: readonly DetectContext[]): void {
    try {
      const db = piiTriggerDb();
      const per = db === null ? null : triggersPerText(db, texts);
      if (per === null) return;
      for (let i = 0; i < texts.length; i++) {
        const t = per[i];
        if (t !== undefined) (ctxs[i]!.memo ??= {}).piiTriggers = t;
      }
    } catch {
      // Without triggers each detect() scans the whole text itself.
    }
  },
  detect(text: string, ctx: DetectContext): Hit[] {
    let kept: Found[];
    try {
      kept = scan(text, ctx.memo);
    } catch {
      return []; // never reached by design; a detector must not take the exchange down
    }
    const allowed = allowFor(ctx.options.allow);
    if (allowed) kept = kept.filter((f) => !allowed(text.slice(f.start, f.end)));
    return kept.map((f) => ({
      rule: f.rule, start: f.start, end: f.end, severity: f.severity, confidence: f.confidence, detail: f.detail,
      tags: f.rule === 'internal-ip' ? ['internal-infra'] : PII,
    }));
  },
};

// Citing code: short excerpts with invisible and look-alike characters made visible, and the
// "shape" of a piece of code used to match findings across versions of a minified bundle.
import { maskSecrets } from '../core/detect/mask-secrets.ts';
import { mask } from '../core/detect/mask.ts';

const MAX_EXCERPT = 180;

/** Characters a reviewer cannot see or could mistake for ASCII are shown as \u{...}. */
export function escapeUnusual(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    if ((c < 32 && c !== 9) || (c >= 0x7f && c < 0xa0) || isInvisible(c) || isConfusableLetter(c)) out += `\\u{${c.toString(16)}}`;
    else out += ch;
  }
  return out;
}

// The password of a URL's userinfo. The secrets detector skips short or placeholder-like ones
// (they are poor evidence of a leak), but a report must not carry one it can read.
const URL_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^\s/?#@:"'`<>]*:)([^\s/?#@"'`<>]+)(?=@)/gi;

/** Text taken from the package, as a report may show it: secrets masked, URL passwords included. */
export function maskText(s: string): string {
  if (s.length < 8) return s;
  return maskSecrets(s.includes('@') ? s.replace(URL_PASSWORD, (_, head: string, pass: string) => `${head}[url-password: ${mask(pass)}]`) : s);
}

export function isInvisible(c: number): boolean {
  return (
    c === 0xad || c === 0x34f || c === 0x61c || c === 0x115f || c === 0x1160 || c === 0x17b4 || c === 0x17b5 || c === 0x180e ||
    (c >= 0x200b && c <= 0x200f) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2060 && c <= 0x206f) ||
    c === 0x3164 || c === 0xfeff || c === 0xffa0 || (c >= 0xfe00 && c <= 0xfe0e) ||
    (c >= 0xe0000 && c <= 0xe007f) || (c >= 0xe0100 && c <= 0xe01ef) || (c >= 0x2000 && c <= 0x200a) || c === 0x202f || c === 0x205f
  );
}

// Cyrillic and Greek letters that render like Latin ones, the classic look-alike substitutions.
const CONFUSABLE: Record<number, string> = {
  0x430: 'a', 0x435: 'e', 0x43e: 'o', 0x440: 'p', 0x441: 'c', 0x445: 'x', 0x443: 'y', 0x456: 'i', 0x458: 'j', 0x455: 's', 0x4bb: 'h', 0x501: 'd',
  0x410: 'A', 0x412: 'B', 0x415: 'E', 0x41a: 'K', 0x41c: 'M', 0x41d: 'H', 0x41e: 'O', 0x420: 'P', 0x421: 'C', 0x422: 'T', 0x425: 'X', 0x406: 'I', 0x408: 'J', 0x405: 'S',
  0x3bf: 'o', 0x3b1: 'a', 0x3bd: 'v', 0x3c1: 'p', 0x391: 'A', 0x392: 'B', 0x395: 'E', 0x396: 'Z', 0x397: 'H', 0x399: 'I', 0x39a: 'K', 0x39c: 'M', 0x39d: 'N', 0x39f: 'O', 0x3a1: 'P', 0x3a4: 'T', 0x3a5: 'Y', 0x3a7: 'X',
  0x2010: '-', 0x2011: '-', 0x2012: '-', 0x2013: '-', 0x2212: '-', 0x2018: "'", 0x2019: "'", 0x201c: '"', 0x201d: '"', 0xff0e: '.', 0x2024: '.', 0x00a0: ' ',
};
export const isConfusableLetter = (c: number): boolean => c in CONFUSABLE && c >= 0x370;

/** Text as a reader would see it: look-alikes mapped to ASCII, invisible characters removed. */
export function skeleton(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    if (isInvisible(c)) continue;
    out += CONFUSABLE[c] ?? ch;
  }
  return out;
}

/** True when two strings look the same but differ: a covert channel in plain sight. */
export function lookAlike(a: string, b: string): boolean {
  return a !== b && skeleton(a) === skeleton(b);
}

export function hasHiddenChars(s: string): boolean {
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    if (c > 0x7f && (isInvisible(c) || isConfusableLetter(c))) return true;
  }
  return false;
}

export function excerptOf(text: string, start: number, end: number): string {
  let s = start;
  let e = Math.min(end, start + MAX_EXCERPT);
  // Short nodes get some context; minified code has no lines to show instead.
  if (e - s < 60) {
    s = Math.max(0, s - 40);
    e = Math.min(text.length, e + 40);
    const nl1 = text.lastIndexOf('\n', start);
    if (nl1 >= s) s = nl1 + 1;
    const nl2 = text.indexOf('\n', end);
    if (nl2 !== -1 && nl2 < e) e = nl2;
  }
  let out = text.slice(s, e).replace(/\s+/g, ' ').trim();
  out = escapeUnusual(maskText(out));
  if (s > 0 && s < start) out = '…' + out;
  if (e < end || (e < text.length && e > end)) out += '…';
  return out;
}

const KEEP = new Set(('process env Intl Date Buffer JSON String Math Object Array Number Boolean RegExp Promise require module exports ' +
  'globalThis window navigator document fetch atob btoa eval Function new typeof instanceof return if else for while do switch case ' +
  'break continue function var let const class this null undefined true false void delete in of async await yield try catch finally ' +
  'throw import export default from os fs child_process http https net dns vm crypto URL Set Map').split(' '));
const TOKEN = /("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`)|(\.\s*)?([A-Za-z_$][\w$]*)|\s+|([^])/g;

/**
 * Code with local identifier names replaced, so that `K.hostname()` and `q.hostname()` match:
 * minifiers rename locals between versions but keep property names, strings and globals.
 */
export function shapeOf(code: string): string {
  let out = '';
  for (const m of code.matchAll(TOKEN)) {
    // Long literals (encoded blobs) are erased: a hidden list whose content changes between two
    // versions keeps its shape and is reported as changed; the decoded values tell the difference.
    if (m[1] !== undefined) out += m[1].length > 24 ? '"…"' : m[1];
    else if (m[3] !== undefined) out += m[2] !== undefined ? '.' + m[3] : KEEP.has(m[3]) ? m[3] : '_';
    else if (m[4] !== undefined) out += m[4];
  }
  return out;
}

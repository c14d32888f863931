// Virtual API keys. Format: "alk_" + 43 base62 characters of randomness (256 bits) + 6 base62
// characters of CRC-32 over the random part. The checksum lets the gateway (and secret scanners)
// reject a mistyped or made-up key without a database lookup; it adds no secrecy. Only the
// SHA-256 of the whole key is stored, so a database leak yields no usable key.

import { hash, randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';

export const KEY_PREFIX = 'alk_';
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const RANDOM_CHARS = 43; // 43 · log2(62) ≈ 256.03 bits
const CHECK_CHARS = 6; // 62^6 > 2^32
/** Characters of the key kept for display: the prefix plus 6 random characters (~36 bits, useless alone). */
export const DISPLAY_PREFIX_LENGTH = KEY_PREFIX.length + 6;
const KEY_RE = new RegExp(`^${KEY_PREFIX}[0-9A-Za-z]{${RANDOM_CHARS + CHECK_CHARS}}$`);

/** Uniform base62 string: bytes ≥ 248 (= 4 · 62) are rejected so there is no modulo bias. */
export function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const b of randomBytes(length + 8)) {
      if (b < 248) out += ALPHABET[b % 62];
      if (out.length === length) break;
    }
  }
  return out;
}

function base62Fixed(n: number, width: number): string {
  let s = '';
  for (let i = 0; i < width; i++) {
    s = ALPHABET[n % 62] + s;
    n = Math.floor(n / 62);
  }
  return s;
}

const checksum = (body: string): string => base62Fixed(crc32(body), CHECK_CHARS);

export function generateKey(): string {
  const body = randomBase62(RANDOM_CHARS);
  return KEY_PREFIX + body + checksum(body);
}

/** Shape and checksum check; true does not mean the key exists. */
export function isWellFormedKey(key: string): boolean {
  if (!KEY_RE.test(key)) return false;
  const body = key.slice(KEY_PREFIX.length, KEY_PREFIX.length + RANDOM_CHARS);
  return key.endsWith(checksum(body));
}

/** What the stores keep and look up: hex SHA-256 of the key as presented. */
export const hashKey = (key: string): string => hash('sha256', key);

export const displayPrefix = (key: string): string => key.slice(0, DISPLAY_PREFIX_LENGTH);

/** Public id of a key, shown in lists and audit records. */
export const newKeyId = (): string => `key_${randomBase62(16)}`;

export const ROLES = ['admin', 'auditor', 'developer'] as const;
export const isRole = (r: unknown): r is (typeof ROLES)[number] => typeof r === 'string' && (ROLES as readonly string[]).includes(r);

// The secret scanner's value judgements: entropy and placeholders. Their fast paths (ASCII
// counted without allocation) must give exactly what the plain definitions give.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shannon } from '../../src/core/detect/secrets/entropy.ts';
import { isPlaceholder } from '../../src/core/detect/secrets/placeholder.ts';
import { isIdentifier } from '../../src/core/detect/secrets/rules/generic.ts';
import { base64PrivateKey } from '../../src/core/detect/secrets/validators.ts';
import { prng } from '../fixtures/secrets/samples.ts';

/** The definition: a histogram in a Map, summed in the order of first appearance. */
function reference(s: string): number {
  const counts = new Map<number, number>();
  for (let i = 0; i < s.length; i++) counts.set(s.charCodeAt(i), (counts.get(s.charCodeAt(i)) ?? 0) + 1);
  let h = 0;
  for (const k of counts.values()) h -= (k / s.length) * Math.log2(k / s.length);
  return h;
}

test('shannon: bit for bit the Map definition, on ASCII, Latin-1, astral and mixed strings, and leaves no state behind', () => {
  const r = prng(11);
  const rnd = (n: number): number => Math.floor(r() * n);
  const alphabets = ['ab', 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', '\x00\x7f~ ', 'aé€', 'x😀y'];
  for (let i = 0; i < 3000; i++) {
    const a = alphabets[i % alphabets.length]!;
    const s = Array.from({ length: rnd(80) }, () => a[rnd(a.length)]!).join('');
    assert.equal(shannon(s), reference(s), JSON.stringify(s));
  }
  assert.equal(shannon(''), 0);
  assert.equal(shannon('aaaa'), 0);
  assert.equal(shannon('abab'), 1);
  // A non-ASCII unit late in the string: the counts of the ASCII part are cleared before the Map.
  assert.equal(shannon('abcdefgh\u00e9'), reference('abcdefgh\u00e9'));
  assert.equal(shannon('abab'), 1);
});

test('isPlaceholder: one distinct character, or at most three in a long value, as code points', () => {
  for (const v of ['aaaaaaa', '-_-_zzz', 'abababababab', '0000-0000-0000', '\u{1F600}\u{1F600}\u{1F600}', 'éééééé']) assert.equal(isPlaceholder(v), true, v);
  // Four distinct characters in a long value; a short value with three; an astral pair is one
  // character (two code units), so 'x😀y' repeated has three, but with a fourth it is real.
  for (const v of ['abdcbadcabcd', 'Kq7Z', 'q\u{1F600}w\u{1F600}e\u{1F600}r\u{1F600}q\u{1F600}w\u{1F600}', 'h8Kq2Lm9Xz4V']) assert.equal(isPlaceholder(v), false, v);
  assert.equal(isPlaceholder('x\u{1F600}yx\u{1F600}yx\u{1F600}yx\u{1F600}y'), true);
});

test('isIdentifier: words of code (camelCase, snake, CONSTANT_CASE, a trailing digit or $1), not random values', () => {
  for (const v of ['writeFile2', 'base64Payload', 'modelName2', 'refreshAccessToken2', 'ArrowToken$1', 'FTS5_MAX_TOKEN_SIZE', 'nToken', 'cancellationToken', 'checkAuthorization']) {
    assert.equal(isIdentifier(v), true, v);
  }
  for (const v of ['Zk3uV9qLm2Xw8RtY4pNc7Hb1', 'Summer2024', 'Summer_2024', 'K9vLm2Qx7vRw', 'Password1', 'aB3dE5fG7hJ9kL1m', 'token', 'q8k2m#v9x!p4z7w']) {
    assert.equal(isIdentifier(v), false, v);
  }
});

test('base64PrivateKey: a PRIVATE KEY label with a body; not a certificate, a public key or an elided body', () => {
  const pem = (label: string, body: string): string => Buffer.from(`-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`).toString('base64');
  const body = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7Zk3uV9qLm2Xw8RtY4pNc7Hb1Jd5Gf0Ks6Ae2Qo9Wy3U';
  for (const label of ['RSA PRIVATE KEY', 'PRIVATE KEY', 'EC PRIVATE KEY', 'OPENSSH PRIVATE KEY', 'ENCRYPTED PRIVATE KEY']) assert.ok(base64PrivateKey(pem(label, body)), label);
  for (const label of ['CERTIFICATE', 'PUBLIC KEY', 'RSA PUBLIC KEY']) assert.equal(base64PrivateKey(pem(label, body)), false, label);
  assert.equal(base64PrivateKey(pem('PRIVATE KEY', '...')), false);
  // Truncated (cut in the middle of a quantum): judged on what decodes.
  assert.ok(base64PrivateKey(pem('RSA PRIVATE KEY', body + body).slice(0, 199)));
});

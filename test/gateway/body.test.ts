// The fast body decoding gives exactly the values of a plain UTF-8 decode.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { decodeBody, repairCacheUnits } from '../../src/gateway/body.ts';
import { parseRequest } from '../../src/core/exchange/index.ts';

const same = (raw: Buffer): void => {
  const d = decodeBody(raw);
  const fast = parseRequest('anthropic', d.text, d.fix);
  const slow = parseRequest('anthropic', raw.toString('utf8'));
  assert.deepEqual(fast.segments, slow.segments);
  assert.equal(fast.model, slow.model);
};

test('ASCII body: Latin-1 view, no repair needed', () => {
  const raw = Buffer.from('{"model":"m","messages":[{"role":"user","content":"plain \\u2019 escape"}]}');
  assert.equal(decodeBody(raw).fix, undefined);
  same(raw);
});

test('non-ASCII body: strings, keys and model are repaired to the same values', () => {
  const raw = Buffer.from(JSON.stringify({ model: 'modèle-ü', system: 'naïve — “quoted” 日本語 😀', messages: [{ role: 'user', content: 'Grüße' }], tools: [{ name: 't', input_schema: { properties: { 'clé': { description: 'à' } } } }] }));
  assert.notEqual(decodeBody(raw).fix, undefined);
  same(raw);
  same(raw); // again: the walk remembers ASCII keys, never a key it had to repair
  same(Buffer.from(JSON.stringify({ model: 'm', tools: [{ name: 't', input_schema: { properties: { clé: {}, cle: {}, ['x'.repeat(40)]: 'é' } } }] })));
  // A non-ASCII top-level key too (an unknown field: metadata).
  const top = Buffer.from(JSON.stringify({ model: 'm', 'clé': `valeur ${'é'.repeat(80)}`, messages: [{ role: 'user', content: 'hé' }] }));
  same(top);
  assert.deepEqual(parseRequest('anthropic', decodeBody(top).text, decodeBody(top).fix).segments.find((s) => s.path[0] !== 'model')!.path, ['clé']);
});

test('a body escaping U+0080..U+00FF as \\u00XX takes the exact slow path', () => {
  const raw = Buffer.from('{"model":"m","system":"caf\\u00e9 and real é","messages":[]}');
  assert.equal(decodeBody(raw).fix, undefined);
  same(raw);
});

test('a real Claude Code body decodes identically', () => {
  same(readFileSync('test/fixtures/bodies/claude-code-2.1.90.json'));
});

test('long strings (the copy-based ASCII check): pure ASCII, UTF-8 at either end, and a \\u escape above U+00FF', () => {
  const long = 'x'.repeat(5000);
  const raw = Buffer.from(JSON.stringify({ model: 'm', system: `${long}`, messages: [
    { role: 'user', content: `é${long}` }, { role: 'user', content: `${long}日本` }, { role: 'user', content: `${long} plain` },
  ] }).replace('plain', 'plain \\u4e2d'));
  assert.notEqual(decodeBody(raw).fix, undefined);
  same(raw);
});

test('repaired long strings are remembered by their exact bytes: same-shaped strings that differ at one unsampled byte, resent strings, and more than the cache holds all decode exactly', () => {
  const base = 'ä'.repeat(3000);
  // Identical length and the same sampled characters; only one byte in the middle differs.
  const variants = ['ö', 'ü', 'é'].map((c) => `${base.slice(0, 1501)}${c}${base.slice(1502)}`);
  for (let round = 0; round < 3; round++) {
    for (const v of variants) {
      const raw = Buffer.from(JSON.stringify({ model: 'm', system: v, messages: [{ role: 'user', content: `${v} again` }] }));
      const segs = parseRequest('anthropic', decodeBody(raw).text, decodeBody(raw).fix).segments;
      assert.equal(segs.find((s) => s.role === 'system')?.text, v);
      assert.equal(segs.find((s) => s.role === 'user' && s.structural !== true)?.text, `${v} again`);
    }
  }
  // ~12 M units of distinct strings: the cache evicts and stays within its bound (4 M units).
  for (let i = 0; i < 400; i++) {
    const v = `${i} ${'ß'.repeat(10_000)}`;
    const d = decodeBody(Buffer.from(JSON.stringify({ model: 'm', system: v })));
    assert.equal(parseRequest('anthropic', d.text, d.fix).segments.find((s) => s.role === 'system')?.text, v);
  }
  assert.ok(repairCacheUnits() <= 4 * 1024 * 1024, `${repairCacheUnits()}`);
  assert.ok(repairCacheUnits() > 0);
});

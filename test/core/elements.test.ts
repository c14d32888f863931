// The native shape pass and the element cache must change nothing but speed: the shape pass
// accepts exactly what JSON.parse accepts, and a request parsed through the cache (first time,
// resent, shifted, edited, with every hash colliding) has the segments parseRequest gives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { ElementCache, shapeAvailable, useShapeAddon } from '../../src/core/exchange/elements.ts';
import { parseRequest, type ParsedRequest } from '../../src/core/exchange/index.ts';
import { decodeBody, latin1View, parseBody } from '../../src/gateway/body.ts';
import { loadNative } from '../../src/native/load.ts';
import { planByteRedaction } from '../../src/core/redact.ts';
import type { Dialect } from '../../src/core/types.ts';

loadNative();
const required = process.env['AIRLOCK_REQUIRE_NATIVE'] === '1';
const skip = !shapeAvailable() && !required && 'native addon not built (apt-get install libhyperscan-dev; npm run build:native)';
const addon = (): { shape(b: Uint8Array, seed: number, hashes?: boolean): Int32Array | null } =>
  createRequire(import.meta.url)('../../native/build/Release/airlock_scan.node') as { shape(b: Uint8Array, seed: number): Int32Array | null };

const DIR = new URL('../fixtures/bodies/', import.meta.url);
const DIALECT: Record<string, Dialect> = {
  'anthropic-all-blocks.json': 'anthropic',
  'claude-code-2.1.90.json': 'anthropic',
  'codex-0.171.0-lite.json': 'openai-responses',
  'codex-0.171.0.json': 'openai-responses',
  'openai-responses-codex-like.json': 'openai-responses',
  'qwen-code-0.15.10.json': 'openai-chat',
};
const bodies = readdirSync(DIR).filter((f) => f.endsWith('.json')).map((f) => ({ file: f, dialect: DIALECT[f]!, buf: readFileSync(new URL(f, DIR)) }));

/** What the gateway's JSON.parse path gives for these bytes. */
function reference(dialect: Dialect, buf: Buffer): ParsedRequest {
  const d = decodeBody(buf);
  return parseRequest(dialect, d.text, d.fix);
}

function viaCache(cache: ElementCache, dialect: Dialect, buf: Buffer): ParsedRequest | null {
  const v = latin1View(buf);
  assert.notEqual(v, 'utf8');
  return cache.parse(dialect, buf, v === 'repair' ? decodeBody(buf).fix : undefined);
}

/** The body with the first element of its conversation (messages or input) dropped: every later element moves. */
function dropFirstMessage(buf: Buffer): Buffer {
  const j = JSON.parse(buf.toString('utf8')) as Record<string, unknown>;
  for (const k of ['messages', 'input']) if (Array.isArray(j[k]) && j[k].length > 1) j[k] = j[k].slice(1);
  return Buffer.from(JSON.stringify(j));
}

function assertSame(got: ParsedRequest | null, want: ParsedRequest, what: string, raw: Buffer): void {
  assert.ok(got !== null, `${what}: parsed`);
  assert.deepEqual(got.segments, want.segments, `${what}: segments`);
  // The parts make up the segments, the same objects in the same order (the engine relies on it).
  const flat = got.parts!.flat();
  assert.equal(flat.length, got.segments.length, `${what}: parts`);
  assert.ok(flat.every((x, i) => x === got.segments[i]), `${what}: parts are the segments`);
  assert.equal(got.model, want.model, `${what}: model`);
  assert.equal(got.stream, want.stream, `${what}: stream`);
  assert.equal(got.media, want.media, `${what}: media`);
  assert.deepEqual(got.body, JSON.parse(raw.toString('latin1')), `${what}: body (as the Latin-1 view parses)`);
}

test('the shape pass accepts exactly what JSON.parse accepts', { skip }, () => {
  const shape = addon().shape;
  const valid = (b: Buffer): boolean => {
    try {
      JSON.parse(b.toString('latin1'));
      return true;
    } catch {
      return false;
    }
  };
  const cases = ['{}', '[]', '1', '-0', '-', '01', '1.', '1.5e', '1e+5', '2E-3', '"a\\u12"', '"\\u00e9"', '"\\x"', '{"a":1,}', '[1,]', '{"a" 1}', '{,}',
    ' {"a":[1,{"b":null}],"c":"d"} ', 'true', 'tru', 'nul', 'falsey', '{"a":1}x', '"\t"', '"\u007f"', '\ufeff{}', '[[[]]]', '"abc', '{"a":}', '[1 2]',
    '{"a":1 "b":2}', '', '   ', '{"a":"\\"}', '{"a":"\\\\"}', '["\\/"]', '{"a" : [ ] , "b" : { } }', '[-]', '[.5]', '[+1]', '{"a":1}}', '[[]'];
  for (const c of cases) {
    const b = Buffer.from(c, 'latin1');
    assert.equal(shape(b, 1) !== null, valid(b), JSON.stringify(c));
  }
  // Escapes, valid and not, at every offset of the sixteen-byte blocks a string is scanned in,
  // alone and two in a row (the second starting where the first ends).
  const escapes = ['\\n', '\\"', '\\\\', '\\/', '\\u00e9', '\\u12', '\\u12G4', '\\x', '\\', '"', '\u0001', '\\u0041\\"'];
  for (let k = 0; k < 40; k++) {
    for (const e of escapes) {
      for (const tail of ['', 'y', 'y'.repeat(20)]) {
        for (const body of [`{"a":"${'x'.repeat(k)}${e}${tail}"}`, `{"a":"${'x'.repeat(k)}${e}${e}${tail}"}`, `["${'x'.repeat(k)}${e}${tail}`]) {
          const b = Buffer.from(body, 'latin1');
          const got = shape(b, 1);
          assert.equal(got !== null, valid(b), JSON.stringify(body));
          if (got !== null && got[0]! & 1) assert.equal((got[0]! & 2) !== 0, body.includes('\\u00e9'), JSON.stringify(body));
        }
      }
    }
  }
  // Every fixture, then random edits of each with JSON's own characters (deterministic).
  let seed = 12345;
  const r = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff) / 0x7fffffff;
  const alphabet = Buffer.from('{}[]":,\\ 0123456789-+.eEtrufalsn\t\n\u0001u', 'latin1');
  let invalid = 0;
  for (const { file, buf: body } of bodies) {
    assert.ok(shape(body, 1) !== null, file);
    for (let k = 0; k < 400; k++) {
      const b = Buffer.from(body);
      const p = Math.floor(r() * b.length);
      if (r() < 0.75) b[p] = alphabet[Math.floor(r() * alphabet.length)]!;
      else b.copyWithin(p, p + 1);
      const ok = valid(b);
      if (!ok) invalid++;
      assert.equal(shape(b, 1) !== null, ok, `${file}: edit at byte ${p}`);
    }
  }
  assert.ok(invalid > 500, `the edits made invalid documents (${invalid})`);
});

test('the shape pass flags escapes of U+0080..U+00FF, which a repaired Latin-1 view cannot read; such a body is left to the decoding path only when it also holds UTF-8', { skip }, () => {
  const shape = addon().shape;
  const flag = (body: string): number => shape(Buffer.from(body, 'latin1'), 1)![0]! & 2;
  for (const e of ['\\u0080', '\\u00e9', '\\u00FF', '\\u00Aa']) {
    assert.equal(flag(`{"a":"x${e}"}`), 2, e);
    assert.equal(flag(`{"k${e}":1}`), 2, `${e} in a key`);
    assert.equal(flag(`{"a":[{"b":["${e}"]}]}`), 2, `${e} nested`);
  }
  for (const e of ['\\u007f', '\\u0100', '\\u10e9', '\\\\u00e9', '\\u0041']) assert.equal(flag(`{"a":"x${e}"}`), 0, e);
  assert.equal(shape(Buffer.from('{"a":"\\u00e9"}'), 1)![0]! & 1, 1, 'still an object');
  const cache = new ElementCache();
  // ASCII bytes: the view is exact whatever the escapes, so the cache reads it.
  const ascii = Buffer.from('{"model":"m","messages":[{"role":"user","content":"caf\\u00e9"}]}');
  assert.ok(Buffer.isBuffer(parseBody('anthropic', ascii, cache).view));
  assertSame(cache.parse('anthropic', ascii, undefined), reference('anthropic', ascii), 'ASCII body with a Latin-1 escape', ascii);
  // With a repair, the cache refuses it (the escape and raw UTF-8 would be repaired alike).
  const mixed = Buffer.from('{"model":"m","messages":[{"role":"user","content":"caf\\u00e9 and café"}]}');
  assert.equal(cache.parse('anthropic', mixed, decodeBody(Buffer.from('"é"')).fix), null);
});

test('the shape pass gives each top-level field and array element with its bytes', { skip }, () => {
  const shape = addon().shape;
  const text = '{"model":"m","messages":[{"role":"user","content":"hi"}, "x" ,[1,[2]],3],"stream":true,"n":{"a":[1]}}';
  const b = Buffer.from(text);
  const s = shape(b, 9)!;
  assert.equal(s[0], 1);
  assert.equal(s[1], 4);
  const at = (k: number, f: number): number => s[2 + k * 7 + f]!;
  const slice = (a: number, z: number): string => text.slice(a, z);
  assert.deepEqual([0, 1, 2, 3].map((k) => slice(at(k, 0), at(k, 1))), ['"model"', '"messages"', '"stream"', '"n"']);
  assert.deepEqual([0, 1, 2, 3].map((k) => at(k, 4)), [0, 3, 4, 2]);
  assert.equal(slice(at(3, 2), at(3, 3)), '{"a":[1]}');
  assert.equal(at(1, 6), 4);
  const els = [0, 1, 2, 3].map((i) => slice(s[2 + 4 * 7 + i * 3]!, s[2 + 4 * 7 + i * 3 + 1]!));
  assert.deepEqual(els, ['{"role":"user","content":"hi"}', '"x"', '[1,[2]]', '3']);
  // The same bytes hash alike; other bytes (almost always) not; a top-level array is no object.
  assert.equal(shape(Buffer.from(text), 9)![2 + 0 * 7 + 5], at(0, 5));
  assert.deepEqual([...shape(Buffer.from('[1]'), 9)!], [0]);
  // Without hashes (a caller that only validates and reads a field): the same record, hashes 0.
  const plain = [...shape(Buffer.from(text), 9, false)!];
  const hashAt = new Set([...[0, 1, 2, 3].map((k) => 2 + k * 7 + 5), ...[0, 1, 2, 3].map((i) => 2 + 4 * 7 + i * 3 + 2)]);
  assert.deepEqual(plain, [...s].map((v, i) => (hashAt.has(i) ? 0 : v)));
  assert.ok([...hashAt].some((i) => s[i] !== 0), 'the hashed shape has hashes');
  assert.equal(shape(Buffer.from('{"a":'), 9, false), null, 'still validated');
});

test('every fixture parses through the cache as through JSON.parse: first time, resent, and resent to another cache', { skip }, () => {
  for (const { file, dialect, buf: body } of bodies) {
    const cache = new ElementCache();
    const want = reference(dialect, body);
    assertSame(viaCache(cache, dialect, body), want, `${file} (first)`, body);
    const misses = cache.misses;
    const again = viaCache(cache, dialect, Buffer.from(body))!;
    assertSame(again, want, `${file} (resent)`, body);
    assert.equal(cache.misses, misses, `${file}: nothing parsed again`);
    // (Elements under 256 bytes are parsed every time; the small fixture has only those.)
    if (body.length > 8192) assert.ok(cache.hits > 0, `${file}: elements reused`);
  }
});

test('a resent conversation reuses the same segment objects; a shifted or edited one is parsed where it changed', { skip }, () => {
  const j = JSON.parse(readFileSync(new URL('claude-code-2.1.90.json', DIR), 'utf8')) as { messages: unknown[] };
  const cache = new ElementCache();
  const first = viaCache(cache, 'anthropic', Buffer.from(JSON.stringify(j)))!;
  const second = viaCache(cache, 'anthropic', Buffer.from(JSON.stringify(j)))!;
  const big = first.segments.filter((s) => s.text.length > 1000);
  assert.ok(big.length > 3);
  for (const s of big) assert.ok(second.segments.includes(s), 'the same object, so the engine compares texts by reference');
  // Parts found again are the very arrays given before (the result cache finds them by the array).
  const again = second.parts!.filter((p) => first.parts!.includes(p));
  assert.ok(again.length >= 10 && again.every((p) => p.some((s) => s.text.length > 0)), `parts given again: ${again.length}`);
  // The first message dropped: every later message moves down one index.
  const shifted = { ...j, messages: j.messages.slice(1) };
  const sb = Buffer.from(JSON.stringify(shifted));
  const misses = cache.misses;
  assertSame(viaCache(cache, 'anthropic', sb), reference('anthropic', sb), 'shifted', sb);
  assert.equal(cache.misses, misses, 'moved elements are reused with their new index');
  // One field added to the longest message: that message alone is parsed again.
  const sizes = j.messages.map((m) => JSON.stringify(m).length);
  const longest = sizes.indexOf(Math.max(...sizes));
  const eb = Buffer.from(JSON.stringify({ ...j, messages: j.messages.map((m, i) => (i === longest ? { ...(m as object), x: 'y' } : m)) }));
  const before = cache.misses;
  assertSame(viaCache(cache, 'anthropic', eb), reference('anthropic', eb), 'edited', eb);
  assert.equal(cache.misses, before + 1);
});

test('equal bytes under another field or dialect, or colliding hashes, never give the cached segments', { skip }, () => {
  const long = 'the same words under two fields '.repeat(20);
  const el = { type: 'text', text: long };
  const body = Buffer.from(JSON.stringify({ model: 'm', system: [el], messages: [{ role: 'user', content: [el] }, el], tools: [{ name: 't', description: long, input_schema: { type: 'object' } }] }));
  const cache = new ElementCache();
  assertSame(viaCache(cache, 'anthropic', body), reference('anthropic', body), 'anthropic', body);
  assertSame(viaCache(cache, 'openai-chat', body), reference('openai-chat', body), 'same bytes, other dialect', body);
  // Every hash forced to one value: lookups must still compare the bytes.
  const real = addon();
  try {
    useShapeAddon({
      shape(b: Uint8Array, seed: number): Int32Array | null {
        const s = real.shape(b, seed);
        if (s === null || s[0] !== 1) return s;
        const m = s[1]!;
        for (let k = 0; k < m; k++) s[2 + k * 7 + 5] = 7;
        for (let e = 2 + m * 7; e < s.length; e += 3) s[e + 2] = 7;
        return s;
      },
    });
    const colliding = new ElementCache();
    for (const { file, dialect, buf: b } of bodies) assertSame(viaCache(colliding, dialect, b), reference(dialect, b), `${file}, one hash for all`, b);
    for (const { file, dialect, buf: b } of bodies) assertSame(viaCache(colliding, dialect, b), reference(dialect, b), `${file}, one hash for all, resent`, b);
    assert.ok(colliding.hits > 0);
  } finally {
    loadNative();
    useShapeAddon(real);
  }
});

test('bodies the shape cannot describe are left to JSON.parse', { skip }, () => {
  const cache = new ElementCache();
  const cases = ['{"model":"a","model":"b"}', '{"b":1,"1":2}', '[{"model":"a"}]', '{"model":', '{"a":1} {"b":2}', '"text"'];
  for (const c of cases) assert.equal(viaCache(cache, 'anthropic', Buffer.from(c)), null, c);
  // A non-ASCII top-level key is repaired in paths on both paths.
  const top = Buffer.from(JSON.stringify({ model: 'm', 'clé': `valeur ${'é'.repeat(80)}`, messages: [{ role: 'user', content: 'hello' }] }));
  assertSame(viaCache(cache, 'anthropic', top), reference('anthropic', top), 'non-ASCII top-level key', top);
  assert.deepEqual(viaCache(cache, 'anthropic', top)!.segments.find((x) => x.path[0] !== 'model')!.path, ['clé'], 'an unknown top-level key is a segment, its path repaired');
  // A key written with an escape, in an object of several keys, could repeat another spelt
  // plainly: the shape pass does not compare such keys, JSON.parse reads the body (json-keys.ts).
  const b = Buffer.from('{"mod\\u0065l":"x","messages":[{"role":"user","content":"hello"}]}');
  assert.equal(viaCache(cache, 'anthropic', b), null, 'escaped key');
  assert.deepEqual(parseBody('anthropic', b, cache).parsed.segments, reference('anthropic', b).segments);
});

test('the cache stays within its bound', { skip }, () => {
  const cache = new ElementCache(64 * 1024);
  for (let i = 0; i < 200; i++) {
    const b = Buffer.from(JSON.stringify({ model: 'm', messages: [{ role: 'user', content: `message ${i} `.repeat(200) }] }));
    assertSame(viaCache(cache, 'anthropic', b), reference('anthropic', b), `body ${i}`, b);
  }
  const units = (cache as unknown as { lru: { units: number } }).lru.units;
  assert.ok(units <= 64 * 1024, `cached ${units} units`);
  assert.ok(units > 0);
});

test('parseBody: either path gives the same request and the same in-place redaction plan', { skip }, () => {
  const cache = new ElementCache();
  const secret = 'AKIAZ7QWERTYUIOPASDF';
  const body = Buffer.from(JSON.stringify({ model: 'm', messages: [{ role: 'user', content: `naïve key ${secret} — ok ${'x'.repeat(300)}` }] }));
  const viaParts = parseBody('anthropic', body, cache);
  const viaParse = parseBody('anthropic', body, null);
  assert.ok(Buffer.isBuffer(viaParts.view), 'bytes searched in place');
  assert.equal(typeof viaParse.view, 'string', 'a Latin-1 view of the bytes');
  assert.deepEqual(viaParts.parsed.segments, viaParse.parsed.segments);
  const seg = viaParts.parsed.segments.find((s) => s.text.includes(secret))!;
  const f = { detector: 'secrets', rule: 'aws-access-key', severity: 'high' as const, role: seg.role, segmentPath: 'messages[0].content', start: seg.text.indexOf(secret), end: seg.text.indexOf(secret) + secret.length, preview: 'AKIA…', confidence: 1 };
  const a = planByteRedaction(viaParts.view!, () => seg, [f]);
  const b = planByteRedaction(viaParse.view!, () => viaParse.parsed.segments.find((s) => s.text.includes(secret)), [f]);
  assert.ok(a !== null);
  assert.deepEqual(a, b);
  assert.equal(body.toString('latin1', a.patches[0]!.start, a.patches[0]!.end), secret, 'the patch covers the key bytes, after a two-byte character');
  // A body that escapes U+0080..U+00FF and also holds raw UTF-8 cannot be read per byte: JSON.parse.
  const mixed = Buffer.from('{"model":"m","messages":[{"role":"user","content":"caf\\u00e9 and café"}]}');
  const p = parseBody('anthropic', mixed, cache);
  assert.equal(p.view, null);
  assert.equal(p.parsed.segments.find((x) => x.path.at(-1) === 'content')!.text, 'café and café');
});

test('byteRange: each segment lies in the bytes of its own field or element, found again or moved; redaction searches only there', { skip }, () => {
  const cache = new ElementCache();
  for (const { file, dialect, buf } of bodies) {
    for (const b of [buf, buf, dropFirstMessage(buf)]) {
      const p = cache.parse(dialect, b, decodeBody(b).fix)!;
      const body = JSON.parse(b.toString('latin1')) as Record<string, unknown>;
      for (const seg of p.segments) {
        const r = p.byteRange!(seg);
        assert.ok(r !== undefined, `${file}: ${JSON.stringify(seg.path)}`);
        const field = body[seg.path[0] as string];
        const want = Array.isArray(field) && typeof seg.path[1] === 'number' ? field[seg.path[1]] : field;
        assert.deepEqual(JSON.parse(b.toString('latin1', r[0], r[1])), want, `${file}: ${JSON.stringify(seg.path)}`);
      }
      assert.equal(p.byteRange!({ role: 'user', path: ['nope'], text: '' }), undefined);
      assert.equal(p.byteRange!({ role: 'user', path: ['messages', 10_000], text: '' }), undefined);
    }
  }
  // The same tool output in two messages: unique in its own message, not in the body.
  const out = `DATABASE_URL=postgres://app:s3cr3tpw@db.internal:5432/app ${'z'.repeat(80)}`;
  const raw = Buffer.from(JSON.stringify({ model: 'm', messages: [{ role: 'user', content: out }, { role: 'assistant', content: 'ok' }, { role: 'user', content: out }] }));
  const { parsed, view } = parseBody('anthropic', raw, cache);
  const seg = parsed.segments.filter((x) => x.text === out)[1]!;
  const f = { detector: 'secrets', rule: 'postgres-url-password', severity: 'high' as const, role: seg.role, segmentPath: 'messages[2].content', start: out.indexOf('s3cr3tpw'), end: out.indexOf('s3cr3tpw') + 8, preview: 's3…', confidence: 1 };
  assert.equal(planByteRedaction(view!, () => seg, [f]), null, 'not unique in the whole body');
  const plan = planByteRedaction(view!, () => seg, [f], undefined, parsed.byteRange)!;
  assert.equal(plan.patches.length, 1);
  assert.equal(raw.toString('latin1', plan.patches[0]!.start, plan.patches[0]!.end), 's3cr3tpw');
  assert.ok(plan.patches[0]!.start > raw.lastIndexOf('"assistant"'), 'patched in the third message, where the segment is');
  // A range that does not hold the literal gives no plan (the caller then redacts by decoding).
  assert.equal(planByteRedaction(view!, () => seg, [f], undefined, () => [0, 40]), null);
  // The one-byte view string (the decoding path's view) gives the same plan within the same range.
  const text = decodeBody(raw).text;
  assert.deepEqual(planByteRedaction(text, () => seg, [f], undefined, parsed.byteRange), plan);
  assert.equal(planByteRedaction(text, () => seg, [f], undefined, () => [0, 40]), null);
  // The first copy, with the same text after its range: found once within it, on either view.
  const seg0 = parsed.segments.find((x) => x.text === out)!;
  const f0 = { ...f, segmentPath: 'messages[0].content' };
  for (const v of [view!, text]) {
    const p0 = planByteRedaction(v, () => seg0, [f0], undefined, parsed.byteRange)!;
    assert.ok(p0 !== null && p0.patches[0]!.end < raw.indexOf('"assistant"'), 'patched in the first message');
  }
  // No range for a segment: the whole body, as without ranges.
  const first = parsed.segments.find((x) => x.text === 'ok')!;
  const g = { ...f, role: first.role, segmentPath: 'messages[1].content', start: 0, end: 2 };
  assert.deepEqual(planByteRedaction(view!, () => first, [g], undefined, () => undefined), planByteRedaction(view!, () => first, [g]));
  assert.ok(planByteRedaction(view!, () => first, [g]) !== null);
});

test('the shape pass refuses arguments of the wrong type; a shape that disagreed with JSON.parse would fall back, not throw', { skip }, () => {
  const shape = addon().shape as (...a: unknown[]) => unknown;
  assert.throws(() => shape('{"a":1}', 1), TypeError);
  assert.throws(() => shape(Buffer.from('{}'), 'seed'), TypeError);
  assert.throws(() => shape(Buffer.from('{}')), /shape\(bytes/);
  const body = Buffer.from(JSON.stringify({ model: 'm', messages: [{ role: 'user', content: `secret-looking text ${'y'.repeat(300)}` }] }));
  const real = addon();
  try {
    // A range cut one byte short: the part is not JSON; JSON.parse's message (which quotes the
    // body) must not escape, the caller's path words the error instead.
    useShapeAddon({
      shape(b: Uint8Array, seed: number): Int32Array | null {
        const s = real.shape(b, seed)!;
        const m = s[1]!;
        s[2 + m * 7 + 1] = s[2 + m * 7 + 1]! - 1;
        return s;
      },
    });
    const cache = new ElementCache();
    assert.equal(viaCache(cache, 'anthropic', body), null);
    const p = parseBody('anthropic', body, cache);
    assert.deepEqual(p.parsed.segments, reference('anthropic', body).segments);
  } finally {
    useShapeAddon(real);
  }
});

test('without segments: the model and stream flag from the shape, the body parsed only when asked for', { skip }, () => {
  const cache = new ElementCache();
  for (const { file, dialect, buf: b } of bodies) {
    const want = reference(dialect, b);
    const got = cache.parse(dialect, b, latin1View(b) === 'repair' ? decodeBody(b).fix : undefined, { segments: false })!;
    assert.equal(got.model, want.model, file);
    assert.equal(got.stream, want.stream, file);
    assert.deepEqual(got.segments, [], file);
    assert.deepEqual(got.body, want.body, file);
  }
  assert.equal(cache.hits + cache.misses, 0, 'nothing cached without segments');
});

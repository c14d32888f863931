// Bodies JSON.parse accepts and the gateway refuses: a key repeated in an object (the provider could
// read the value Airlock did not inspect) and nesting past MAX_DEPTH. The JavaScript check and the
// native shape pass must agree, and every parse path of the gateway must refuse them before
// forwarding (the threaded mode parses without segments on the gateway's thread).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { ElementCache, shapeAvailable } from '../../src/core/exchange/elements.ts';
import { parseRequest } from '../../src/core/exchange/index.ts';
import { checkKeysAndDepth, keysWritten, MAX_DEPTH, shapeOf } from '../../src/core/exchange/json-keys.ts';
import { parseBody } from '../../src/gateway/body.ts';
import { loadNative } from '../../src/native/load.ts';
import { AirlockError } from '../../src/core/errors.ts';

loadNative();
const skip = !shapeAvailable() && process.env['AIRLOCK_REQUIRE_NATIVE'] !== '1' && 'native addon not built';
const addon = (): { shape(b: Uint8Array, seed: number, hashes?: boolean): Int32Array | null } =>
  createRequire(import.meta.url)('../../native/build/Release/airlock_scan.node') as { shape(b: Uint8Array, seed: number): Int32Array | null };

const SECRET = 'ghp_' + 'Mpv1EBpdyEgAUSJ8yWDHhBnQ4BEKo5iviXHn';
const nested = (n: number): string => '['.repeat(n) + ']'.repeat(n);
const code = (f: () => unknown): string | null => {
  try {
    f();
    return null;
  } catch (e) {
    assert.ok(e instanceof AirlockError, String(e));
    assert.ok(!e.message.includes(SECRET), 'the error does not quote the body');
    return e.code;
  }
};

const REPEATED = [
  `{"model":"m","messages":[{"role":"user","content":"key ${SECRET}","content":"hello"}]}`,
  `{"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"a","text":"${SECRET}"}]}]}`,
  `{"model":"m","metadata":{"a":1,"b":{"x":1,"x":2}},"messages":[]}`,
  // Many keys: the native pass sorts them instead of comparing each pair.
  `{"model":"m","tools":[{${Array.from({ length: 40 }, (_, i) => `"k${i % 39}":${i}`).join(',')}}],"messages":[]}`,
  // The same key spelt with an escape.
  `{"model":"m","messages":[{"role":"user","content":"x","cont\\u0065nt":"${SECRET}"}]}`,
];
const FINE = [
  `{"model":"m","messages":[{"role":"user","content":"a \\"key\\": \\"x\\", \\\\\\"q\\\\\\":"}]}`,
  `{"model":"m","messages":[{"role":"user","content":"x"},{"role":"user","content":"x"}]}`,
  `{"model":"m","tools":[{${Array.from({ length: 40 }, (_, i) => `"k${i}":{"k${i}":1}`).join(',')}}],"messages":[]}`,
  `{"model":"m","messages":[{"role":"user","content":"x","cont\\u0065nts":"y"}], "x" : { "a" : "b" } }`,
];

test('keysWritten counts the keys of a JSON text, not colons or quotes inside strings', () => {
  for (const t of [...FINE, ...REPEATED]) {
    const v = JSON.parse(t) as unknown;
    const written = keysWritten(t);
    const parsed = shapeOf(v).keys;
    if (FINE.includes(t)) assert.equal(written, parsed, t);
    else assert.ok(written > parsed, t);
  }
  assert.equal(keysWritten('{"a\\\\":"b\\\\\\"c:","d" :1}'), 2);
  assert.equal(keysWritten('["a:","b"]'), 0);
});

test('parseRequest refuses a repeated key at any depth (400 BAD_JSON) and nesting past MAX_DEPTH (400 BAD_REQUEST)', () => {
  for (const t of REPEATED) assert.equal(code(() => parseRequest('anthropic', t)), 'AIRLOCK_ERR_BAD_JSON', t);
  for (const t of FINE) assert.equal(code(() => parseRequest('anthropic', t)), null, t);
  // Also without segments (nothing inspected on this thread: the worker inspects after forwarding).
  assert.equal(code(() => parseRequest('anthropic', REPEATED[0]!, undefined, { segments: false })), 'AIRLOCK_ERR_BAD_JSON');
  const deep = (n: number): string => `{"model":"m","messages":[{"role":"user","content":"x","x":${nested(n)}}]}`;
  assert.equal(code(() => parseRequest('anthropic', deep(MAX_DEPTH - 4))), null);
  assert.equal(code(() => parseRequest('anthropic', deep(MAX_DEPTH))), 'AIRLOCK_ERR_BAD_REQUEST');
  // Far deeper than the stack allows a recursive walk: refused, not a RangeError.
  assert.equal(code(() => parseRequest('anthropic', deep(50_000))), 'AIRLOCK_ERR_BAD_REQUEST');
  assert.doesNotThrow(() => checkKeysAndDepth('{"a":[1,{"b":2}]}', { a: [1, { b: 2 }] }));
});

test('the native shape pass flags a repeated key (bit 2) and deep nesting (bit 3) exactly where the JavaScript check refuses', { skip }, () => {
  const shape = addon().shape;
  for (const t of REPEATED) assert.equal(shape(Buffer.from(t), 1)![0]! & 4, 4, t);
  for (const t of FINE.slice(0, 3)) assert.equal(shape(Buffer.from(t), 1)![0]! & 4, 0, t);
  // A key with an escape in an object of several keys is left to the JavaScript check (bit 2 set).
  assert.equal(shape(Buffer.from(FINE[3]!), 1)![0]! & 4, 4);
  assert.equal(shape(Buffer.from(`{"a":${nested(MAX_DEPTH - 1)}}`), 1)![0]! & 8, 0);
  assert.equal(shape(Buffer.from(`{"a":${nested(MAX_DEPTH)}}`), 1)![0]! & 8, 8);
});

test('the gateway refuses such bodies through the element cache too, with or without segments, the first time and resent', { skip }, () => {
  const cache = new ElementCache();
  for (const t of [...REPEATED, `{"model":"m","messages":[{"role":"user","content":"x","x":${nested(600)}}]}`]) {
    for (const segments of [true, false]) {
      for (let k = 0; k < 2; k++) {
        const c = code(() => parseBody('anthropic', Buffer.from(t), cache, { segments }));
        assert.ok(c === 'AIRLOCK_ERR_BAD_JSON' || c === 'AIRLOCK_ERR_BAD_REQUEST', `${t.slice(0, 60)} ${segments} ${c}`);
      }
    }
  }
  for (const t of FINE) assert.equal(code(() => parseBody('anthropic', Buffer.from(t), cache)), null);
});

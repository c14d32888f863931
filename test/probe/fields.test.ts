// The fields the differential probe compares: header values as the tool wrote them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requestFields } from '../../src/probe/index.ts';
import { differential, type RunSample } from '../../src/core/covert/differential.ts';

/** What Node's HTTP server hands over for a header sent as UTF-8: one character per byte. */
const asReceived = (s: string): string => Buffer.from(s, 'utf8').toString('latin1');
const captured = (headers: Record<string, string>) => ({ method: 'POST', url: '/v1/messages', headers, body: Buffer.alloc(0), time: 0 });

test('probe fields: a header sent as UTF-8 is compared as UTF-8; a secret header only as its hash', () => {
  const f = requestFields(captured({ 'x-session': asReceived('s-41\u200b'), 'user-agent': 'tool/1.0', 'x-api-key': asReceived('k\u00e9y') }));
  assert.equal(f.get('header x-session'), 's-41\u200b');
  assert.equal(f.get('header user-agent'), 'tool/1.0');
  assert.match(f.get('header x-api-key')!, /^<secret sha256:[0-9a-f]{12}>$/);
});

test('probe: an invisible character one persona\'s runs add to a header (sent as UTF-8) is an invisible-character difference, high', () => {
  const sample = (persona: string, run: number, session: string): RunSample => ({
    persona, run, requests: [{ id: 'POST /v1/messages #1', fields: requestFields(captured({ 'x-session': asReceived(session) })) }],
  });
  const personas = [{ name: 'base', dimension: 'none', echo: new Set<string>() }, { name: 'asia', dimension: 'tz', echo: new Set<string>() }];
  const r = differential([sample('base', 1, 'abc'), sample('base', 2, 'abc'), sample('asia', 1, 'abc\u200b'), sample('asia', 2, 'abc\u200b')], personas, 'base');
  const d = r.differences.find((x) => x.field === 'header x-session');
  assert.ok(d !== undefined, JSON.stringify(r.differences));
  assert.equal(d.severity, 'high');
});

test('probe fields: the target is the path; each query parameter is a field of its own, decoded (an invisible character percent-encoded in one is one)', () => {
  const f = requestFields({ ...captured({}), url: '/v1/messages?beta=true&tag=ok%E2%80%8B&flag&tag=2' });
  assert.equal(f.get('(target)'), 'POST /v1/messages');
  assert.equal(f.get('query beta'), 'true');
  assert.equal(f.get('query tag'), 'ok\u200b');
  assert.equal(f.get('query flag'), '');
  assert.equal(f.get('query tag#1'), '2');
  const plain = requestFields(captured({}));
  assert.equal(plain.get('(target)'), 'POST /v1/messages');
  assert.equal([...plain.keys()].some((k) => k.startsWith('query ')), false);
});

// Request headers as inspected segments, and their redaction with the body's placeholders.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HeaderParts, headerSegments, headerText, headerWire } from '../../src/core/exchange/headers.ts';
import { placeholderNamer, redact, redactHeaders } from '../../src/core/redact.ts';
import { inspect } from '../../src/core/detect/engine.ts';
import { parseRequest } from '../../src/core/exchange/index.ts';
import { forwardsHeader } from '../../src/gateway/upstream.ts';

const GH = 'ghp_R7mQ2xK9pL4vN8sT1wY6zB3cF5hJ0dG2aE4i';

test('headerSegments: every forwarded header in name order, role header; credentials and hop-by-hop fields are not', () => {
  const segs = headerSegments({
    'x-team-token': GH, 'user-agent': 'claude-cli/2.1.90 (external, cli)', 'x-api-key': 'alk_secret', authorization: 'Bearer sk-x',
    connection: 'keep-alive', 'x-multi': ['a', 'b'], 'x-empty': '', 'x-absent': undefined,
  }, forwardsHeader);
  assert.deepEqual(segs.map((s) => [s.role, s.path, s.text]), [
    ['header', ['headers', 'user-agent'], 'claude-cli/2.1.90 (external, cli)'],
    ['header', ['headers', 'x-multi'], 'a, b'],
    ['header', ['headers', 'x-team-token'], GH],
  ]);
});

test('a secret in a header is found like one in the body: path headers["x-team-token"], exact span', () => {
  const r = inspect(headerSegments({ 'x-team-token': `token ${GH}`, 'user-agent': 'codex/0.171.0' }, forwardsHeader), {});
  const f = r.findings.filter((x) => x.rule === 'github-pat');
  assert.equal(f.length, 1);
  assert.equal(f[0]!.role, 'header');
  assert.equal(f[0]!.segmentPath, 'headers["x-team-token"]');
  assert.deepEqual([f[0]!.start, f[0]!.end], [6, 6 + GH.length]);
  assert.deepEqual(inspect(headerSegments({ 'user-agent': 'codex/0.171.0', 'anthropic-version': '2023-06-01' }, forwardsHeader), {}).findings, []);
});

test('redactHeaders: only the spans change, and a value in the body and a header gets one placeholder', () => {
  const body = JSON.stringify({ model: 'm', messages: [{ role: 'user', content: `use ${GH} please` }] });
  const parsed = parseRequest('anthropic', body);
  const hs = headerSegments({ 'x-team-token': `token ${GH}`, 'x-other': 'plain' }, forwardsHeader);
  const bodyFindings = inspect(parsed.segments, {}).findings;
  const headerFindings = inspect(hs, {}).findings;
  const name = placeholderNamer();
  const b = redact(body, parsed.segments, bodyFindings, name);
  const h = redactHeaders(hs, headerFindings, name);
  assert.match(b.body, /use \[REDACTED:github-pat#1\] please/);
  assert.deepEqual(h, { headers: { 'x-team-token': 'token [REDACTED:github-pat#1]' }, missing: 0 });
  // A finding whose header is not among the segments is counted, for the caller to fail closed.
  assert.equal(redactHeaders([], headerFindings).missing, 1);
});

/** What Node hands over for a header sent as UTF-8: one character per byte. */
const asReceived = (s: string): string => Buffer.from(s, 'utf8').toString('latin1');

test('headerText: a value sent as UTF-8 is read as UTF-8; ASCII, true Latin-1 and non-byte strings stay as they are; headerWire gives back the bytes', () => {
  for (const meant of ['abc\u200bdef', 'x\u{E0041}\u{E0042}y', 'p\u0430ypal', '\ufeffbom kept', 'caf\u00e9 \u2014 ok']) {
    assert.equal(headerText(asReceived(meant)), meant, JSON.stringify(meant));
    assert.equal(headerWire(meant, asReceived(meant)), asReceived(meant), 'the same bytes back');
  }
  for (const raw of ['plain ascii', 'caf\u00e9 (one Latin-1 byte, not UTF-8)', '\u00c3(', 'already \u200b decoded']) {
    assert.equal(headerText(raw), raw, JSON.stringify(raw));
    assert.equal(headerWire(raw, raw), raw);
  }
  // A changed value goes back in the encoding its header came in.
  assert.equal(headerWire('x [REDACTED:t#1] \u00e9', asReceived('x secret \u00e9')), asReceived('x [REDACTED:t#1] \u00e9'));
  assert.equal(headerWire('x [REDACTED:t#1] \u00e9', 'x secret \u00e9'), 'x [REDACTED:t#1] \u00e9');
});

test('hidden and look-alike characters in a header sent as UTF-8 are found (as Node hands it over, one character per byte), at spans of the decoded value', () => {
  const hs = headerSegments({ 'x-session': asReceived('abc\u200bdef'), 'x-flag': asReceived('x\u{E0041}\u{E0042}y'), 'x-site': asReceived('p\u0430ypal'), 'x-latin': 'caf\u00e9' }, forwardsHeader);
  const r = inspect(hs, {});
  assert.deepEqual(r.findings.map((f) => `${f.segmentPath} ${f.rule} ${f.start}-${f.end}`).sort(), [
    'headers["x-flag"] tag-characters 1-5',
    'headers["x-session"] zero-width 3-4',
    'headers["x-site"] homoglyph 1-2',
  ]);
});

test('redactHeaders: a header that came as UTF-8 goes back as UTF-8 bytes, only the secret replaced', () => {
  const received = { 'x-note': asReceived(`na\u00efve \u2014 token ${GH} \u2713`) };
  const hs = headerSegments(received, forwardsHeader);
  const h = redactHeaders(hs, inspect(hs, { detectors: ['secrets'] }).findings, placeholderNamer(), received);
  assert.deepEqual(h.headers, { 'x-note': asReceived('na\u00efve \u2014 token [REDACTED:github-pat#1] \u2713') });
});

test('HeaderParts: a header with the same value is the same segment in the same one-segment part; a new value, another role or a long value is not kept over', () => {
  const hp = new HeaderParts(3);
  const a = hp.of(headerSegments({ 'user-agent': 'claude-cli/2.1.90', 'x-request-id': 'r1', 'x-team-token': GH }, forwardsHeader));
  const b = hp.of(headerSegments({ 'user-agent': 'claude-cli/2.1.90', 'x-request-id': 'r2', 'x-team-token': GH }, forwardsHeader));
  assert.deepEqual(b.segments.map((s) => s.text), ['claude-cli/2.1.90', 'r2', GH]);
  assert.deepEqual(b.parts.map((p) => p.length), [1, 1, 1]);
  assert.ok(b.parts.every((p, i) => p[0] === b.segments[i]), 'each part holds its segment');
  assert.equal(b.segments[0], a.segments[0]);
  assert.equal(b.parts[0], a.parts[0], 'the same part array: the result cache finds it by the array');
  assert.notEqual(b.segments[1], a.segments[1]);
  assert.equal(b.segments[1]!.text, 'r2');
  // The same value under another name is another header.
  const c = hp.of([{ role: 'header', path: ['headers', 'x-other'], text: GH }]);
  assert.notEqual(c.segments[0], a.segments[2]);
  assert.deepEqual(c.segments[0]!.path, ['headers', 'x-other']);
  // Another role with the same path and text is not handed the kept segment.
  const d = hp.of([{ role: 'user', path: ['headers', 'user-agent'], text: 'claude-cli/2.1.90' }]);
  assert.equal(d.segments[0]!.role, 'user');
  // Bounded: never more than maxEntries kept.
  for (let i = 0; i < 20; i++) hp.of([{ role: 'header', path: ['headers', 'x-request-id'], text: `id-${i}` }]);
  assert.ok(hp.size <= 3, `${hp.size}`);
  // A long value is scanned as itself each time, not kept.
  const long = 'v'.repeat(2000);
  const e1 = hp.of([{ role: 'header', path: ['headers', 'x-long'], text: long }]);
  const e2 = hp.of([{ role: 'header', path: ['headers', 'x-long'], text: long }]);
  assert.notEqual(e1.parts[0], e2.parts[0]);
});

test('header and query redaction find a finding\'s segment as the engine says, not by its rendered path', async () => {
  const { redactHeaders, redactQuery, placeholderNamer } = await import('../../src/core/redact.ts');
  const { querySegments } = await import('../../src/core/exchange/query.ts');
  const { inspect } = await import('../../src/core/detect/engine.ts');
  const tok = 'ghp_' + 'T5y6U7i8O9p0A1s2D3f4G5h6J7k8L9z0X1c2';
  const segs = headerSegments({ 'x-team-token': tok }, () => true).concat(querySegments(`?k=${tok}`));
  const r = inspect(segs);
  // A path rendered another way than the segments' now (a key's tag table started afresh).
  const findings = r.findings.map((f) => ({ ...f, segmentPath: `${f.segmentPath}~stale` }));
  const byIdentity = (f: (typeof findings)[number]) => r.segmentOf(r.findings[findings.indexOf(f)]!);
  const name = placeholderNamer();
  const h = redactHeaders(byIdentity, findings.filter((f) => f.role === 'header'), name);
  assert.equal(h.missing, 0);
  assert.equal(h.headers['x-team-token'], '[REDACTED:github-pat#1]');
  const q = redactQuery(`?k=${tok}`, byIdentity, findings.filter((f) => f.role === 'query'), name);
  assert.deepEqual(q, { search: '?k=%5BREDACTED%3Agithub-pat%231%5D', missing: 0 });
  // By path, the stale paths are not found: counted missing (the gateway then fails closed).
  assert.equal(redactHeaders(segs, findings.filter((f) => f.role === 'header'), name).missing, 1);
});

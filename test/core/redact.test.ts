// Redaction patches exactly the finding spans with stable placeholders and changes no other byte.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRequest, renderPath } from '../../src/core/exchange/index.ts';
import { redact } from '../../src/core/redact.ts';
import type { Dialect, Finding, Segment } from '../../src/core/types.ts';

function findingFor(segs: Segment[], path: string, value: string, rule = 'aws-access-key', nth = 0): Finding {
  const seg = segs.find((s) => s.isKey !== true && renderPath(s.path) === path);
  assert.ok(seg, `segment ${path}`);
  let start = -1;
  for (let i = 0; i <= nth; i++) start = seg.text.indexOf(value, start + 1);
  assert.ok(start >= 0, `value in ${path}`);
  return { detector: 'secrets', rule, severity: 'high', role: seg.role, segmentPath: path, start, end: start + value.length, preview: 'x', confidence: 1 };
}

const run = (dialect: Dialect, raw: string, spec: [string, string, string?, number?][]): { out: string; placeholders: (string | null)[] } => {
  const p = parseRequest(dialect, raw);
  const findings = spec.map(([path, value, rule, nth]) => findingFor(p.segments, path, value, rule, nth));
  const r = redact(raw, p.segments, findings);
  return { out: r.body, placeholders: r.placeholders };
};

test('only the span changes; the rest of the body is byte-identical', () => {
  const raw = '{ "model" : "m",\n  "messages": [ {"role":"user", "content": "key AKIAQ3EGRFZL7XKJ2M5T here"} ] }';
  const { out } = run('anthropic', raw, [['messages[0].content', 'AKIAQ3EGRFZL7XKJ2M5T']]);
  assert.equal(out, raw.replace('AKIAQ3EGRFZL7XKJ2M5T', '[REDACTED:aws-access-key#1]'));
});

test('escapes before the span (\\n, \\u00e9, surrogate pairs) are accounted for', () => {
  const raw = String.raw`{"messages":[{"role":"user","content":"line1\nnaïve caf\u00e9 \ud83d\ude00 tab\t SECRET=hJ8sK2mZp4Lq9WvX1tYb end \"q\""}]}`;
  const { out } = run('anthropic', raw, [['messages[0].content', 'hJ8sK2mZp4Lq9WvX1tYb', 'generic-secret']]);
  assert.equal(out, raw.replace('hJ8sK2mZp4Lq9WvX1tYb', '[REDACTED:generic-secret#1]'));
  const back = JSON.parse(out) as { messages: { content: string }[] };
  assert.match(back.messages[0]!.content, /caf\u00e9 \u{1F600} tab\t SECRET=\[REDACTED:generic-secret#1\] end "q"$/u);
});

test('the same value maps to the same placeholder; different values count up per rule', () => {
  const raw = JSON.stringify({ system: 'use AKIAAAAAAAAAAAAAAAAA', messages: [{ role: 'user', content: 'AKIAAAAAAAAAAAAAAAAA and AKIABBBBBBBBBBBBBBBB' }] });
  const { out, placeholders } = run('anthropic', raw, [
    ['system', 'AKIAAAAAAAAAAAAAAAAA'],
    ['messages[0].content', 'AKIAAAAAAAAAAAAAAAAA'],
    ['messages[0].content', 'AKIABBBBBBBBBBBBBBBB'],
  ]);
  assert.deepEqual(placeholders, ['[REDACTED:aws-access-key#1]', '[REDACTED:aws-access-key#1]', '[REDACTED:aws-access-key#2]']);
  const j = JSON.parse(out) as { system: string; messages: { content: string }[] };
  assert.equal(j.system, 'use [REDACTED:aws-access-key#1]');
  assert.equal(j.messages[0]!.content, '[REDACTED:aws-access-key#1] and [REDACTED:aws-access-key#2]');
});

test('overlapping findings merge into one patch', () => {
  const raw = JSON.stringify({ messages: [{ role: 'user', content: 'postgres://u:pw12345678@h/db' }] });
  const p = parseRequest('anthropic', raw);
  const a = findingFor(p.segments, 'messages[0].content', 'postgres://u:pw12345678@h/db', 'db-url');
  const b = findingFor(p.segments, 'messages[0].content', 'pw12345678', 'password');
  const r = redact(raw, p.segments, [a, b]);
  assert.equal((JSON.parse(r.body) as { messages: { content: string }[] }).messages[0]!.content, '[REDACTED:db-url#1]');
  assert.equal(r.count, 1);
});

test('OpenAI tool-call arguments (JSON inside a string) stay valid on both levels', () => {
  const raw = JSON.stringify({ model: 'gpt', messages: [{ role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'write', arguments: JSON.stringify({ token: 'ghp_0123456789abcdefghijABCDEFGHIJ012345' }) } }] }] });
  const { out } = run('openai-chat', raw, [['messages[0].tool_calls[0].function.arguments', 'ghp_0123456789abcdefghijABCDEFGHIJ012345', 'github-pat']]);
  const args = (JSON.parse(out) as { messages: { tool_calls: { function: { arguments: string } }[] }[] }).messages[0]!.tool_calls[0]!.function.arguments;
  assert.deepEqual(JSON.parse(args), { token: '[REDACTED:github-pat#1]' });
});

test('no findings: the body is returned unchanged (same string)', () => {
  const raw = '{"messages":[]}';
  assert.equal(redact(raw, [], []).body, raw);
});

test('a finding under a top-level key that is not an identifier is still redacted', () => {
  const raw = JSON.stringify({ model: 'm', 'x-extra field': 'token AKIAQ3EGRFZL7XKJ2M5T', messages: [] });
  const { out } = run('anthropic', raw, [['["x-extra field"]', 'AKIAQ3EGRFZL7XKJ2M5T']]);
  assert.equal(out, raw.replace('AKIAQ3EGRFZL7XKJ2M5T', '[REDACTED:aws-access-key#1]'));
});

test('a value that occurs twice is patched at the finding\'s own place only', () => {
  const raw = JSON.stringify({ system: 'key AKIAQ3EGRFZL7XKJ2M5T', messages: [{ role: 'user', content: 'key AKIAQ3EGRFZL7XKJ2M5T' }] });
  const { out } = run('anthropic', raw, [['messages[0].content', 'AKIAQ3EGRFZL7XKJ2M5T']]);
  const j = JSON.parse(out) as { system: string; messages: { content: string }[] };
  assert.equal(j.system, 'key AKIAQ3EGRFZL7XKJ2M5T', 'the other occurrence is untouched');
  assert.equal(j.messages[0]!.content, 'key [REDACTED:aws-access-key#1]');
});

test('byte-level redaction (the gateway fast path) gives exactly the bytes of string redaction', async () => {
  const { planByteRedaction } = await import('../../src/core/redact.ts');
  const { patchBytes, decodeBody } = await import('../../src/gateway/body.ts');
  const { inspect } = await import('../../src/core/detect/engine.ts');
  const { readFileSync } = await import('node:fs');
  const bodies = [
    readFileSync('test/fixtures/bodies/claude-code-2.1.90.json', 'utf8'),
    readFileSync('test/fixtures/bodies/qwen-code-0.15.10.json', 'utf8'),
    JSON.stringify({ messages: [{ role: 'user', content: 'naïve café 😀 — “quoted”\n\ttab AWS_SECRET_ACCESS_KEY=hJ8sK2mZp4Lq9WvX1tYb7NcR5eF3gD6aQ0uIoPzE 日本語 ghp_R7mQ2xK9pL4vN8sT1wY6zB3cF5hJ0dG2aE4i' }] }),
  ];
  for (const raw of bodies) {
    const dialect = raw.includes('"role":"tool"') || raw.includes('"role": "tool"') ? 'openai-chat' : 'anthropic';
    const buf = Buffer.from(raw, 'utf8');
    const d = decodeBody(buf);
    assert.equal(d.byteView, true);
    const p = parseRequest(dialect, d.text, d.fix);
    const inspected = inspect(p.segments);
    const findings = inspected.findings.filter((f) => f.detector === 'secrets');
    assert.ok(findings.length > 0, 'the fixture has secrets to redact');
    const plan = planByteRedaction(d.text, p.segments, findings);
    assert.ok(plan !== null, 'literals found by their JSON.stringify form');
    assert.deepEqual(planByteRedaction(d.text, inspected.segmentOf, findings), plan, 'located by the engine as by path');
    const viaBytes = patchBytes(buf, plan.patches);
    const viaString = Buffer.from(redact(raw, parseRequest(dialect, raw).segments, findings).body, 'utf8');
    assert.ok(viaBytes.equals(viaString), 'same bytes');
    assert.deepEqual(plan.placeholders, redact(raw, parseRequest(dialect, raw).segments, findings).placeholders);
  }
});

test('byte-level redaction declines (null) for a finding outside the given segments, and redact() reports it unplaced', async () => {
  const { planByteRedaction } = await import('../../src/core/redact.ts');
  const raw = JSON.stringify({ messages: [{ role: 'user', content: 'key AKIAQ3EGRFZL7XKJ2M5T' }] });
  const p = parseRequest('anthropic', raw);
  const f = findingFor(p.segments, 'messages[0].content', 'AKIAQ3EGRFZL7XKJ2M5T');
  const stray = { ...f, segmentPath: 'messages[5].content' };
  assert.equal(planByteRedaction(raw, p.segments, [f, stray]), null);
  assert.deepEqual(redact(raw, p.segments, [f, stray]).placeholders, ['[REDACTED:aws-access-key#1]', null]);
});

test('byte-level redaction declines (null) when a literal is not written as JSON.stringify writes it', async () => {
  const { planByteRedaction } = await import('../../src/core/redact.ts');
  const raw = '{"messages":[{"role":"user","content":"key \\u0041KIAQ3EGRFZL7XKJ2M5T"}]}';
  const p = parseRequest('anthropic', raw);
  const f = findingFor(p.segments, 'messages[0].content', 'AKIAQ3EGRFZL7XKJ2M5T');
  assert.equal(planByteRedaction(raw, p.segments, [f]), null);
  assert.equal(JSON.parse(redact(raw, p.segments, [f]).body).messages[0].content, 'key [REDACTED:aws-access-key#1]', 'the string path still redacts it');
});

test('a value found by two rules keeps one placeholder in the exchange, named after the first', () => {
  const secret = 'hJ8sK2mZp4Lq9WvX1tYb7NcR5eF3gD6aQ0uIoPzE';
  const raw = JSON.stringify({ system: `aws_secret_access_key=${secret}`, messages: [{ role: 'user', content: `password: ${secret}` }] });
  const { out, placeholders } = run('anthropic', raw, [
    ['system', secret, 'aws-secret-key'],
    ['messages[0].content', secret, 'generic-password'],
  ]);
  assert.deepEqual(placeholders, ['[REDACTED:aws-secret-key#1]', '[REDACTED:aws-secret-key#1]']);
  assert.ok(!out.includes(secret));
});

test('a value escaped another way than JSON.stringify does, beside the same text written plainly elsewhere, is patched in its own literal (both paths)', async () => {
  const { planByteRedaction, placeholderNamer } = await import('../../src/core/redact.ts');
  const { patchBytes } = await import('../../src/gateway/body.ts');
  const secret = 'ghp_MpviEBpdyEgAUSJ8yWDHhBnQ4BEKo5iviXHn';
  for (const raw of [
    // The plain copy in another message, in the same message's other block, or as a key.
    `{"messages":[{"role":"user","content":"key ghp_M\\u0070viEBpdyEgAUSJ8yWDHhBnQ4BEKo5iviXHn"},{"role":"user","content":"key ${secret}"}]}`,
    `{"messages":[{"role":"user","content":[{"type":"text","text":"key ghp_Mp\\u0076iEBpdyEgAUSJ8yWDHhBnQ4BEKo5iviXHn"},{"type":"text","text":"key ${secret}"}]}]}`,
    `{"metadata":{"key ${secret}":1},"messages":[{"role":"user","content":"key ghp_M\\u0070viEBpdyEgAUSJ8yWDHhBnQ4BEKo5iviXHn"}]}`,
    `{"messages":[{"role":"user","content":"key ghp_M\\/pviEBpdyEgAUSJ8yWDHhBnQ4BEKo5iviXHn"},{"role":"user","content":"key ghp_M/pviEBpdyEgAUSJ8yWDHhBnQ4BEKo5iviXHn"}]}`,
  ]) {
    const p = parseRequest('anthropic', raw);
    const value = raw.includes('\\/') ? 'ghp_M/pviEBpdyEgAUSJ8yWDHhBnQ4BEKo5iviXHn' : secret;
    const findings = p.segments.filter((s) => s.isKey !== true && s.text.includes(value)).map((s) => findingFor(p.segments, renderPath(s.path), value, 'github-pat'));
    assert.ok(findings.length >= 1);
    // The byte plan declines (the string path decides), and the string path patches every copy.
    assert.equal(planByteRedaction(raw, p.segments, findings, placeholderNamer()), null, raw);
    assert.equal(planByteRedaction(Buffer.from(raw), p.segments, findings, placeholderNamer()), null, raw);
    const out = redact(raw, p.segments, findings).body;
    for (const s of parseRequest('anthropic', out).segments) if (s.isKey !== true) assert.ok(!s.text.includes(value), `${s.text} in ${out}`);
    assert.ok(patchBytes(Buffer.from(raw), []).equals(Buffer.from(raw)));
  }
});

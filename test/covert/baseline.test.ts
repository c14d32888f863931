// Passive prompt baselines on synthetic exchanges: learning per (tool, version), the classes of
// findings, the split-users rule for formatting variants, version changes, and the persisted
// variants that let another instance (or a restart) start from what was learned.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CovertBaseline } from '../../src/core/covert/baseline.ts';
import { segmentBody } from '../../src/core/exchange/index.ts';
import type { Finding, Segment } from '../../src/core/types.ts';

const TOOLS = [{ name: 'Bash', description: 'Run a shell command.', input_schema: { type: 'object', properties: { command: { type: 'string', description: 'The command.' } } } }];

function segs(system: string, tools: unknown[] = TOOLS): Segment[] {
  return segmentBody('anthropic', { model: 'm', system: [{ type: 'text', text: system }], tools, messages: [{ role: 'user', content: 'hi' }] }).segments;
}

const prompt = (user: string, date = '2026-11-21', extra = ''): string =>
  `You are Claude's coding helper.\nWorking directory: /home/${user}/src\nToday's date: ${date}\nBe careful.${extra}`;

test('dynamic content that varies between users is learned, not reported', () => {
  const b = new CovertBaseline();
  const users = ['alice', 'bob', 'carol', 'dave'];
  for (const [i, u] of users.entries()) {
    assert.deepEqual(b.observe({ tool: 'claude-cli', version: '2.1.90', user: u, segments: segs(prompt(u, `2026-11-2${i}`, i % 2 ? '\n# memory\nUse tabs.' : '')) }), []);
  }
  assert.equal(b.stats().groups, 2, 'system + one tool');
});

test('an invisible or look-alike variant is HIGH on every exchange that carries it', () => {
  const b = new CovertBaseline();
  for (const u of ['alice', 'bob']) b.observe({ tool: 't', version: '1', user: u, segments: segs(prompt(u)) });
  const zw = b.observe({ tool: 't', version: '1', user: 'li', segments: segs(prompt('li').replace('careful', 'care\u200bful')) });
  assert.equal(zw.length, 1);
  assert.deepEqual({ detector: zw[0]!.detector, rule: zw[0]!.rule, severity: zw[0]!.severity, role: zw[0]!.role, segmentPath: zw[0]!.segmentPath }, { detector: 'covert', rule: 'invisible-variant', severity: 'high', role: 'system', segmentPath: 'system[0].text' });
  assert.match(zw[0]!.detail!, /U\+200B ZERO WIDTH SPACE/);
  const text = segs(prompt('li').replace('careful', 'care\u200bful')).find((s) => s.structural !== true)!.text;
  assert.equal(text.slice(zw[0]!.start, zw[0]!.end), '\u200b', 'span points at the hidden character');
  // The same exchange again (known variant, fast path): reported again.
  assert.equal(b.observe({ tool: 't', version: '1', user: 'li', segments: segs(prompt('li').replace('careful', 'care\u200bful')) }).length, 1);
  const q = b.observe({ tool: 't', version: '1', user: 'wang', segments: segs(prompt('wang').replace("Claude's", 'Claude\u2019s')) });
  assert.deepEqual(q.map((f) => [f.rule, f.severity]), [['confusable-variant', 'high']]);
  assert.match(q[0]!.detail!, /U\+2019/);
});

test('a schema KEY that differs from a known one at one unsampled character is a new variant, not the known one', () => {
  const b = new CovertBaseline();
  // 43 characters: the known-prompt fingerprint samples every 5th; index 2 is not sampled.
  const key = 'command_with_a_rather_long_descriptive_name';
  const toolsWith = (k: string): unknown[] => [{ ...(TOOLS[0] as object), input_schema: { type: 'object', properties: { [k]: { type: 'string' } } } }];
  for (const u of ['alice', 'bob']) assert.deepEqual(b.observe({ tool: 't', version: '1', user: u, segments: segs(prompt('x'), toolsWith(key)) }), []);
  const before = b.stats().variants;
  const other = `${key.slice(0, 2)}\u043e${key.slice(3)}`; // Cyrillic о for the Latin o at index 2
  for (let i = 0; i < 2; i++) b.observe({ tool: 't', version: '1', user: 'mallory', segments: segs(prompt('x'), toolsWith(other)) });
  assert.equal(b.stats().variants, before + 1, 'the other key is a variant of its own');
  // The known key again is the known reference: no finding, no new variant.
  assert.deepEqual(b.observe({ tool: 't', version: '1', user: 'dave', segments: segs(prompt('x'), toolsWith(key)) }), []);
  assert.equal(b.stats().variants, before + 1);
});

test('a schema key spelled another way is compared with the key it replaces: look-alike and invisible characters are HIGH, another word is not reported', () => {
  const b = new CovertBaseline();
  const toolsWith = (k: string): unknown[] => [{ ...(TOOLS[0] as object), input_schema: { type: 'object', properties: { [k]: { type: 'string', description: 'The command.' }, timeout: { type: 'number' } } } }];
  for (const u of ['alice', 'bob']) assert.deepEqual(b.observe({ tool: 't', version: '1', user: u, segments: segs(prompt('x'), toolsWith('command')) }), []);
  const seen = (k: string, user: string) => b.observe({ tool: 't', version: '1', user, segments: segs(prompt('x'), toolsWith(k)) }).map((f) => [f.rule, f.severity, f.role, f.segmentPath]);
  const at = 'tools[0].input_schema.properties';
  assert.deepEqual(seen('c\u043emmand', 'mallory'), [['confusable-variant', 'high', 'tool_definition', `${at}["c\u043emmand"]`]]);
  assert.deepEqual(seen('com\u200bmand', 'eve'), [['invisible-variant', 'high', 'tool_definition', `${at}["com\u200bmand"]`]]);
  assert.deepEqual(seen('script', 'carol'), [], 'another word is a content change, not a signal');
});

test('a formatting variant is MEDIUM once it splits users, not when one user changes', () => {
  const b = new CovertBaseline();
  b.observe({ tool: 't', version: '1', user: 'alice', segments: segs(prompt('x')) });
  const tools2 = [{ ...TOOLS[0]!, description: 'Run a shell  command.' }];
  assert.deepEqual(b.observe({ tool: 't', version: '1', user: 'alice', segments: segs(prompt('x'), tools2) }), [], 'same user: no split');
  const f = b.observe({ tool: 't', version: '1', user: 'zhang', segments: segs(prompt('x'), tools2) });
  assert.deepEqual(f.map((x) => [x.rule, x.severity, x.role, x.segmentPath]), [['format-variant', 'medium', 'tool_definition', 'tools[0].description']]);
  const d = b.observe({ tool: 't', version: '1', user: 'bob', segments: segs(prompt('x', '21.11.2026')) });
  assert.deepEqual(d.map((x) => x.rule), ['format-variant']);
  assert.match(d[0]!.detail!, /Y-M-D → D\.M\.Y/);
});

test('header spellings that split users are MEDIUM; volatile headers are ignored', () => {
  const b = new CovertBaseline();
  const h = (platform: string, id: string) => ({ 'x-client-platform': platform, 'x-request-id': id, authorization: `Bearer ${id}` });
  assert.deepEqual(b.observe({ tool: 't', version: '1', user: 'a', segments: segs(prompt('a')), headers: h('linux', '1') }), []);
  assert.deepEqual(b.observe({ tool: 't', version: '1', user: 'b', segments: segs(prompt('b')), headers: h('linux', '2') }), []);
  const f = b.observe({ tool: 't', version: '1', user: 'c', segments: segs(prompt('c')), headers: h('Linux', '3') });
  assert.deepEqual(f.map((x) => [x.rule, x.segmentPath]), [['format-variant', 'header x-client-platform']]);
});

test('a header one user\'s client spells with an invisible character, sent as UTF-8 bytes (as Node hands them over), is an invisible-character finding, HIGH', () => {
  const b = new CovertBaseline();
  const asReceived = (v: string): string => Buffer.from(v, 'utf8').toString('latin1');
  const h = (tag: string) => ({ 'x-client-tag': asReceived(tag) });
  assert.deepEqual(b.observe({ tool: 't', version: '1', user: 'a', segments: segs(prompt('a')), headers: h('cli') }), []);
  assert.deepEqual(b.observe({ tool: 't', version: '1', user: 'b', segments: segs(prompt('b')), headers: h('cli') }), []);
  const f = b.observe({ tool: 't', version: '1', user: 'c', segments: segs(prompt('c')), headers: h('cli\u200b') });
  assert.deepEqual(f.map((x) => [x.rule, x.severity, x.segmentPath]), [['invisible-variant', 'high', 'header x-client-tag']]);
});

test('a new version: its changes are INFO once; baselines are per version', () => {
  const b = new CovertBaseline();
  b.observe({ tool: 't', version: '1', user: 'a', segments: segs(prompt('a')) });
  b.observe({ tool: 't', version: '1', user: 'b', segments: segs(prompt('b')) });
  const first = b.observe({ tool: 't', version: '2', user: 'a', segments: segs(prompt('a') + '\nNew rule: be kind.', [...TOOLS, { name: 'Read', description: 'Read a file.', input_schema: {} }]) });
  assert.ok(first.length >= 2);
  assert.ok(first.every((f) => f.severity === 'info' && f.detector === 'covert'));
  assert.ok(first.some((f) => /new tool:Read/.test(f.detail!)));
  assert.deepEqual(b.observe({ tool: 't', version: '2', user: 'b', segments: segs(prompt('b') + '\nNew rule: be kind.') }), []);
});

test('persisted variants rebuild the baseline in another instance', () => {
  const a = new CovertBaseline();
  for (const u of ['alice', 'bob']) a.observe({ tool: 't', version: '1', user: u, segments: segs(prompt(u)) });
  const rows = a.drainDirty();
  assert.ok(rows.length >= 3);
  assert.deepEqual(a.drainDirty(), [], 'drained');
  // A save that failed puts them back, counts included; one more exchange adds to the count.
  a.restoreDirty(rows);
  a.observe({ tool: 't', version: '1', user: 'alice', segments: segs(prompt('alice')) });
  const again = a.drainDirty();
  assert.deepEqual(again.map((r) => r.hash).sort(), rows.map((r) => r.hash).sort());
  const total = (rs: typeof rows): number => rs.reduce((n, r) => n + r.count, 0);
  assert.ok(total(again) > total(rows), 'the new exchange is counted on top');
  assert.deepEqual(a.drainDirty(), []);
  assert.ok(rows.every((r) => r.tool === 't' && r.version === '1' && /^[0-9a-f]{16}$/.test(r.hash)));
  assert.ok(!JSON.stringify(rows).includes('"hi"'), 'user messages are never part of a baseline');
  const b = new CovertBaseline();
  b.load(rows);
  // The known variant is a hit (no finding), and a look-alike variant is found without relearning.
  assert.deepEqual(b.observe({ tool: 't', version: '1', user: 'alice', segments: segs(prompt('alice')) }), []);
  assert.equal(b.observe({ tool: 't', version: '1', user: 'li', segments: segs(prompt('li').replace('Be careful', 'Be c\u0430reful')) })[0]?.rule, 'confusable-variant');
});

test('a prompt resent as the same segments is matched from the last exchange: same findings, counts and users; a changed segment is compared again', () => {
  const b = new CovertBaseline();
  const known = segs(prompt('x'));
  const hidden = segs(prompt('x').replace('careful', 'care\u200bful'));
  for (const u of ['alice', 'alice', 'bob']) assert.deepEqual(b.observe({ tool: 't', version: '1', user: u, segments: known }), []);
  // Three times the same objects: the first compares, the later ones reuse the last lookup and
  // must still report the hidden character every time.
  for (let i = 0; i < 3; i++) {
    const f = b.observe({ tool: 't', version: '1', user: 'mallory', segments: hidden });
    assert.deepEqual(f.map((x) => [x.rule, x.severity, x.segmentPath]), [['invisible-variant', 'high', 'system[0].text']], `exchange ${i + 1}`);
  }
  // One segment replaced by a new object with a look-alike character, the rest the same objects.
  const at = hidden.findIndex((s) => s.text === 'Run a shell command.');
  assert.ok(at > 0);
  const edited = hidden.map((s, i) => (i === at ? { ...s, text: 'Run a shell c\u043emmand.' } : s));
  const f = b.observe({ tool: 't', version: '1', user: 'mallory', segments: edited });
  assert.deepEqual(f.map((x) => x.rule).sort(), ['confusable-variant', 'invisible-variant']);
  const counts = new Map(b.drainDirty().filter((r) => r.version === '1').map((r) => [`${r.group}:${r.hash}`, [r.count, r.users.sort().join(',')]]));
  const system = [...counts].filter(([k]) => k.startsWith('system:')).map(([, v]) => v);
  assert.deepEqual(system.sort(), [[3, 'alice,bob'], [4, 'mallory']], 'every exchange counted, the resent ones too');
  // The last lookup of version 1 is not reused for version 2 of the tool.
  for (let i = 0; i < 2; i++) b.observe({ tool: 't', version: '1', user: 'alice', segments: known });
  const groups = b.stats().groups;
  assert.deepEqual(b.observe({ tool: 't', version: '2', user: 'alice', segments: known }), []);
  assert.equal(b.stats().groups, groups + 2, 'version 2 learns its own system prompt and tool');
});

// One date written another way is split by token alignment into several edits ("12/" deleted,
// "/" → ".12."): each is widened to the whole date it cuts into and those that overlap merged.
const dated = (dates: string): string => `You are Claude's coding helper.\nToday's date is ${dates}.\nBe careful.`;
/** The finding's span in the text it was found in. */
const spanOf = (text: string, f: Finding): string => text.slice(f.start, f.end);

test('a date written another way for one user is one format finding over the whole date on both sides', () => {
  const b = new CovertBaseline();
  for (const u of ['alice', 'bob']) assert.deepEqual(b.observe({ tool: 't', version: '1', user: u, segments: segs(dated('12/07/2026')) }), []);
  const text = dated('07.12.2026');
  // The new variant, then the same again (a known variant: its cached edits).
  for (let i = 0; i < 2; i++) {
    const f = b.observe({ tool: 't', version: '1', user: 'carol', segments: segs(text) });
    assert.deepEqual(f.map((x) => [x.rule, x.severity, x.segmentPath]), [['format-variant', 'medium', 'system[0].text']], JSON.stringify(f));
    assert.equal(spanOf(text, f[0]!), '07.12.2026', 'the full stop after the date is not in its span');
    assert.equal(f[0]!.preview, spanOf(text, f[0]!));
    assert.match(f[0]!.detail!, /date format .*\(12\/07\/2026 → 07\.12\.2026; ambiguous/);
  }
  // A new version that writes the date another way: one change since the previous version.
  const v2 = b.observe({ tool: 't', version: '2', user: 'alice', segments: segs(text) });
  assert.deepEqual(v2.map((x) => [x.rule, x.severity]), [['format-variant', 'info']], JSON.stringify(v2));
  assert.equal(spanOf(text, v2[0]!), '07.12.2026');
});

test('a change next to a date leaves the date out of the span', () => {
  const b = new CovertBaseline();
  for (const u of ['alice', 'bob']) b.observe({ tool: 't', version: '1', user: u, segments: segs(dated('12/07/2026')) });
  // Between the date and the full stop after it: the span is the hidden character.
  const hidden = dated('12/07/2026\u200b');
  const f = b.observe({ tool: 't', version: '1', user: 'li', segments: segs(hidden) });
  assert.deepEqual(f.map((x) => [x.rule, spanOf(hidden, x)]), [['invisible-variant', '\u200b']]);
  const spaced = dated('12/07/2026').replace('is ', 'is  ');
  const g = b.observe({ tool: 't', version: '1', user: 'wang', segments: segs(spaced) });
  assert.deepEqual(g.map((x) => [x.rule, spanOf(spaced, x)]), [['format-variant', ' ']]);
  const lookalike = dated('12/07/2026').replace('date is', 'date \u0456s');
  const h = b.observe({ tool: 't', version: '1', user: 'zhao', segments: segs(lookalike) });
  assert.deepEqual(h.map((x) => [x.rule, spanOf(lookalike, x)]), [['confusable-variant', '\u0456s']]);
});

test('two dates written another way in one prompt stay two findings, each over its own date', () => {
  const b = new CovertBaseline();
  for (const u of ['alice', 'bob']) b.observe({ tool: 't', version: '1', user: u, segments: segs(dated('12/07/2026, the release 11/03/2026')) });
  const text = dated('07.12.2026, the release 03.11.2026');
  const f = b.observe({ tool: 't', version: '1', user: 'carol', segments: segs(text) });
  assert.deepEqual(f.map((x) => x.rule), ['format-variant', 'format-variant'], JSON.stringify(f));
  assert.equal(spanOf(text, f[0]!), '07.12.2026');
  assert.equal(spanOf(text, f[1]!), '03.11.2026');
  assert.match(f[0]!.detail!, /\(12\/07\/2026 → 07\.12\.2026;/);
  assert.match(f[1]!.detail!, /\(11\/03\/2026 → 03\.11\.2026;/);
});

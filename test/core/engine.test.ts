// The engine: every detector over every segment, findings with masked previews, a cache that
// returns exactly what a fresh scan returns, and a throwing detector reported, never fatal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { inspect } from '../../src/core/detect/engine.ts';
import { HitCache, groupRanges } from '../../src/core/detect/cache.ts';
import { DETECTORS } from '../../src/core/detect/registry.ts';
import { parseRequest, renderPath } from '../../src/core/exchange/index.ts';
import type { Segment } from '../../src/core/types.ts';

const body = parseRequest('anthropic', readFileSync('test/fixtures/bodies/claude-code-2.1.90.json', 'utf8'));

test('a cached scan gives exactly the findings of a fresh scan, and is used', () => {
  const cache = new HitCache();
  const fresh = inspect(body.segments);
  const first = inspect(body.segments, { cache });
  const second = inspect(body.segments, { cache });
  const plain = (r: ReturnType<typeof inspect>) => ({ findings: r.findings, errors: r.errors });
  assert.deepEqual(plain(first), plain(fresh));
  assert.deepEqual(plain(second), plain(fresh));
  assert.ok(cache.hits > 0 && cache.size > 0);
  assert.ok(fresh.findings.some((f) => f.rule === 'aws-secret-key'), 'the .env tool result is found');
  // Each finding knows the segment it was made in, cached or not (redaction patches there).
  for (const r of [fresh, second]) {
    for (const f of r.findings) {
      const seg = r.segmentOf(f);
      assert.ok(seg !== undefined && body.segments.includes(seg), f.segmentPath);
      assert.equal(renderPath(seg.path), f.segmentPath);
      assert.ok(seg.text.length >= f.end);
    }
  }
  assert.equal(fresh.segmentOf({ ...fresh.findings[0]! }), undefined, 'a finding made elsewhere is not claimed');
});

test('findings from cached hits are masked and hashed once, with the hash function asked for', () => {
  const cache = new HitCache();
  const calls: string[] = [];
  const hashA = (v: string): string => {
    calls.push(v);
    return `A:${v.length}`;
  };
  const hashB = (v: string): string => `B:${v.length}`;
  const first = inspect(body.segments, { cache, hashValue: hashA });
  const made = calls.length;
  assert.ok(made > 0 && made === first.findings.length, 'one hash per finding');
  const second = inspect(body.segments, { cache, hashValue: hashA });
  assert.equal(calls.length, made, 'no value hashed again on the next turn');
  assert.deepEqual(second.findings, first.findings);
  for (const f of second.findings) assert.match(f.valueHash ?? '', /^A:\d+$/);
  // The same cached hits under another hash function get that function's hashes.
  const other = inspect(body.segments, { cache, hashValue: hashB });
  assert.deepEqual(other.findings.map((f) => f.valueHash), first.findings.map((f) => f.valueHash!.replace('A:', 'B:')));
  assert.deepEqual(inspect(body.segments, { cache }).findings.map((f) => f.valueHash), first.findings.map(() => undefined));
});

test('the cache distinguishes roles and evicts beyond its byte bound', () => {
  const cache = new HitCache(4096, 16);
  const text = `token=${'x'.repeat(10)} ghp_R7mQ2xK9pL4vN8sT1wY6zB3cF5hJ0dG2aE4i and padding ${'p'.repeat(600)}`;
  const a: Segment = { role: 'user', path: ['a'], text };
  const b: Segment = { role: 'tool_definition', path: ['b'], text };
  const ra = inspect([a], { cache });
  const rb = inspect([b], { cache });
  assert.ok(ra.findings[0]!.confidence > rb.findings[0]!.confidence, 'tool definitions lower confidence');
  for (let i = 0; i < 10; i++) inspect([{ role: 'user', path: ['x'], text: `${i}${'y'.repeat(1000)}` }], { cache });
  assert.ok(cache.size <= 3, `bounded: ${cache.size}`);
});

test('findings carry detector, rule, role, path, span and a masked preview', () => {
  const secret = 'ghp_R7mQ2xK9pL4vN8sT1wY6zB3cF5hJ0dG2aE4i';
  const r = inspect([{ role: 'tool_result', path: ['messages', 2, 'content'], text: `export GITHUB_TOKEN=${secret}` }]);
  const f = r.findings.find((x) => x.rule === 'github-pat')!;
  assert.equal(f.detector, 'secrets');
  assert.equal(f.segmentPath, 'messages[2].content');
  assert.equal(f.start, 20);
  assert.equal(f.end, 20 + secret.length);
  assert.ok(!f.preview.includes(secret.slice(4, 12)));
});

test('a detector that throws is reported in errors and the others still run', () => {
  const boom = { id: 'boom', description: 'throws', severity: 'low' as const, rules: [], detect: () => { throw new Error('kaput'); } };
  DETECTORS.push(boom);
  try {
    const r = inspect([{ role: 'user', path: ['t'], text: 'mail jane.doe@acme-corp.com' }, { role: 'user', path: ['u'], text: 'again' }]);
    assert.deepEqual(r.errors, [{ detector: 'boom', message: 'kaput' }], 'reported once per exchange');
    assert.ok(r.findings.some((f) => f.rule === 'email'));
  } finally {
    DETECTORS.pop();
  }
});

test('detectors can be selected by id; an unknown id is an error', () => {
  const r = inspect([{ role: 'user', path: ['t'], text: 'mail jane.doe@acme-corp.com' }], { detectors: ['secrets'] });
  assert.equal(r.findings.length, 0);
  assert.throws(() => inspect([], { detectors: ['nope'] }), /unknown detector 'nope'/);
});

test('a detector over its time budget is reported', () => {
  let now = 0;
  const slow = { id: 'slow', description: 'slow', severity: 'low' as const, rules: [], detect: () => { now += 30; return []; } };
  DETECTORS.push(slow);
  try {
    const r = inspect([{ role: 'user', path: ['t'], text: 'x' }], { clock: () => now, budgetMs: 25 });
    assert.equal(r.errors.length, 1);
    assert.match(r.errors[0]!.message, /exceeded its time budget \(30\.0 ms > 25 ms\)/);
    assert.equal(r.errors[0]!.detector, 'slow');
  } finally {
    DETECTORS.pop();
  }
});

test('a large input goes through the detectors in batches: same findings in the same order, each error and budget once per detector over all batches', () => {
  // 40 messages of ~40 kB (1.6 M units: several batches), each with findings of three detectors.
  const msg = (i: number): string => `see jane.doe${i}@acme-corp.com (\u202e) and host 10.0.${i}.7 key: ghp_${'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8'.slice(0, 36)} `.padEnd(40_000, 'lorem ipsum ');
  const segs: Segment[] = Array.from({ length: 40 }, (_, i) => ({ role: 'tool_result', path: ['messages', i, 'content'], text: msg(i) }));
  const whole = inspect(segs).findings;
  const one = segs.flatMap((s) => inspect([s]).findings);
  // Detector-major over all segments, as one batch would list them.
  const order = (fs: typeof whole): string[] => fs.map((f) => `${f.detector} ${f.segmentPath} ${f.start}`);
  const byDetector = DETECTORS.flatMap((d) => one.filter((f) => f.detector === d.id));
  assert.deepEqual(order(whole), order(byDetector));
  assert.ok(new Set(whole.map((f) => f.detector)).size >= 3 && whole.length >= 160, `${whole.length} findings`);

  let now = 0;
  let calls = 0;
  const flaky = { id: 'flaky', description: 'throws on some segments, slow on all', severity: 'low' as const, rules: [], detect: (t: string) => { now += 1; calls++; if (t.includes('doe3')) throw new Error(`bad ${calls}`); return []; } };
  DETECTORS.push(flaky);
  try {
    const r = inspect(segs, { clock: () => now, budgetMs: 25 });
    assert.equal(calls, 40);
    // Segments 3 and 30-39 throw: the first error only, no budget line besides it.
    assert.deepEqual(r.errors, [{ detector: 'flaky', message: 'bad 4' }]);
    const q = inspect(segs.filter((s) => !s.text.includes('doe3')), { clock: () => now, budgetMs: 25 });
    // 29 segments, one unit of time each, summed over the batches: over the budget of 25.
    assert.deepEqual(q.errors, [{ detector: 'flaky', message: 'exceeded its time budget (29.0 ms > 25 ms)' }]);
  } finally {
    DETECTORS.pop();
  }
});

test('a short text repeated with the same role is inspected once per call; its findings are made at every place', () => {
  const calls: string[] = [];
  const spy = {
    id: 'spy', description: 'records its calls', severity: 'low' as const, rules: [],
    detect: (t: string, ctx: { segment?: Segment }) => {
      calls.push(`${ctx.segment!.role}:${t}`);
      return t.startsWith('hit') ? [{ rule: 'spy', start: 0, end: 3, confidence: 1 }] : [];
    },
  };
  const long = `hit ${'x'.repeat(30)}`;
  const segs: Segment[] = [
    { role: 'tool_definition', path: ['tools', 0, 'name'], text: 'hit-me' },
    { role: 'tool_definition', path: ['tools', 0, 'description'], text: 'hit-me' },
    { role: 'tool_definition', path: ['tools', 1, 'name'], text: 'hit-me' },
    { role: 'user', path: ['messages', 0, 'content'], text: 'hit-me' },
    { role: 'tool_definition', path: ['tools', 2, 'name'], text: 'hit-me' },
    { role: 'user', path: ['messages', 1, 'content'], text: long },
    { role: 'user', path: ['messages', 2, 'content'], text: long },
  ];
  DETECTORS.push(spy);
  try {
    const r = inspect(segs, { detectors: ['spy'] });
    // Once per role for the short text; every time for a text of 24 units or more.
    assert.deepEqual(calls, ['tool_definition:hit-me', 'user:hit-me', `user:${long}`, `user:${long}`]);
    assert.deepEqual(r.findings.map((f) => f.segmentPath), ['tools[0].name', 'tools[0].description', 'tools[1].name', 'messages[0].content', 'tools[2].name', 'messages[1].content', 'messages[2].content']);
    assert.deepEqual(r.findings.map((f) => r.segmentOf(f)), segs);
    // The same results as inspecting each segment alone.
    assert.deepEqual(r.findings, segs.flatMap((s) => inspect([s], { detectors: ['spy'] }).findings));
    // Through the result cache: the repeats' groups (one of them with its first) are cached with
    // the first one's hits.
    const cache = new HitCache();
    const parts = groupRanges(segs).map(([a, b]) => segs.slice(a, b));
    assert.equal(parts[0]!.length, 2);
    inspect(segs, { detectors: ['spy'], cache }, parts);
    calls.length = 0;
    assert.deepEqual(inspect(segs, { detectors: ['spy'], cache }, parts).findings, r.findings);
    assert.deepEqual(calls, [], 'every group cached');
  } finally {
    DETECTORS.pop();
  }
});

test('a detector that throws on a short text fails its repeats too: none of their groups is cached as clean', () => {
  let calls = 0;
  const boom = { id: 'boom', description: 'throws on one text', severity: 'low' as const, rules: [], detect: (t: string) => { calls++; if (t === 'bad') throw new Error('kaput'); return []; } };
  const segs: Segment[] = [0, 1, 1, 2].map((i, j) => ({ role: 'user', path: ['messages', i, 'content', j], text: 'bad' }));
  DETECTORS.push(boom);
  try {
    const cache = new HitCache();
    const parts = groupRanges(segs).map(([a, b]) => segs.slice(a, b));
    const r = inspect(segs, { detectors: ['boom'], cache }, parts);
    assert.deepEqual(r.errors, [{ detector: 'boom', message: 'kaput' }]);
    assert.equal(calls, 1);
    // No group was cached clean: the next call inspects (and reports) again.
    const again = inspect(segs, { detectors: ['boom'], cache }, parts);
    assert.deepEqual(again.errors, [{ detector: 'boom', message: 'kaput' }]);
    assert.equal(calls, 2);
  } finally {
    DETECTORS.pop();
  }
});

test('a group in use stays cached while new groups churn through a full cache (recently used kept, others evicted)', () => {
  const cache = new HitCache(64 * 1024, 16); // ~32 groups of 1,000 units
  const hot: Segment = { role: 'system', path: ['system'], text: `ghp_R7mQ2xK9pL4vN8sT1wY6zB3cF5hJ0dG2aE4i ${'s'.repeat(1000)}` };
  inspect([hot], { cache });
  const hitsBefore = cache.hits;
  for (let i = 0; i < 300; i++) {
    const r = inspect([hot], { cache });
    assert.equal(r.findings.length, 1);
    inspect([{ role: 'user', path: ['messages', i, 'content'], text: `${i} ${'u'.repeat(1000)}` }], { cache });
  }
  assert.equal(cache.hits - hitsBefore, 300, 'every lookup of the group in use was a hit');
  assert.ok(cache.size <= 33, `bounded: ${cache.size}`);
  // An old churn group is gone: scanning it again is a miss.
  const misses = cache.misses;
  inspect([{ role: 'user', path: ['messages', 0, 'content'], text: `0 ${'u'.repeat(1000)}` }], { cache });
  assert.equal(cache.misses, misses + 1);
});

test('texts that share length and samples but differ elsewhere are not confused by the cache', () => {
  const cache = new HitCache();
  // The difference sits outside the three sampled windows (start, middle, end).
  const head = 'a'.repeat(100);
  const tail = 'c'.repeat(900);
  const clean: Segment = { role: 'user', path: ['x'], text: `${head} ${'b'.repeat(40)} ${tail}` };
  const dirty: Segment = { role: 'user', path: ['x'], text: `${head} ghp_R7mQ2xK9pL4vN8sT1wY6zB3cF5hJ0dG2aE4i ${tail}` };
  assert.equal(clean.text.length, dirty.text.length);
  assert.equal(inspect([clean], { cache }).findings.length, 0);
  assert.equal(inspect([dirty], { cache }).findings.length, 1, 'not served from the clean text');
  assert.equal(cache.size, 2);
});

test('next turn of a conversation: earlier messages and tools come from the cache, results unchanged', () => {
  const cache = new HitCache();
  const turn1 = parseRequest('anthropic', readFileSync('test/fixtures/bodies/claude-code-2.1.90.json', 'utf8'));
  inspect(turn1.segments, { cache });
  const body = JSON.parse(readFileSync('test/fixtures/bodies/claude-code-2.1.90.json', 'utf8')) as { messages: unknown[] };
  body.messages.push({ role: 'assistant', content: 'noted' }, { role: 'user', content: 'mail me at jane.doe@acme-corp.com' });
  const turn2 = parseRequest('anthropic', JSON.stringify(body));
  const hitsBefore = cache.hits;
  const cached = inspect(turn2.segments, { cache });
  assert.ok(cache.hits - hitsBefore >= 10, `groups reused: ${cache.hits - hitsBefore}`);
  const again = inspect(turn2.segments);
  assert.deepEqual([cached.findings, cached.errors], [again.findings, again.errors], 'same findings as a fresh scan');
  assert.ok(cached.findings.some((f) => f.rule === 'email'), 'the new message is inspected');
});

test('the per-segment memo shared by detectors changes no finding: same as each detector alone', () => {
  const options = { internal: { cidrs: ['10.0.0.0/8'], domains: ['corp.internal'], users: ['jdoe'] } };
  const texts = [
    'ssh jdoe@10.1.2.3 then db.corp.internal at 8.8.8.8 — done “ok”',
    'plain ascii 192.168.0.1 and 10.9.9.9 ' + 'x'.repeat(2000),
    `pay with 4111 1111 1111 1111 p\u0430ypal \u200b zero width ${'y'.repeat(500)} 10.0.0.1`,
  ];
  const segs: Segment[] = texts.map((text, i) => ({ role: 'user', path: ['messages', i, 'content'], text }));
  const viaEngine = inspect(segs, options).findings.map((f) => `${f.detector}/${f.rule}@${f.segmentPath}:${f.start}-${f.end}`).sort();
  const alone: string[] = [];
  for (const d of DETECTORS) {
    segs.forEach((s, i) => {
      for (const h of d.detect(s.text, { options })) alone.push(`${d.id}/${h.rule}@messages[${i}].content:${h.start}-${h.end}`);
    });
  }
  assert.deepEqual(viaEngine, alone.sort());
  // Both IP-aware detectors reported the shared addresses.
  assert.ok(viaEngine.some((f) => f.startsWith('pii/internal-ip')) && viaEngine.some((f) => f.startsWith('internal-infra/internal-address')));
});

test('internal names found through the secrets automaton: same findings as internal-infra alone, any case, non-ASCII names too', () => {
  const texts = [
    'deploy to BUILD.CORP.INTERNAL via Jenkins-01 as JDoe, then tell zoë',
    'nothing internal here, only notcorp.internalx and jdoes ' + 'z'.repeat(3000),
    `${'q'.repeat(2000)} jenkins-01`,
  ];
  const segs: Segment[] = texts.map((text, i) => ({ role: 'tool_result', path: ['messages', i, 'content'], text }));
  const infra = DETECTORS.find((d) => d.id === 'internal-infra')!;
  // ASCII names ride in the automaton; a non-ASCII one sends internal-infra back to its own pass.
  for (const [users, extra] of [[['jdoe'], []], [['jdoe', 'zoë'], ['internal-user:64-67']]] as const) {
    const options = { internal: { domains: ['Corp.Internal'], hosts: ['jenkins-01'], users: [...users] } };
    const memo: { internalNames?: boolean } = {};
    DETECTORS[0]!.detect(`no names at all ${'z'.repeat(2000)}`, { options, memo });
    assert.equal(memo.internalNames, users.length === 1 ? false : undefined, 'the automaton answered for ASCII names only');
    const viaEngine = inspect(segs, options).findings.filter((f) => f.detector === 'internal-infra').map((f) => `${f.rule}:${f.start}-${f.end}`);
    const alone = segs.flatMap((s) => infra.detect(s.text, { options }).map((h) => `${h.rule}:${h.start}-${h.end}`));
    assert.deepEqual(viaEngine, alone);
    assert.deepEqual(viaEngine.sort(), ['internal-domain:10-29', 'internal-host:34-44', 'internal-user:48-52', ...extra, 'internal-host:2001-2011'].sort());
  }
});

test('groups for the cache: one per message, per tool definition, per other top-level field', () => {
  const seg = (...path: (string | number)[]): Segment => ({ role: 'user', path, text: 'x' });
  const segs = [
    seg('system'), seg('system', 0, 'text'), // top-level field without an index, then an indexed block
    seg('tools', 0, 'description'), seg('tools', 0, 'input_schema', 'properties', 'a'), seg('tools', 1, 'description'),
    seg('messages', 0, 'content'), seg('messages', 0, 'content', 1, 'text'), seg('messages', 1, 'content'),
    seg('metadata', 'user_id'), seg('metadata', 'other'),
  ];
  assert.deepEqual(groupRanges(segs), [[0, 1], [1, 2], [2, 4], [4, 5], [5, 7], [7, 8], [8, 10]]);
  assert.deepEqual(groupRanges([]), []);
});

test('a group resent as the same segments is a hit; a changed later segment or an evicted group is not', () => {
  const cache = new HitCache(16 * 1024, 16); // ~8 groups of 1,000 units
  const first: Segment = { role: 'user', path: ['messages', 0, 'content', 0, 'text'], text: `first ${'f'.repeat(1000)}` };
  const second: Segment = { role: 'user', path: ['messages', 0, 'content', 1, 'text'], text: `second ${'s'.repeat(1000)}` };
  assert.equal(inspect([first, second], { cache }).findings.length, 0);
  const hits = cache.hits;
  assert.equal(inspect([first, second], { cache }).findings.length, 0);
  assert.equal(cache.hits, hits + 1, 'the same objects: a hit');
  // Churn evicts the group: found again only by scanning it (a miss), within the cache's bound.
  for (let i = 1; i < 40; i++) inspect([{ role: 'user', path: ['messages', i, 'content'], text: `${i} ${'u'.repeat(2000)}` }], { cache });
  const misses = cache.misses;
  assert.equal(inspect([first, second], { cache }).findings.length, 0);
  assert.equal(cache.misses, misses + 1, 'evicted: not served past the bound');
  assert.ok(cache.size <= 9, `bounded: ${cache.size}`);
  // The same first object, another second text: scanned, not served from the entry found by the first.
  const changed: Segment = { ...second, text: `second ghp_R7mQ2xK9pL4vN8sT1wY6zB3cF5hJ0dG2aE4i ${'s'.repeat(959)}` };
  assert.equal(inspect([first, changed], { cache }).findings.length, 1);
});

test('parts of a request (the element cache\'s): the same findings as without; a part found again by its array, within the bound; parts that do not make up the segments are ignored', () => {
  const segs = body.segments;
  const parts = groupRanges(segs).map(([a, b]) => segs.slice(a, b));
  const fresh = inspect(segs);
  assert.ok(fresh.findings.length >= 3);
  const cache = new HitCache();
  assert.deepEqual(inspect(segs, { cache }, parts).findings, fresh.findings);
  const hits = cache.hits;
  const misses = cache.misses;
  assert.deepEqual(inspect(segs, { cache }, parts).findings, fresh.findings, 'served from the cache: same findings');
  assert.equal(cache.misses, misses);
  assert.ok(cache.hits - hits >= 10, `parts found again: ${cache.hits - hits}`);
  // Parts in another order (or from another request) do not describe these segments: the engine
  // groups by path instead, and every finding still points at its own segment.
  const k = parts.findIndex((p) => p.includes(fresh.segmentOf(fresh.findings[0]!)!));
  const j = parts.findIndex((p, i) => i !== k && p.length !== parts[k]!.length);
  assert.ok(k >= 0 && j >= 0);
  const swapped = parts.map((p, i) => (i === k ? parts[j]! : i === j ? parts[k]! : p));
  const r = inspect(segs, { cache }, swapped); // the warm cache: a part misplaced must not bring its results along
  assert.deepEqual(r.findings, fresh.findings);
  for (const f of r.findings) assert.equal(renderPath(r.segmentOf(f)!.path), f.segmentPath.replace(' (key)', ''));
  assert.deepEqual(inspect(segs, {}, [...parts, [{ role: 'user', path: ['x'], text: 'extra' }]]).findings, fresh.findings);
  // A part's array is no way around the bound: evicted by churn, it is scanned again (a miss).
  const small = new HitCache(64 * 1024, 16);
  const big: Segment = { role: 'user', path: ['messages', 0, 'content'], text: `ghp_R7mQ2xK9pL4vN8sT1wY6zB3cF5hJ0dG2aE4i ${'q'.repeat(2000)}` };
  const part = [big];
  assert.equal(inspect(part, { cache: small }, [part]).findings.length, 1);
  for (let i = 1; i < 60; i++) inspect([{ role: 'user', path: ['messages', i, 'content'], text: `${i} ${'u'.repeat(2000)}` }], { cache: small });
  const m = small.misses;
  assert.equal(inspect(part, { cache: small }, [part]).findings.length, 1);
  assert.equal(small.misses, m + 1, 'evicted: scanned again');
});

test('small groups are cached only as fixed parts (found again by their array), and tiny entries still count against the bound', () => {
  const cache = new HitCache(64 * 1024, 256);
  const tiny: Segment[] = [{ role: 'user', path: ['messages', 0, 'content'], text: 'token=abc' }];
  assert.equal(cache.group(tiny), undefined, 'under minLength, not a fixed part: scanned every time');
  const e = cache.group(tiny, true);
  assert.ok(e !== undefined, 'a fixed part of any size has an entry');
  const hits = cache.hits;
  assert.equal(cache.group(tiny, true), e);
  assert.equal(cache.hits, hits + 1);
  for (let i = 0; i < 10_000; i++) cache.group([{ role: 'user', path: ['messages', i, 'content'], text: `t${i}` }], true);
  assert.ok(cache.size <= (64 * 1024) / 256, `bounded: ${cache.size} entries`);
});

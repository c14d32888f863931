// The native trigger pass (native/scan.cc, Hyperscan) must change nothing but speed: the whole
// engine gives identical findings with it and with the JavaScript prefilter, on every labelled
// corpus, the real request bodies, generated mixed text and inputs made to stress the candidate
// windows (digit runs, addresses, non-ASCII code units that the pass reads as ASCII).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { inspect } from '../../src/core/detect/engine.ts';
import { nativeAvailable, setNativeEnabled, useNativeAddon } from '../../src/core/detect/native.ts';
import { BUILTIN_RULES, SecretScanner } from '../../src/core/detect/secrets/index.ts';
import type { DetectOptions, SegmentMemo } from '../../src/core/detect/types.ts';
import { loadNative } from '../../src/native/load.ts';
import { parseRequest } from '../../src/core/exchange/index.ts';
import type { Finding, Segment } from '../../src/core/types.ts';
import { buildCorpus as secretDocs } from '../fixtures/secrets/corpus.ts';
import { buildCorpus as mixed, BENCH_OPTIONS } from '../../bench/engine.ts';
import { PII_TRIGGERS } from '../../src/core/detect/detectors/pii.ts';
import { importGitleaksToml } from '../../src/core/detect/secrets/gitleaks.ts';
import { prng } from '../fixtures/secrets/samples.ts';

loadNative();
const required = process.env['AIRLOCK_REQUIRE_NATIVE'] === '1';
const skip = !nativeAvailable() && !required && 'native addon not built (apt-get install libhyperscan-dev; npm run build:native)';

const seg = (text: string, i: number): Segment => ({ role: 'tool_result', path: ['messages', i, 'content'], text });

function inputs(): Array<[string, Segment[]]> {
  const sets: Array<[string, Segment[]]> = [];
  const dir = new URL('../fixtures/corpus/', import.meta.url);
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.json'))) {
    const c = JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as { samples: Array<{ text: string }> };
    sets.push([`corpus ${f}`, c.samples.map((s, i) => seg(s.text, i))]);
  }
  const { positives, negatives } = secretDocs();
  sets.push(['secrets corpus', [...positives, ...negatives].map((d, i) => seg(d.text, i))]);
  const shared = fileURLToPath(new URL('../../../shared/corpora/secrets/cases.jsonl', import.meta.url));
  if (existsSync(shared)) {
    const cases = readFileSync(shared, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { input?: string; text?: string });
    sets.push(['shared corpus', cases.map((c, i) => seg(c.input ?? c.text ?? '', i))]);
  }
  const bodies = new URL('../fixtures/bodies/', import.meta.url);
  for (const f of readdirSync(bodies).filter((x) => x.endsWith('.json'))) {
    const raw = readFileSync(new URL(f, bodies), 'utf8');
    const dialect = f.startsWith('anthropic') || f.startsWith('claude') ? 'anthropic' : f.includes('responses') || f.startsWith('codex') ? 'openai-responses' : 'openai-chat';
    try {
      sets.push([`body ${f}`, parseRequest(dialect, raw).segments]);
    } catch {
      // a body of another dialect: covered by the mixed text below
    }
  }
  // Over 1 MiB each: the pass scans in chunks of 1 MiB, so segments fall on both sides of a cut.
  sets.push(['mixed one-byte', mixed(2.5, 5, false).map(seg)]);
  sets.push(['mixed two-byte', mixed(2.5, 6, true).map(seg)]);
  // Windows at their edges: runs of digits of every length and separator, addresses glued to
  // words, IPv6 runs with long groups, and code units whose low seven bits are digits, colons or
  // letters (the pass reads 'ı' U+0131 as '1', '〹' U+3039 as '9', 'Ą' U+0104 as 'D').
  const edge: string[] = [];
  for (let n = 5; n <= 22; n++) {
    const d = '4539148803436467991234567'.slice(0, n);
    edge.push(d, `+${d}`, `(${d.slice(0, 3)}) ${d.slice(3)}`, `x${d}`, `.${d}`, `${d.slice(0, 4)} ${d.slice(4, 8)} ${d.slice(8)}`, `a${d}b`, `${d}-${d}`);
  }
  edge.push(
    '10.0.0.1 10.0.0.1a v1.2.3.4 1.2.3.4.5 192.168.1.254:8080 ::ffff:10.1.2.3 fe80::1%eth0 2001:db8::1 fd00::1:2:3:4 a::b std::vector',
    'ıı3ı38ı0ı3ı8ı0ı0 〹〹〹.〹〹.1.2 ĄĄ89 3704 0044 0532 0130 00 GB82WEST12345698765432 DE89370400440532013000',
    'QQ 12 34 56 C AB123456C NINO: AB 12 34 56 C and ab123456c, GB123456A',
    'token=abcdEFGH1234ijklMNOP and Authorization: Bearer ghp_' + 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8',
    '١٢٣٤٥٦٧٨٩٠١ 0151 23456789 +44 20 7946 0958 +８６ 138 0013 8000 :::::::: 1:2:3:4:5:6:7:8:9',
    // Clusters whose seventh digit lies far from their start (up to 20 units: two separators a digit).
    'call +33 (1) 23 45 67 89 or +1 (2) (3) (4) 5 6 7 8 9 0 or +44 (0) 20 7946 0958 or (0) (1) (5) (1) 23456789',
    '1.2.3.4'.repeat(40), '12345678 '.repeat(30), 'a:b:'.repeat(50) + '1::2',
    // Keywords with a parenthesis and the shapes of the auth-tuple, constructor, Bearer-literal and
    // wrapped-value cases (their hits are judged after the keyword pass, so both passes agree).
    'requests.get(url, auth=("svc-user", "K9vLm2Qx7vRwT4")) HTTPBasicAuth("u", "K9vLm2Qx7vRwT4") new NetworkCredential("u", "K9vLm2Qx7vRwT4", "CORP")',
    'headers = {"Authorization": f"Bearer sk-live-9fQ2xLm7Rt4vZ8bKc3Wd1Np6"}; auth_header = f"Bearer 9fQ2xLm7Rt4vZ8bKc3Wd1Np6Qx"',
    'token = "9fQ2xLm7Rt4vZ8bKc3Wd" +\n  "1Np6Qx7Vb2Nm5Lk8"\nexport API_SECRET=K99fQ2xLm7Rt4vZ8bKc3\\\nWd1Np6Qx7Vb2Nm5Lk8',
    // The pass reports nine-digit chains, or seven after '+': chains stretched to their widest
    // (two separators a gap), after '(' or '+', next to shorter chains it does not report.
    '(1--2--3--4--5--6--7--8--9 +1--2--3--4--5--6--7 x1--2--3--4--5--6--7--8 (1) 2--3--4--5--6--7--8--9',
    '12345678 123456789 1234 5678 x 123 456 789 a12-34-56-78 (98) 765-4321 2024-06-01 123-45-6789',
    '+4420794609 +442079460 9 1-2-3-4-5-6-7-8 ++1234567 (+1234567) 1234567+12345678 9',
  );
  sets.push(['edges', edge.map(seg)]);
  // Longer than the pass's first copy buffer (64 KiB): copied again at full length; the 5 MB one
  // is larger than four chunks, so the pass gives the grown buffer back after it.
  const big = (mixed(5, 9, false).join('') + edge.join(' ')).slice(-5_000_000);
  sets.push(['long segments', [seg('lorem ipsum '.repeat(30000) + edge.join(' '), 0), seg(edge.join('|'), 1), seg('é…'.repeat(50000) + edge[0]!, 2), seg(big, 3), seg(edge.join('/'), 4)]]);
  sets.push(['edges, one segment', [seg(edge.join('\n'), 0)]]);
  return sets;
}

/** Asserts the engine's findings with the native pass and with the JavaScript prefilter are identical on every set; returns how many `count` took. */
function sameFindings(sets: Array<[string, Segment[]]>, opts: DetectOptions, count: (f: Finding) => boolean): number {
  let total = 0;
  for (const [name, segs] of sets) {
    setNativeEnabled(true);
    const a = inspect(segs, opts).findings;
    setNativeEnabled(false);
    const b = inspect(segs, opts).findings;
    setNativeEnabled(true);
    assert.deepEqual(a, b, `findings differ on ${name}`);
    total += a.filter(count).length;
  }
  return total;
}

test('native trigger pass: identical findings to the JavaScript prefilter', { skip }, () => {
  assert.ok(nativeAvailable(), 'AIRLOCK_REQUIRE_NATIVE=1 but the native addon did not load');
  const total = sameFindings(inputs(), { ...BENCH_OPTIONS, extraSecretRules: undefined }, () => true);
  assert.ok(total > 500, `the inputs must exercise the detectors (${total} findings)`);
});

test('built-in personal-data triggers (native/pii.cc): exactly the matches Hyperscan finds for the patterns they stand for, with and without AVX2', { skip }, () => {
  const addon = createRequire(import.meta.url)('../../native/build/Release/airlock_scan.node') as {
    compile: (p: string[], f: Uint32Array, g: Int32Array, r: Int32Array) => unknown; scan: (db: unknown, t: readonly string[]) => Int32Array; piiTriggers: (portable?: boolean) => unknown;
  };
  const hs = addon.compile(PII_TRIGGERS.map((p) => p.source), new Uint32Array(PII_TRIGGERS.length), Int32Array.from(PII_TRIGGERS, (p) => p.gap ?? 0), new Int32Array(PII_TRIGGERS.length));
  const fast = addon.piiTriggers();
  const portable = addon.piiTriggers(true);
  // Random text over the bytes the patterns care about (and code units that read as them), so
  // that every pattern matches across the 64-byte blocks of the scan, at every offset.
  const rnd = prng(7);
  const alphabet = '0123456789 .-()/:ABCDXQOaf\u0131\u3039\u0104\n';
  const fuzz = Array.from({ length: 4000 }, () => Array.from({ length: 1 + Math.floor(rnd() * 300) }, () => alphabet[Math.floor(rnd() * alphabet.length)]).join(''));
  const sets: Array<[string, string[]]> = [...inputs().map(([n, segs]): [string, string[]] => [n, segs.map((s) => s.text)]), ['fuzz', fuzz], ['fuzz, one text', [fuzz.join('')]]];
  const patterns = new Set<number>();
  for (const [name, texts] of sets) {
    const want = addon.scan(hs, texts);
    for (let i = 1; i < want.length; i += 4) patterns.add(want[i]!);
    assert.deepEqual(addon.scan(fast, texts), want, `${name}: built-in triggers differ from Hyperscan's`);
    assert.deepEqual(addon.scan(portable, texts), want, `${name}: built-in triggers without AVX2 differ from Hyperscan's`);
  }
  assert.deepEqual([...patterns].sort(), [0, 1, 2, 3, 4], 'every pattern must match somewhere');
});

test('native trigger pass: a detector called alone (no batch step) still finds everything', { skip }, () => {
  const text = 'AKIA' + 'Q3TFLD7Q2RZ5ZK4V' + ' call +44 20 7123 4567, host 10.1.2.3';
  const segs = [seg(text, 0)];
  const rules = inspect(segs, BENCH_OPTIONS).findings.map((f) => f.rule).sort();
  assert.ok(rules.includes('phone') && rules.includes('internal-ip'), rules.join(','));
});

test('native pass: a batch of under 1,024 units in all is left to the JavaScript prefilter, a larger one is scanned natively; same hits', { skip }, () => {
  const scanner = new SecretScanner(BUILTIN_RULES);
  const line = 'export GITHUB_TOKEN=ghp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8 # the deploy token\n';
  for (const [count, native] of [[12, false], [13, true]] as const) {
    const texts = Array.from({ length: count }, () => line); // 80 units each: 960, then 1,040
    const memos: SegmentMemo[] = texts.map(() => ({}));
    scanner.prepare(texts, memos);
    assert.equal(memos[0]!.keywordHits !== undefined, native, `${count} texts: ${texts.join('').length} units`);
    for (let i = 0; i < count; i++) assert.deepEqual(scanner.scan(texts[i]!, null, memos[i]).map((h) => h.rule), ['github-pat']);
  }
});

test('native pass: a keyword set Hyperscan rejects falls back to JavaScript once, not on every call', { skip }, () => {
  const real = createRequire(import.meta.url)('../../native/build/Release/airlock_scan.node') as { compile: (...a: unknown[]) => unknown; scan: (...a: unknown[]) => Int32Array };
  let compiles = 0;
  useNativeAddon({ compile: (...a: unknown[]) => (compiles++, real.compile(...a)), scan: real.scan });
  try {
    // An empty extra keyword: Hyperscan refuses a pattern that matches the empty string.
    const scanner = new SecretScanner(BUILTIN_RULES, ['']);
    // Long enough for the native call (1,024 units in all).
    const text = 'export GITHUB_TOKEN=ghp_' + 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8' + ' and some more words'.repeat(60);
    for (let i = 0; i < 3; i++) {
      const memo: SegmentMemo = {};
      scanner.prepare([text], [memo]);
      assert.equal(memo.keywordHits, undefined, 'no native hits: the JavaScript automaton runs');
      assert.deepEqual(scanner.scan(text, null, memo).map((h) => h.rule), ['github-pat']);
    }
    assert.equal(compiles, 1);
  } finally {
    useNativeAddon(real);
  }
});

test('native addon: bad arguments are clear errors, never a crash', { skip }, () => {
  const addon = createRequire(import.meta.url)('../../native/build/Release/airlock_scan.node') as {
    compile: (...a: unknown[]) => unknown;
    scan: (...a: unknown[]) => Int32Array;
  };
  const one = (): [Uint32Array, Int32Array, Int32Array] => [Uint32Array.of(0), Int32Array.of(0), Int32Array.of(0)];
  assert.throws(() => addon.compile([]), /compile\(patterns, flags, gaps, ranks\)/);
  assert.throws(() => addon.compile([], new Uint32Array(0), new Int32Array(0), new Int32Array(0)), /no patterns/);
  assert.throws(() => addon.compile(['a'], new Uint32Array(2), new Int32Array(1), new Int32Array(1)), /flags must be a typed array/);
  assert.throws(() => addon.compile(['(('], ...one()), /hyperscan: .*pattern 0/);
  const db = addon.compile(['ab'], ...one());
  assert.throws(() => addon.scan({}, ['x']), /not a compiled database/);
  assert.throws(() => addon.scan(db, ['ab', 7]), /texts\[1\] is not a string/);
  assert.deepEqual([...addon.scan(db, ['', 'xab', 'ab'])], [1, 0, 3, 3, 2, 0, 2, 2]);
});

test('native trigger pass with rules in gitleaks\' generated shape (hits dropped where no assignment tail follows): identical findings', { skip }, () => {
  // generic-api-key's shape: its keywords (`token`, `auth`, `key`…) are then reported only where
  // an assignment (built-in rules) or its tail follows, read on seven-bit bytes.
  const toml = ['[[rules]]', 'id = "semi"', "regex = '''(?i)[\\w.-]{0,50}?(?:access|auth|(?-i:[Aa]pi|API)|key|token|secret)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([\\w.=-]{10,150}|[a-z0-9][a-z0-9+/]{11,}={0,3})(?:[\\x60'\"\\s;]|\\\\[nr]|$)'''",
    'keywords = ["access", "auth", "api", "key", "token", "secret"]', 'entropy = 3.0'].join('\n');
  const opts = { ...BENCH_OPTIONS, extraSecretRules: importGitleaksToml(toml).rules };
  const v = 'Xk29fLq0Zr8WvB3nT7pQ';
  // Every space JavaScript's \\s knows, and code units whose seven bits read as an operator or a quote.
  const spaces = ['\t', '\n', '\v', '\f', '\r', ' ', '\u00a0', '\u1680', '\u2000', '\u2005', '\u200a', '\u2028', '\u2029', '\u202f', '\u205f', '\u3000', '\ufeff', '"', "'"];
  const odd = ['\u00bd', '\u013d', '\u00a7', '\u0127', '\u00bc', '\u00ba'];
  const texts: string[] = [];
  for (const k of ['api', 'auth', 'Token', 'KEY', 'access', 'secret']) {
    for (const a of spaces) for (const b of [...spaces, ...odd]) texts.push(`${k}${a}${b}= ${v}`, `${k}_name${a}${b}: ${v}`, `${k}${'_'.repeat(19)}${a}${b}=> ${v}`);
    for (const o of odd) texts.push(`${k}${o} ${v}`, `${k} x${o}${o} ${v}`);
  }
  const sets: Array<[string, Segment[]]> = [...inputs(), ['tails', texts.map(seg)], ['tails, one segment', [seg(texts.join('\n'), 0)]]];
  const total = sameFindings(sets, opts, (f) => f.rule === 'semi');
  assert.ok(total > 1000, `the inputs must exercise the rule (${total} findings)`);
});

test('native pass: a pattern marked with the tail condition reports only matches gitleaks\' assignment tail may follow', { skip }, () => {
  const addon = createRequire(import.meta.url)('../../native/build/Release/airlock_scan.node') as {
    compile: (...a: unknown[]) => unknown;
    scan: (...a: unknown[]) => Int32Array;
    conditions: number;
  };
  assert.equal(addon.conditions, 3);
  const db = addon.compile(['api', 'key'], Uint32Array.of(1, 1), Int32Array.of(0, 0), Int32Array.of(0, 0), Uint8Array.of(2, 3));
  const hits = (text: string): number[] => {
    const q = addon.scan(db, [text]);
    return [...q].filter((_, i) => i % 4 === 2);
  };
  const yes = ['api = x', 'API_NAME :x', `api${'.'.repeat(20)}=x`, 'api\u3000\u2028"=x', 'api"\'\n>x', 'api ||x', 'api?=x', 'api ,x', 'api\u00bd x'];
  const no = ['api(x)', `api${'.'.repeat(21)}=x`, 'api"\'\n\t=x', 'api ! x', 'api\u00a7\u00a7x', 'api'];
  for (const t of yes) assert.deepEqual(hits(t), [3], JSON.stringify(t));
  for (const t of no) assert.deepEqual(hits(t), [], JSON.stringify(t));
  // Both conditions: either is enough (`!` is an assignment for the scanner's test, not for the tail).
  assert.deepEqual(hits('key ! x'), [3]);
  assert.deepEqual(hits('key > x'), [3]);
  assert.deepEqual(hits('key (x)'), []);
});

test('native pass: a pattern marked `assign` reports only matches an assignment follows, read as the scanner reads it', { skip }, () => {
  const addon = createRequire(import.meta.url)('../../native/build/Release/airlock_scan.node') as {
    compile: (...a: unknown[]) => unknown;
    scan: (...a: unknown[]) => Int32Array;
  };
  const db = addon.compile(['auth', 'key'], Uint32Array.of(1, 1), Int32Array.of(0, 0), Int32Array.of(0, 0), Uint8Array.of(1, 0));
  const text = "get('authorization') authToken = x AUTH_KEY: y auth.header ?? z auth]  ,w auth (v) auth\u00bd" + ' auth' + 'x'.repeat(60) + '=1';
  const ends = (q: Int32Array, id: number): number[] => [...q].filter((_, i) => i % 4 === 1).flatMap((p, k) => (p === id ? [q[k * 4 + 2]!] : []));
  const q = addon.scan(db, [text]);
  const at = (s: string): number => text.indexOf(s) + 4;
  // `authToken =`, `AUTH_KEY:`, `auth.header ??` (? counts), `auth]  ,`; `'authorization')`, `auth (`
  // and a name tail longer than the scanner looks are not; ½ (U+00BD) reads as `=` in seven bits: kept.
  assert.deepEqual(ends(q, 0), [at('authToken'), at('AUTH_KEY'), at('auth.header'), at('auth]'), at('auth\u00bd')]);
  // The same keyword without the flag: every match.
  assert.equal(ends(q, 1).length, 1);
  assert.throws(() => addon.compile(['a'], Uint32Array.of(0), Int32Array.of(0), Int32Array.of(0), Uint8Array.of(1, 1)), /assign must be a typed array/);
});

// The request target's query as inspected segments, and its redaction at exactly the spans' bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { querySegments, queryRange } from '../../src/core/exchange/query.ts';
import { placeholderNamer, redactQuery } from '../../src/core/redact.ts';
import { inspect } from '../../src/core/detect/engine.ts';

const GH = 'ghp_R7mQ2xK9pL4vN8sT1wY6zB3cF5hJ0dG2aE4i';

test('querySegments: every name (as a key) and non-empty value, decoded as URLSearchParams decodes; repeated names numbered', () => {
  const search = '?beta=true&q=a+b%20c&k%C3%A9y=caf%C3%A9&flag&&empty=&q=second&bad=%E9%zz&emoji=%F0%9F%98%80!';
  const segs = querySegments(search);
  assert.deepEqual(segs.map((s) => [s.role, s.path, s.text, s.isKey === true]), [
    ['query', ['query', 'beta'], 'beta', true], ['query', ['query', 'beta'], 'true', false],
    ['query', ['query', 'q'], 'q', true], ['query', ['query', 'q'], 'a b c', false],
    ['query', ['query', 'k\u00e9y'], 'k\u00e9y', true], ['query', ['query', 'k\u00e9y'], 'caf\u00e9', false],
    ['query', ['query', 'flag'], 'flag', true],
    ['query', ['query', 'empty'], 'empty', true],
    ['query', ['query', 'q', 1], 'q', true], ['query', ['query', 'q', 1], 'second', false],
    // Not UTF-8 (a lone \xe9): one character per byte; a malformed escape stays as written.
    ['query', ['query', 'bad'], 'bad', true], ['query', ['query', 'bad'], '\u00e9%zz', false],
    ['query', ['query', 'emoji'], 'emoji', true], ['query', ['query', 'emoji'], '\u{1F600}!', false],
  ]);
  // Decoded as the provider will read it.
  const params = new URLSearchParams(search);
  assert.equal(segs[3]!.text, params.get('q'));
  assert.equal(segs[5]!.text, params.get('k\u00e9y'));
  assert.deepEqual(querySegments(''), []);
  assert.deepEqual(querySegments('?'), []);
  // Raw ranges: units map back to the bytes that encode them.
  const v = segs[5]!; // caf%C3%A9
  const at = search.indexOf('caf%C3%A9') + 3;
  assert.deepEqual(queryRange(v, 3, 4), [at, at + 6]);
  assert.equal(queryRange(v, 0, 9), undefined, 'a span past the text');
  assert.equal(queryRange({ role: 'query', path: ['query', 'x'], text: 'x' }, 0, 1), undefined, 'not a query segment');
});

test('a secret and an invisible character in the query are found, at spans of the decoded values', () => {
  const r = inspect(querySegments(`?beta=true&token=${GH}&tag=ok%E2%80%8B`), {});
  assert.deepEqual(r.findings.map((f) => `${f.role} ${f.segmentPath} ${f.rule} ${f.start}-${f.end}`), [
    `query query.token github-pat 0-${GH.length}`,
    'query query.tag zero-width 2-3',
  ]);
});

test('redactQuery: only the span\'s bytes change (percent-encoded placeholder), escapes around it kept; unlocated findings counted', () => {
  const search = `?beta=true&note=na%C3%AFve+%E2%80%94+${GH}+ok&tag=x%E2%80%8By`;
  const segs = querySegments(search);
  const findings = inspect(segs, {}).findings;
  assert.deepEqual(findings.map((f) => f.rule).sort(), ['github-pat', 'zero-width']);
  const r = redactQuery(search, segs, findings, placeholderNamer());
  assert.equal(r.missing, 0);
  assert.equal(r.search, `?beta=true&note=na%C3%AFve+%E2%80%94+${encodeURIComponent('[REDACTED:github-pat#1]')}+ok&tag=x${encodeURIComponent('[REDACTED:zero-width#1]')}y`);
  assert.equal(new URLSearchParams(r.search).get('note'), 'na\u00efve \u2014 [REDACTED:github-pat#1] ok', 'the provider reads the placeholder');
  // Two findings over one span: one placeholder; a finding from elsewhere is counted, nothing patched for it.
  const twice = redactQuery(search, segs, [findings[0]!, { ...findings[0]! }], placeholderNamer());
  assert.equal(twice.search.split('REDACTED').length - 1, 1);
  const lost = redactQuery(search, segs, [{ ...findings[0]!, segmentPath: 'query.nope' }]);
  assert.deepEqual(lost, { search, missing: 1 });
});

test('a query seen before at another offset is redacted at its own bytes (query segments are not kept across requests)', async () => {
  const { HeaderParts } = await import('../../src/core/exchange/headers.ts');
  const hp = new HeaderParts();
  const token = 'ghp_' + 'R7mQ2xK9pL4vN8sT1wY6zB3cF5hJ0dG2aE4i';
  for (const search of [`?token=${token}`, `?beta=true&token=${token}`, `?beta=true&token=${token}&x=1`]) {
    const { segments } = hp.of(querySegments(search));
    const findings = inspect(segments).findings.filter((f) => f.rule === 'github-pat');
    assert.equal(findings.length, 1, search);
    const r = redactQuery(search, segments, findings, placeholderNamer());
    assert.equal(r.missing, 0);
    assert.ok(!r.search.includes(token.slice(4, 12)) && !r.search.includes(token.slice(-8)), `${search} → ${r.search}`);
    assert.match(r.search, /token=%5BREDACTED%3Agithub-pat%231%5D/, r.search);
    assert.ok(r.search.startsWith(search.slice(0, search.indexOf('token='))), 'the rest unchanged');
  }
});

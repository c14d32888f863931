// Request headers as inspected segments, and their redaction with the body's placeholders.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { headerSegments } from '../../src/core/exchange/headers.ts';
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

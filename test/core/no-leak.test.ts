// A credential never leaves through Airlock itself: where the client's text becomes Airlock's
// (a key or parameter name in a finding's path, a block reason, a configuration or policy error),
// it is masked, and what is shown still says what was found and where.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseRequest, pathKey, renderPath } from '../../src/core/exchange/index.ts';
import { segmentPath } from '../../src/core/exchange/path.ts';
import { querySegments } from '../../src/core/exchange/query.ts';
import { inspect } from '../../src/core/detect/engine.ts';
import { redact, redactQuery } from '../../src/core/redact.ts';
import { findingReason } from '../../src/core/policy/reason.ts';
import { formatIssue, parsePolicy } from '../../src/core/policy/index.ts';
import { ConfigError, loadConfig, parseConfig } from '../../src/gateway/config.ts';
import { Upstreams } from '../../src/gateway/upstream.ts';
import type { Finding } from '../../src/core/types.ts';

const GH = 'ghp_MpviEBpdyEgAUSJ8yWDHhBnQ4BEKo5iviXHn';
const AK = 'AKIAWZKEHZVTS7LHB5GZ';
// Another access key id that masks alike: `AKI…Z (20 chars)`.
const AK2 = 'AKIAQ3EGRFZL7XKJ2M5Z';
const ANT = 'sk-ant-api03-qc7gYGN7r0oezrX6zdSJUMrc9VMhie0zjMCv_sxbU53gtaIzoKsO4n6nBarqcZOpqHb5-ROfD7tuqQyD_wh5l6AMgZmmwAA';
const SECRETS = [GH, AK, AK2, ANT];
const noSecret = (s: string, what: string): void => {
  for (const v of SECRETS) assert.ok(!s.includes(v), `${what} holds ${v.slice(0, 4)}…: ${s}`);
};

// L1: a finding's path

test('a credential used as an object key is masked in findings\' paths, which still name the key', () => {
  const raw = JSON.stringify({
    model: 'claude-x', max_tokens: 5,
    metadata: { [GH]: `aws ${AK}` },
    messages: [{ role: 'user', content: 'hi' }, { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'x', input: { [GH]: 'v' } }] }],
  });
  const p = parseRequest('anthropic', raw);
  const r = inspect(p.segments, {});
  const paths = r.findings.map((f) => f.segmentPath);
  noSecret(JSON.stringify(r.findings), 'findings');
  const key = /^messages\[1\]\.content\[0\]\.input\["\[github-pat: ghp_…Hn \(40 chars\)\]~k\d+"\] \(key\)$/;
  assert.ok(paths.some((x) => key.test(x)), `the tool_use input key: ${paths.join(' | ')}`);
  const value = r.findings.find((f) => f.rule === 'aws-access-key');
  assert.match(value?.segmentPath ?? '', /^metadata\["\[github-pat: ghp_…Hn \(40 chars\)\]~k\d+"\]$/, 'the path of the value under it');
  // The engine's segment of each finding renders to its path (the same renderer).
  for (const f of r.findings) assert.equal(segmentPath(r.segmentOf(f)!), f.segmentPath);
});

test('a query parameter name holding a credential is masked in the finding\'s path', () => {
  const r = inspect(querySegments(`?beta=true&${GH}=1&token=${AK}`), {});
  noSecret(JSON.stringify(r.findings), 'findings');
  assert.deepEqual(r.findings.map((f) => f.segmentPath.replace(/~k\d+/, '~tag')), [
    'query["[github-pat: ghp_…Hn (40 chars)]~tag"] (key)',
    'query.token',
  ]);
});

test('paths of ordinary keys are unchanged; pathKey (internal) keeps the raw key', () => {
  assert.equal(renderPath(['messages', 3, 'content', 0, 'text']), 'messages[3].content[0].text');
  assert.equal(renderPath(['headers', 'x-team-token']), 'headers["x-team-token"]');
  assert.equal(renderPath(['tools', 0, 'input_schema', 'properties', 'additionalProperties']), 'tools[0].input_schema.properties.additionalProperties');
  assert.equal(pathKey(['metadata', GH], true), `k:.metadata.${GH}`);
  assert.equal(pathKey(['messages', 1, 'content', 0, 'input', GH]), `v:.messages#1.content#0.input.${GH}`);
});

test('a masked key is tagged, the same tag for the same key, another for another key that masks alike; the tag tells nothing of the value', () => {
  // One tag per key in a process.
  assert.equal(renderPath(['query', GH]), renderPath(['query', GH]));
  assert.notEqual(renderPath(['query', AK]), renderPath(['query', AK2]));
  assert.match(renderPath(['query', AK]), /^query\["\[aws-access-key: AKI…Z \(20 chars\)\]~k\d+"\]$/);
});

test('a finding on a credential used as a key is still redacted in the body (segments matched by path)', () => {
  const raw = JSON.stringify({ model: 'claude-x', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }, { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'x', input: { [GH]: 'v', [AK]: AK2 } }] }] });
  const p = parseRequest('anthropic', raw);
  const r = inspect(p.segments, {});
  assert.ok(r.findings.length >= 3, 'both keys and the value are found');
  // By path (not the engine's segmentOf): what the gateway does when inspection did not run here.
  const out = redact(raw, p.segments, r.findings);
  noSecret(out.body, 'redacted body');
  assert.equal(out.placeholders.filter((x) => x === null).length, 0, 'every finding located');
  const input = (JSON.parse(out.body) as { messages: { content: { input: Record<string, string> }[] }[] }).messages[1]!.content[0]!.input;
  assert.deepEqual(Object.keys(input).sort(), ['[REDACTED:aws-access-key#1]', '[REDACTED:github-pat#1]']);
  assert.equal(input['[REDACTED:aws-access-key#1]'], '[REDACTED:aws-access-key#2]');
});

test('two credentials that mask alike as query parameter names are both redacted (their paths differ)', () => {
  const search = `?${AK}=1&${AK2}=2`;
  const segs = querySegments(search);
  const r = inspect(segs, {});
  const keys = r.findings.filter((f) => f.segmentPath.endsWith(' (key)'));
  assert.equal(keys.length, 2);
  assert.notEqual(keys[0]!.segmentPath, keys[1]!.segmentPath);
  noSecret(JSON.stringify(r.findings), 'findings');
  const out = redactQuery(search, segs, r.findings);
  assert.equal(out.missing, 0);
  noSecret(out.search, 'forwarded query');
  assert.equal(decodeURIComponent(out.search), '?[REDACTED:aws-access-key#1]=1&[REDACTED:aws-access-key#2]=2');
});

// L2: block reasons

const finding = (role: Finding['role'], path: string): Finding => ({ detector: 'secrets', rule: 'github-pat', severity: 'high', role, segmentPath: path, start: 0, end: 40, preview: 'ghp_…Hn (40 chars)', confidence: 1 });

test('a block reason naming a query parameter or header masks a credential in its name', () => {
  for (const [role, path, where] of [
    ['query', `query.${GH} (key)`, "the request's query string"],
    ['query', `query["${GH}"]`, "the request's query string"],
    ['header', `headers["x-${GH}"]`, 'a request header'],
  ] as const) {
    const reason = findingReason({ ruleId: 'block-query', findings: [finding(role, path)] }, 'blocked');
    noSecret(reason, 'reason');
    assert.ok(reason.startsWith(`a GitHub personal access token was found in ${where} (`), reason);
    assert.match(reason, /\[github-pat: ghp_…Hn \(40 chars\)\]\); remove it or ask for an exception: rule block-query$/);
  }
  // From the engine's (masked) path, too; and a tool result's source.
  const [f] = inspect(querySegments(`?${GH}=1`), {}).findings;
  const reason = findingReason({ ruleId: 'r', findings: [f!] }, 'found');
  noSecret(reason, 'reason');
  assert.match(reason, /query string \(\[github-pat: ghp_…Hn \(40 chars\)\]~k\d+\) \(rule r\)$/);
  const src = findingReason({ ruleId: 'r', findings: [finding('tool_result', 'messages[1].content[0].content')], sourceOf: () => `${GH}.txt` }, 'blocked');
  noSecret(src, 'reason');
  assert.match(src, /found in a tool result \(\[github-pat: ghp_…Hn \(40 chars\)\]\.txt\)/);
});

// L5: the gateway's configuration

test('a provider key pasted as apiKeyEnv is refused, masked, with what was expected', () => {
  const upstream = (apiKeyEnv: string) => ({ upstreams: [{ name: 'anthropic', baseUrl: 'http://127.0.0.1:9', dialects: ['anthropic'], auth: 'managed', apiKeyEnv }] });
  for (const k of [ANT, GH]) {
    assert.throws(() => parseConfig(upstream(k)), (e: Error) => {
      assert.ok(e instanceof ConfigError);
      noSecret(e.message, 'config error');
      assert.match(e.message, /upstreams\.0\.apiKeyEnv: expected the name of the environment variable that holds the provider key/);
      return true;
    });
  }
  assert.equal(parseConfig(upstream('ANTHROPIC_API_KEY')).upstreams[0]!.apiKeyEnv, 'ANTHROPIC_API_KEY');
  const dir = mkdtempSync(join(tmpdir(), 'airlock-noleak-'));
  try {
    const file = join(dir, 'airlock.yaml');
    writeFileSync(file, `upstreams:\n  - name: anthropic\n    baseUrl: http://127.0.0.1:9\n    dialects: [anthropic]\n    auth: managed\n    apiKeyEnv: ${ANT}\n`);
    assert.throws(() => loadConfig(file), (e: Error) => {
      noSecret(e.message, 'config error');
      assert.match(e.message, /airlock\.yaml:6:16: error: upstreams\[0\]\.apiKeyEnv: found '\[anthropic-api-key: sk-a…AA \(108 chars\)\]'; expected the name of the environment variable/);
      return true;
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a managed upstream whose key variable is not set: the error masks a key given as its name', () => {
  const cfg = parseConfig({ upstreams: [{ name: 'anthropic', baseUrl: 'http://127.0.0.1:9', dialects: ['anthropic'], auth: 'managed', apiKeyEnv: 'X' }] });
  cfg.upstreams[0]!.apiKeyEnv = GH; // past the schema (an identifier, like a GitHub token)
  assert.throws(() => new Upstreams(cfg, {}), (e: Error) => {
    noSecret(e.message, 'error');
    assert.match(e.message, /^upstream 'anthropic' is managed but \[github-pat: ghp_…Hn \(40 chars\)\] is not set$/);
    return true;
  });
});

// L6: policy and configuration validation

test('policy check: a credential pasted as a key is masked in the unknown-key error', () => {
  const text = `version: 1\nrules:\n  - id: r1\n    when: { detectors: [secrets] }\n    action: redact\nexceptions:\n  - rule: r1\n    valueHash: 3f9a0c3f9a0c3f9a0c3f9a0c3f9a0c3f\n    expires: 2027-01-01\n    reason: x\n    ${AK}: 1\n`;
  const r = parsePolicy(text);
  assert.equal(r.ok, false);
  const lines = r.issues.map((i) => formatIssue('p.yaml', i));
  for (const l of lines) noSecret(l, 'issue');
  noSecret(JSON.stringify(r.issues.map((i) => i.message)), 'issue messages');
  assert.ok(lines.includes("p.yaml:11:5: error: exceptions[0]: found unknown key '[aws-access-key: AKI…Z (20 chars)]'; expected one of the documented keys (see docs/policy.md)"), lines.join('\n'));
});

test('configuration: a credential as a key in an issue\'s path, or in a YAML error, is masked', () => {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-noleak-'));
  try {
    const file = join(dir, 'airlock.yaml');
    writeFileSync(file, `upstreams:\n  - name: anthropic\n    baseUrl: http://127.0.0.1:9\n    dialects: [anthropic]\n    headers: { ${GH}: 5 }\n`);
    assert.throws(() => loadConfig(file), (e: Error) => {
      noSecret(e.message, 'config error');
      assert.match(e.message, /airlock\.yaml:5:\d+: error: upstreams\[0\]\.headers\.\[github-pat: ghp_…Hn \(40 chars\)\]: found '5'; expected string/);
      return true;
    });
    writeFileSync(file, `upstreams: *${GH}\n`);
    assert.throws(() => loadConfig(file), (e: Error) => {
      noSecret(e.message, 'config error');
      assert.match(e.message, /airlock\.yaml:1:\d+: error: \(document\): invalid YAML: /);
      return true;
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

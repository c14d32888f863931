// The hash-chain format is a contract with every future verifier: pin it with a literal vector.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import type { AuditEntry } from '../../src/core/types.ts';
import { AUDIT_FIELDS, GENESIS_HASH, canonicalJson, linkEntries, recordHash } from '../../src/store/chain.ts';
import { normalizeEntry } from '../../src/store/normalize.ts';
import { makeEntry } from './entries.ts';

const sha256 = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex');

const entry: AuditEntry = {
  id: 'e1', time: '2026-01-01T00:00:00.000Z', keyId: 'key_a', user: 'alice', team: null, tool: 'codex',
  toolVersion: '1.0', dialect: 'openai-chat', route: 'POST /v1/chat/completions', upstream: null, model: 'gpt',
  status: 200, outcome: 'ok', errorCode: null, latencyMs: 1.5, ttfbMs: null, inputTokens: 3, outputTokens: null,
  requestBytes: 10, responseBytes: 20, requestSha256: null,
  findings: [{ detector: 'secrets', rule: 'r', severity: 'high', role: 'user', segmentPath: 'm', start: 0, end: 2, preview: 'a*', confidence: 1 }],
  decision: { action: 'alert', ruleId: 'x', reason: 'y' }, policyHash: null, redactedBody: null,
};

describe('canonicalJson', () => {
  it('sorts keys recursively, omits undefined, keeps null, no whitespace', () => {
    assert.equal(canonicalJson({ b: 1, a: [{ d: null, c: 'x' }], u: undefined }), '{"a":[{"c":"x","d":null}],"b":1}');
  });

  it('is independent of insertion order', () => {
    assert.equal(canonicalJson({ x: 1, y: { p: true, q: [1, 2] } }), canonicalJson({ y: { q: [1, 2], p: true }, x: 1 }));
  });

  it('writes numbers as JSON does and refuses non-finite ones', () => {
    assert.equal(canonicalJson([1.0, -0, 0.1, 1e21]), '[1,0,0.1,1e+21]');
    assert.throws(() => canonicalJson(NaN), /non-finite/);
    assert.throws(() => canonicalJson({ a: Infinity }), /non-finite/);
    assert.throws(() => canonicalJson({ a: () => 1 }), /unsupported/);
  });
});

describe('recordHash', () => {
  it('matches the documented format (literal vector)', () => {
    const canonical =
      '{"decision":{"action":"alert","reason":"y","ruleId":"x"},"dialect":"openai-chat","errorCode":null,' +
      '"findings":[{"confidence":1,"detector":"secrets","end":2,"preview":"a*","role":"user","rule":"r","segmentPath":"m","severity":"high","start":0}],' +
      '"id":"e1","inputTokens":3,"keyId":"key_a","latencyMs":1.5,"model":"gpt","outcome":"ok","outputTokens":null,"policyHash":null,' +
      `"prevHash":"${GENESIS_HASH}","redactedBody":null,"requestBytes":10,"requestSha256":null,"responseBytes":20,` +
      '"route":"POST /v1/chat/completions","seq":1,"status":200,"team":null,"time":"2026-01-01T00:00:00.000Z","tool":"codex",' +
      '"toolVersion":"1.0","ttfbMs":null,"upstream":null,"user":"alice"}';
    assert.equal(recordHash(entry, 1, GENESIS_HASH), sha256(`airlock-audit-v1\n${canonical}`));
    // `gaps`, added later, is hashed when present (in its key order) and absent when empty, so a
    // record written before it keeps its hash: the vector above has none.
    const gaps = [{ part: 'response' as const, reason: 'content-encoding \'zstd\' cannot be decoded' }];
    const withGaps = canonical.replace('"id":"e1"', `"gaps":[{"part":"response","reason":"content-encoding 'zstd' cannot be decoded"}],"id":"e1"`);
    assert.equal(recordHash({ ...entry, gaps }, 1, GENESIS_HASH), sha256(`airlock-audit-v1\n${withGaps}`));
    assert.equal(recordHash(normalizeEntry({ ...entry, gaps: [] }), 1, GENESIS_HASH), recordHash(entry, 1, GENESIS_HASH));
  });

  it('changes when any single field, seq or prevHash changes', () => {
    const base = recordHash(entry, 1, GENESIS_HASH);
    for (const f of AUDIT_FIELDS) {
      const v = entry[f];
      const changed = typeof v === 'number' ? v + 1 : typeof v === 'string' ? `${v}!` : v === null ? 'x' : Array.isArray(v) ? [] : { ...v, reason: 'z' };
      assert.notEqual(recordHash({ ...entry, [f]: changed } as AuditEntry, 1, GENESIS_HASH), base, f);
    }
    assert.notEqual(recordHash(entry, 2, GENESIS_HASH), base);
    assert.notEqual(recordHash(entry, 1, 'f'.repeat(64)), base);
  });

  it('ignores properties that are not AuditEntry fields', () => {
    assert.equal(recordHash({ ...entry, extra: 'x' } as AuditEntry, 1, GENESIS_HASH), recordHash(entry, 1, GENESIS_HASH));
  });

  it('linkEntries chains from a head', () => {
    const [a, b] = linkEntries([makeEntry(1), makeEntry(2)], 41, 'ab'.repeat(32));
    assert.deepEqual([a!.seq, b!.seq], [42, 43]);
    assert.equal(a!.prevHash, 'ab'.repeat(32));
    assert.equal(b!.prevHash, a!.hash);
  });
});

describe('normalizeEntry', () => {
  it('keeps only entry fields, undefined → null, numbers finite, integers rounded', () => {
    const n = normalizeEntry({ ...entry, toolVersion: undefined, latencyMs: NaN, ttfbMs: Infinity, status: 200.4, requestBytes: -0, body: 'secret' } as unknown as AuditEntry);
    assert.equal(n.toolVersion, null);
    assert.equal(n.latencyMs, 0);
    assert.equal(n.ttfbMs, null);
    assert.equal(n.status, 200);
    assert.ok(Object.is(n.requestBytes, 0));
    assert.equal('body' in n, false);
    // `gaps` is absent when there are none (records from before it hash as they did).
    assert.deepEqual(Object.keys(n), AUDIT_FIELDS.filter((f) => f !== 'gaps'));
    assert.deepEqual(normalizeEntry({ ...entry, gaps: [{ part: 'request', detector: 'pii', reason: 'time budget' }] }).gaps, [{ part: 'request', detector: 'pii', reason: 'time budget' }]);
  });

  it('cleans strings the databases cannot hold and makes findings plain JSON', () => {
    const n = normalizeEntry({ ...entry, model: 'a\u0000b\uDC00c\u{1F600}', findings: [{ ...entry.findings[0]!, detail: undefined, confidence: NaN }] } as AuditEntry);
    assert.equal(n.model, 'a\uFFFDb\uFFFDc\u{1F600}');
    assert.deepEqual(n.findings[0], { ...entry.findings[0], confidence: null });
  });

  it('is total: garbage in, a storable entry out', () => {
    const n = normalizeEntry({} as AuditEntry);
    assert.match(n.id, /^[0-9a-f-]{36}$/);
    assert.ok(!Number.isNaN(Date.parse(n.time)));
    assert.deepEqual([n.route, n.status, n.findings, n.decision, n.user], ['', 0, [], null, null]);
    assert.doesNotThrow(() => recordHash(n, 1, GENESIS_HASH));
  });
});

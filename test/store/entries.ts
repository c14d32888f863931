// Audit entries for the store tests: realistic shapes, deterministic content.

import type { AuditEntry, Finding } from '../../src/core/types.ts';

export const finding = (i: number): Finding => ({
  detector: 'secrets',
  rule: 'aws-access-key',
  severity: 'high',
  role: 'user',
  segmentPath: `messages[${i}].content[0].text`,
  start: 10,
  end: 30,
  preview: 'AKIA************MPLE',
  confidence: 0.93,
  valueHash: `vh${i}`,
});

export function makeEntry(i: number, over: Partial<AuditEntry> = {}): AuditEntry {
  return {
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    time: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
    keyId: 'key_test',
    user: i % 2 === 0 ? 'alice' : 'bob',
    team: i % 3 === 0 ? 'payments' : null,
    tool: 'claude-cli',
    toolVersion: '2.1.90',
    dialect: 'anthropic',
    route: 'POST /v1/messages',
    upstream: 'https://api.anthropic.com',
    model: 'claude-sonnet-4-5',
    status: 200,
    outcome: 'ok',
    errorCode: null,
    latencyMs: 123.456 + i,
    ttfbMs: 45.5,
    inputTokens: 1000 + i,
    outputTokens: 200,
    requestBytes: 4096,
    responseBytes: 2048,
    requestSha256: 'ab'.repeat(32),
    findings: i % 4 === 0 ? [finding(i)] : [],
    decision: { action: 'allow', ruleId: null, reason: 'no findings' },
    policyHash: 'cd'.repeat(32),
    redactedBody: null,
    ...over,
  };
}

export const makeEntries = (from: number, count: number): AuditEntry[] =>
  Array.from({ length: count }, (_, k) => makeEntry(from + k));

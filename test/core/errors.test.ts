// The documented list of error codes and the code agree, and every code maps to a dialect shape.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { AirlockError, ERROR_CODES, type ErrorCode } from '../../src/core/errors.ts';
import { errorBody, errorEvent } from '../../src/gateway/errors.ts';

test('docs/errors.md lists exactly the codes in src/core/errors.ts, with the same status', () => {
  const doc = readFileSync('docs/errors.md', 'utf8');
  const rows = [...doc.matchAll(/^\| `(AIRLOCK_ERR_[A-Z0-9_]+)` \| (\d+) \|/gm)].map((m) => [m[1], Number(m[2])] as const);
  assert.deepEqual(new Map(rows), new Map(Object.entries(ERROR_CODES).map(([c, v]) => [c, v.status])));
});

test('every code renders in both dialects, JSON and SSE, naming the code', () => {
  for (const code of Object.keys(ERROR_CODES) as ErrorCode[]) {
    const e = new AirlockError(code);
    const a = JSON.parse(errorBody('anthropic', e)) as { type: string; error: { type: string; message: string } };
    assert.equal(a.type, 'error');
    assert.ok(a.error.message.includes(code));
    const o = JSON.parse(errorBody('openai-chat', e)) as { error: { code: string; type: string } };
    assert.equal(o.error.code, code);
    assert.match(errorEvent('anthropic', e), /^event: error\ndata: \{.*\}\n\n$/);
    assert.match(errorEvent('openai-chat', e), /^data: \{"error".*\}\n\n$/);
    assert.match(errorEvent('openai-responses', e), /^event: error\ndata: \{"type":"error".*\}\n\n$/);
  }
});

test('codes are unique by name and the statuses are HTTP error statuses', () => {
  for (const v of Object.values(ERROR_CODES)) assert.ok(v.status >= 400 && v.status < 600);
});

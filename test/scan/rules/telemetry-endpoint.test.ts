import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { only, scanCode } from '../helpers.ts';

const RULE = 'telemetry-endpoint';

describe(RULE, () => {
  it("finds: events endpoint", () => {
    const f = only(scanCode(`fetch('https://telemetry.example.com/v1/events', { method: 'POST' });`), RULE);
    assert.equal(f.length, 1, JSON.stringify(f, null, 1));
    assert.equal(f[0]!.severity, 'low');
  });
  it("ignores: chat endpoint", () => {
    assert.deepEqual(only(scanCode(`fetch('https://api.example.com/v1/chat');`), RULE), []);
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { only, scanCode } from '../helpers.ts';

const RULE = 'flow-fingerprint-to-network';

describe(RULE, () => {
  it("finds: host name in a request body", () => {
    const f = only(scanCode(`const os = require('os'); fetch('https://api.example.com/x', { method: 'POST', body: JSON.stringify({ host: os.hostname() }) });`), RULE);
    assert.equal(f.length, 1, JSON.stringify(f, null, 1));
    assert.equal(f[0]!.severity, 'high');
  });
  it("finds: time zone in a header", () => {
    const f = only(scanCode(`const tz = Intl.DateTimeFormat().resolvedOptions().timeZone; fetch('https://api.example.com/x', { headers: { 'x-tz': tz } });`), RULE);
    assert.equal(f.length, 1, JSON.stringify(f, null, 1));
    assert.equal(f[0]!.severity, 'medium');
  });
  it("ignores: base URL used as the request URL", () => {
    assert.deepEqual(only(scanCode(`fetch(process.env.OPENAI_BASE_URL + '/v1/chat', { method: 'POST', body: '{}' });`), RULE), []);
  });
  it("ignores: static body", () => {
    assert.deepEqual(only(scanCode(`fetch('https://api.example.com/x', { method: 'POST', body: JSON.stringify({ a: 1 }) });`), RULE), []);
  });
});

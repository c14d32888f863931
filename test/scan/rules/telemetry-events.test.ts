import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { only, scanCode } from '../helpers.ts';

const RULE = 'telemetry-events';

describe(RULE, () => {
  it("finds: five events through one function", () => {
    const f = only(scanCode(`function send(n, p) {} send('cli_start', {}); send('cli_exit', {}); send('tool_run', {}); send('tool_fail', {}); send('prompt_sent', {});`), RULE);
    assert.equal(f.length, 1, JSON.stringify(f, null, 1));
    assert.equal(f[0]!.data?.count, 5);
  });
  it("finds: a named logger", () => {
    const f = only(scanCode(`logEvent('app_start', { v: 1 });`), RULE);
    assert.equal(f.length, 1, JSON.stringify(f, null, 1));
  });
  it("ignores: few names, not a logger", () => {
    assert.deepEqual(only(scanCode(`t('a_b', {}); t('c_d', {}); t('e_f', {});`), RULE), []);
  });
});

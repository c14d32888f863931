import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { only, scanCode } from '../helpers.ts';

const RULE = 'telemetry-switch';

describe(RULE, () => {
  it("finds: env switch and a setting", () => {
    const f = only(scanCode(`if (process.env.DISABLE_TELEMETRY) off(); const s = { usageStatisticsEnabled: false };`), RULE);
    assert.equal(f.length, 2, JSON.stringify(f, null, 1));
  });
  it("ignores: unrelated env", () => {
    assert.deepEqual(only(scanCode(`const c = process.env.DISABLE_COLORS;`), RULE), []);
  });
  it("tells switches that turn telemetry on from those that turn it off", () => {
    const f = only(scanCode(`const a = process.env.CLAUDE_CODE_ENABLE_TELEMETRY, b = process.env.ENABLE_ENHANCED_TELEMETRY_BETA, c = process.env.DISABLE_TELEMETRY, d = process.env.GEMINI_TELEMETRY_ENABLED;`), RULE);
    const by = Object.fromEntries(f.map((x) => [String(x.data?.name), String(x.data?.effect)]));
    assert.deepEqual(by, { CLAUDE_CODE_ENABLE_TELEMETRY: 'on', ENABLE_ENHANCED_TELEMETRY_BETA: 'on', DISABLE_TELEMETRY: 'off', GEMINI_TELEMETRY_ENABLED: 'toggle' });
    assert.match(f.find((x) => x.data?.name === 'CLAUDE_CODE_ENABLE_TELEMETRY')!.message, /switches telemetry on \(it is not a way to turn it off\)/);
  });
});

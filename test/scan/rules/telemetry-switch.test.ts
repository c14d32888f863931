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
});

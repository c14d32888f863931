import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { only, scanCode } from '../helpers.ts';

const RULE = 'fp-base-url-read';

describe(RULE, () => {
  it("finds: env base URL and a helper", () => {
    const f = only(scanCode(`const b = process.env.ANTHROPIC_BASE_URL; const c = readEnv('OPENAI_BASE_URL');`), RULE);
    assert.equal(f.length, 2, JSON.stringify(f, null, 1));
  });
  it("ignores: NODE_ENV", () => {
    assert.deepEqual(only(scanCode(`const e = process.env.NODE_ENV;`), RULE), []);
  });
});

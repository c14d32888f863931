import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { only, scanCode } from '../helpers.ts';

const RULE = 'obf-string-table';

describe(RULE, () => {
  it("finds: obfuscator string table", () => {
    const f = only(scanCode(`function _0x1f2e(){const _0xa=${JSON.stringify(Array.from({length: 25}, (_, i) => Buffer.from('value-' + i * 7919 + '-x'.repeat(i % 5)).toString('base64')))};_0x1f2e=function(){return _0xa};return _0x1f2e()} const _0x2b3c=1,_0x3c4d=2,_0x4d5e=3,_0x5e6f=4;`), RULE);
    assert.equal(f.length, 1, JSON.stringify(f, null, 1));
    assert.equal(f[0]!.severity, 'high');
  });
  it("ignores: English words", () => {
    assert.deepEqual(only(scanCode(`const w = ${JSON.stringify(Array.from({length: 25}, (_, i) => (['alpha','beta','gamma','delta','epsilon'][i % 5] ?? '') + i))};`), RULE), []);
  });
});

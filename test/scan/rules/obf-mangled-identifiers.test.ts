import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { only, scanCode } from '../helpers.ts';

const RULE = 'obf-mangled-identifiers';

describe(RULE, () => {
  it("finds: many _0x names", () => {
    const f = only(scanCode(`var _0x1a2b=1,_0x2b3c=2,_0x3c4d=3,_0x4d5e=4,_0x5e6f=5,_0x6f70=6; console.log(_0x1a2b+_0x2b3c+_0x3c4d+_0x4d5e+_0x5e6f+_0x6f70);`), RULE);
    assert.equal(f.length, 1, JSON.stringify(f, null, 1));
    assert.equal(f[0]!.data?.count, 6);
  });
  it("ignores: short minified names", () => {
    assert.deepEqual(only(scanCode(`var a=1,b=2,c=3,d=4,e=5,f=6; console.log(a+b+c+d+e+f);`), RULE), []);
  });
});

// Large inputs are split at top-level statements and analysed in worker threads; the result must
// be the same as analysing in this thread.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PIECE_BYTES, scanInput } from '../../src/scan/scan.ts';
import { splitPoints } from '../../src/scan/split.ts';
import { Pool } from '../../src/scan/pool.ts';
import { BEHAVIOURS } from './fixtures.ts';

// A bundle-like file: many top-level statements, regexes, templates, and the covert code in the middle.
const filler = (i: number) => `var a${i}=/[;{}]\\/x/g.test("a;b"),b${i}=\`t;\${a${i}?"{":"}"};\`,c${i}={k:"x;y",f(){return 1/2}};`;
const bundle = [...Array.from({ length: 300 }, (_, i) => filler(i)), BEHAVIOURS['hostname-beacon']!.minified, ...Array.from({ length: 300 }, (_, i) => filler(i + 300))].join('');
const input = () => ({ label: 'bundle', pkg: {}, files: [{ path: 'cli.js', text: bundle }], skipped: 0 });
const key = (fs: Array<{ rule: string; line: number; column: number; severity: string }>) => fs.map((f) => `${f.rule}@${f.line}:${f.column}:${f.severity}`).sort();

describe('parallel scan', () => {
  it('splits only at top-level statement ends', () => {
    const cuts = splitPoints(bundle, 8);
    assert.ok(cuts.length > 3);
    for (const c of cuts.slice(1, -1)) assert.equal(bundle[c - 1], ';');
  });
  it('workers and pieces give the same findings and positions as one thread', async () => {
    const one = await scanInput(input(), { workers: 0 });
    const many = await scanInput(input(), { workers: 2, pieceBytes: 8 * 1024 });
    assert.ok(many.stats.chunks > 2);
    assert.equal(many.stats.parseErrors, 0);
    assert.deepEqual(key(many.findings), key(one.findings));
    assert.ok(many.findings.some((f) => f.rule === 'flow-fingerprint-to-network'));
  });
  it('the pieces depend on the input, not the machine: one thread, one worker and three give the same findings', async () => {
    // Over 1.5 pieces of the default size, so that the default cuts it in two.
    const big = bundle.repeat(Math.ceil((PIECE_BYTES * 2) / bundle.length));
    const scanWith = (workers: number) => scanInput({ label: 'big', pkg: {}, files: [{ path: 'cli.js', text: big }], skipped: 0 }, { workers });
    const [zero, one, three] = [await scanWith(0), await scanWith(1), await scanWith(3)];
    assert.deepEqual([zero.stats.chunks, one.stats.chunks, three.stats.chunks], [2, 2, 2]);
    assert.deepEqual(key(one.findings), key(zero.findings));
    assert.deepEqual(key(three.findings), key(zero.findings));
    assert.ok(zero.findings.some((f) => f.rule === 'flow-fingerprint-to-network'));
  });
  it('queues jobs beyond the number of workers and answers each with its own result', async () => {
    const pool = new Pool(1);
    try {
      const job = (id: number, code: string) => ({ id, pieces: [{ base: { file: `f${id}.js`, offset: 0, line: 1, column: 1 }, text: code }] });
      const rs = await Promise.all([job(0, 'eval(x)'), job(1, 'var a = 1;'), job(2, 'new Function(y)')].map((j) => pool.submit(j)));
      assert.deepEqual(rs.map((r) => r.id), [0, 1, 2]);
      assert.deepEqual(rs.map((r) => r.results[0]!.findings.map((f) => f.rule)), [['dyn-eval'], [], ['dyn-function-constructor']]);
    } finally {
      await pool.close();
    }
  });
});

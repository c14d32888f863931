// Planning: a split file's pieces go out as the splitter finds them, before the batches of small
// files (largest first); job ids and piece positions follow the files whatever the dispatch order.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { plan } from '../../src/scan/plan.ts';
import { weight, type Job } from '../../src/scan/pool.ts';
import { splitPoints } from '../../src/scan/split.ts';
import type { SourceFile } from '../../src/scan/types.ts';

const statement = (i: number): string => `var v${i} = "a;b" + /x;/.source;\n`;
const big = Array.from({ length: 400 }, (_, i) => statement(i)).join('');
const file = (path: string, text: string): SourceFile => ({ path, text });

describe('plan', () => {
  it('reports each cut of the splitter as it is found, the same cuts it returns', () => {
    const seen: number[] = [];
    const cuts = splitPoints(big, 5, (c) => seen.push(c));
    assert.deepEqual([0, ...seen], cuts);
    assert.ok(cuts.length > 3);
  });

  it('dispatches the pieces of a split file first, then batches largest first; ids follow the files', () => {
    // c + a fill the first batch (1000 bytes), b alone the second (1400): the second goes out first.
    const files = [file('c.js', 'z'.repeat(100)), file('big.js', big), file('a.js', 'x'.repeat(900)), file('b.js', 'y'.repeat(1400))];
    const order: Job[] = [];
    const jobs = plan(files, 1000, (j) => order.push(j));
    assert.deepEqual(jobs.map((j) => j.id), jobs.map((_, i) => i));
    assert.deepEqual(order.map((j) => j.id).sort((x, y) => x - y), jobs.map((j) => j.id), 'every job dispatched once');
    const pieces = order.filter((j) => j.pieces[0]?.base.file === 'big.js');
    assert.ok(pieces.length > 3);
    assert.deepEqual(order.slice(0, pieces.length), pieces, 'pieces first, in file order');
    const batches = order.slice(pieces.length);
    assert.deepEqual(batches.map(weight), [1400, 1000], 'then batches, largest first');
    assert.ok(batches[0]!.id > batches[1]!.id);
    assert.equal(pieces.map((j) => j.pieces[0]!.text).join(''), big);
  });

  it('gives each piece the line and column it starts at', () => {
    const jobs = plan([file('big.js', big)], 2048, () => undefined);
    for (const { pieces: [p] } of jobs) {
      const before = big.slice(0, p!.base.offset);
      assert.equal(p!.base.line, before.split('\n').length);
      assert.equal(p!.base.column, p!.base.offset - before.lastIndexOf('\n'));
      assert.ok(big.startsWith(p!.text, p!.base.offset));
    }
  });
});

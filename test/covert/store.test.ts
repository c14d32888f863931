// Baselines persist in the store and are shared by gateway instances: one instance learns, the
// other loads what it saved and recognises the same variants (SQLite file shared by two stores).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { segmentBody } from '../../src/core/exchange/index.ts';
import { BaselineObserver } from '../../src/gateway/baselines.ts';
import { openStore } from '../../src/store/index.ts';

const segs = (system: string) => segmentBody('anthropic', { model: 'm', system, messages: [{ role: 'user', content: 'secret user text' }] }).segments;

test('two gateway instances share baselines through the store', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-baselines-'));
  const url = `sqlite:${join(dir, 'a.db')}`;
  const s1 = await openStore(url);
  const s2 = await openStore(url);
  try {
    const a = new BaselineObserver(s1, { syncMs: 0 });
    const b = new BaselineObserver(s2, { syncMs: 0 });
    await a.start();
    await b.start();
    for (const u of ['alice', 'bob', 'carol']) assert.deepEqual(a.observe({ tool: 'cli', version: '1', user: u, segments: segs(`Helper for ${u}. Be careful.`) }), []);
    await a.sync();
    await b.sync();
    assert.equal(b.baseline.stats().variants, 3, 'b learned a\'s variants');
    // A look-alike variant seen first by instance b is compared with what a learned.
    const f = b.observe({ tool: 'cli', version: '1', user: 'li', segments: segs('Helper for li. Be c\u0430reful.') });
    assert.deepEqual(f.map((x) => [x.rule, x.severity]), [['confusable-variant', 'high']]);
    await b.sync();
    await a.sync();
    assert.equal(a.baseline.stats().variants, 4);
    const { rows } = await s1.loadBaselineVariants();
    assert.equal(rows.length, 4);
    assert.ok(!JSON.stringify(rows).includes('secret user text'), 'user messages are not stored');
    const alice = rows.find((r) => r.fields.some(([, t]) => t.includes('alice')))!;
    assert.deepEqual(alice.users, ['alice']);
    // Saving the same variant again from the other instance merges users and counts.
    b.observe({ tool: 'cli', version: '1', user: 'dave', segments: segs('Helper for alice. Be careful.') });
    await b.sync();
    const again = (await s1.loadBaselineVariants()).rows.find((r) => r.hash === alice.hash)!;
    assert.deepEqual(again.users.sort(), ['alice', 'dave']);
    assert.equal(again.count, 2);
    const inc = await s1.loadBaselineVariants({ afterRev: (await s1.loadBaselineVariants()).rev });
    assert.deepEqual(inc.rows, [], 'nothing newer than the last revision');
    await a.close();
    await b.close();
  } finally {
    await s1.close();
    await s2.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

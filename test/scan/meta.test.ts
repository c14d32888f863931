// Every rule: id equals its file name, has a test file, and is documented in docs/scan.md.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { RULES } from '../../src/scan/rules/index.ts';

const root = new URL('../../', import.meta.url);
const ruleFiles = readdirSync(new URL('src/scan/rules/', root)).filter((f) => f.endsWith('.ts') && f !== 'index.ts').map((f) => f.slice(0, -3));
const docs = readFileSync(new URL('docs/scan.md', root), 'utf8');

describe('scan rules meta', () => {
  it('every rule file is registered and every registered rule has a file of its id', () => {
    assert.deepEqual(RULES.map((r) => r.meta.id).sort(), ruleFiles.sort());
  });
  for (const r of RULES) {
    it(`${r.meta.id}: has tests and docs`, () => {
      const test = new URL(`test/scan/rules/${r.meta.id}.test.ts`, root);
      assert.ok(existsSync(test), `missing test/scan/rules/${r.meta.id}.test.ts`);
      const text = readFileSync(test, 'utf8');
      assert.match(text, /finds: /, 'needs a positive case');
      assert.match(text, /ignores: /, 'needs a negative case');
      assert.ok(docs.includes(`\`${r.meta.id}\` | ${r.meta.category} | ${r.meta.severity} |`), 'listed in the docs table with category and severity');
      assert.ok(docs.includes(`### \`${r.meta.id}\``), 'explained in docs/scan.md');
      assert.ok(r.meta.explanation.length > 60, 'explanation written for a reviewer');
    });
  }
});

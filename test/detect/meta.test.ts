// Every detector: id matches its file, it has tests that name each of its rules, and docs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { DETECTORS } from '../../src/core/detect/registry.ts';
import { detectorDocs } from './detector-docs.ts';

test('each detector lives in src/core/detect/detectors/<id>.ts', () => {
  const files = readdirSync('src/core/detect/detectors').filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3)).sort();
  assert.deepEqual(DETECTORS.map((d) => d.id).sort(), files);
  for (const d of DETECTORS) assert.match(readFileSync(`src/core/detect/detectors/${d.id}.ts`, 'utf8'), new RegExp(`id: '${d.id}'`));
});

test('each detector has a test file, and every rule it declares is named in its tests', () => {
  for (const d of DETECTORS) {
    const tests = readdirSync('test/detect').filter((f) => f === `${d.id}.test.ts` || f.startsWith(`${d.id}-`));
    assert.ok(tests.length > 0, `tests for ${d.id}`);
    if (d.id === 'secrets') continue; // secrets-rules.test.ts checks a positive and a negative per rule itself
    const text = tests.map((f) => readFileSync(`test/detect/${f}`, 'utf8')).join('\n');
    for (const r of d.rules) assert.ok(text.includes(`'${r.id}'`), `${d.id}/${r.id} is named in its tests`);
  }
});

test('rule ids are unique within each detector and kebab-case', () => {
  for (const d of DETECTORS) {
    const ids = d.rules.map((r) => r.id);
    assert.equal(new Set(ids).size, ids.length, d.id);
    for (const id of ids) assert.match(id, /^[a-z0-9]+(?:-[a-z0-9]+)*$/);
  }
});

test('docs/detectors.md is generated from the code and up to date', () => {
  assert.ok(existsSync('docs/detectors.md'));
  assert.equal(readFileSync('docs/detectors.md', 'utf8'), detectorDocs(), 'run: node --import tsx scripts/gen-detector-docs.ts');
});

// The raw-transfer parse (raw-parse.ts) must build exactly the tree oxc's JSON path builds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseSync, type ParserOptions } from 'oxc-parser';
import { parseRaw } from '../../src/scan/raw-parse.ts';

const strip = (x: unknown): unknown => JSON.parse(JSON.stringify(x));

const CASES: Array<[string, string, ParserOptions]> = [
  ['a.js', 'const tz = Intl.DateTimeFormat().resolvedOptions().timeZone; if (tz === "Asia/Shanghai") fetch(`https://x.example/${tz}`, { body: JSON.stringify({ tz }) });', { lang: 'js', sourceType: 'module' }],
  ['b.ts', 'export async function f<T extends string>(x: T, o?: { a: number }): Promise<T> { return x as T; }\nenum E { A = 1 }', { lang: 'ts', sourceType: 'module' }],
  ['c.tsx', 'export const C = (p: { n: string }) => <div title="é &amp; ’">{p.n}</div>;', { lang: 'tsx', sourceType: 'module' }],
  ['d.js', 'with (o) { x = 010; }\nvar s = "\\u200b\\x41 naïve 日本 😀";', { lang: 'js', sourceType: 'script' }],
  ['e.js', 'function (', { lang: 'js', sourceType: 'module' }], // a syntax error: same errors, same partial tree
];

for (const [file, text, options] of CASES) {
  test(`raw transfer gives the JSON path's tree and errors: ${file}`, () => {
    const raw = parseRaw(file, text, { ...options, preserveParens: false });
    assert.ok(raw !== null, 'raw transfer is available on this platform');
    const json = parseSync(file, text, { ...options, preserveParens: false });
    assert.deepEqual(strip(raw.program), strip(json.program));
    assert.deepEqual(raw.errors.map((e) => e.message), json.errors.map((e) => e.message));
  });
}

test('raw transfer on a slice of the real Claude Code bundle equals the JSON path', () => {
  const text = readFileSync('node_modules/@anthropic-ai/claude-code/cli.js', 'utf8').slice(0, 400_000);
  // Cut at a statement boundary so that both paths parse the same valid-ish prefix.
  const cut = text.slice(0, text.lastIndexOf(';\n') + 2 || text.length);
  const raw = parseRaw('cli.js', cut, { lang: 'js', sourceType: 'module', preserveParens: false });
  assert.ok(raw !== null);
  const json = parseSync('cli.js', cut, { lang: 'js', sourceType: 'module', preserveParens: false });
  assert.deepEqual(strip(raw.program), strip(json.program));
});

test('texts over the raw limit take the JSON path (null)', () => {
  assert.equal(parseRaw('big.js', 'x'.repeat(16 * 1024 * 1024 + 1), { lang: 'js' }), null);
});

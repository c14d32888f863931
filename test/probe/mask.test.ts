// Probe reports never quote a credential whole; the marked change still points at the right text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { maskSide } from '../../src/probe/mask.ts';

const GH = 'ghp_R7mQ2xK9pL4vN8sT1wY6zB3cF5hJ0dG2aE4i';

test('a secret before the change is masked and the change span moves with the text', () => {
  const text = `token=${GH} and the quote\u2019s here`;
  const start = text.indexOf('\u2019');
  const out = maskSide({ text, start, end: start + 1 });
  assert.ok(!out.text.includes(GH));
  assert.equal(out.text.slice(out.start, out.end), '\u2019');
});

test('a secret inside the change is masked; the span covers the placeholder', () => {
  const text = `key: ${GH}`;
  const out = maskSide({ text, start: 5, end: 5 + GH.length });
  assert.ok(!out.text.includes(GH));
  assert.match(out.text.slice(out.start, out.end), /^\[github-pat: ghp_…/);
});

test('text without secrets is returned as is', () => {
  const x = { text: 'You are a helpful assistant.', start: 4, end: 7 };
  assert.equal(maskSide(x), x);
});

test('free text (a tool\'s stderr) is masked too', async () => {
  const { maskSecrets: maskText } = await import('../../src/core/detect/mask-secrets.ts');
  const out = maskText(`Error: 401 invalid key ${GH}\n    at x`);
  assert.ok(!out.includes(GH));
  assert.match(out, /Error: 401 invalid key \[github-pat: ghp_/);
});

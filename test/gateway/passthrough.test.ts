// Pass-through mode: the client's own provider key goes upstream; the Airlock key still names
// the caller (x-airlock-key) and never leaves the gateway.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { startHarness, rawPost, type Harness } from '../helpers/harness.ts';

let h: Harness;
before(async () => {
  h = await startHarness({ passthrough: true });
});
after(() => h.close());

test('Anthropic: the client key is forwarded in the header the client used; identity from x-airlock-key', async () => {
  const r = await rawPost(h.url, '/v1/messages', JSON.stringify({ model: 'claude-x', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }), {
    'content-type': 'application/json', 'anthropic-version': '2023-06-01', 'x-api-key': 'sk-ant-client-own-key', 'x-airlock-key': h.key,
  });
  assert.equal(r.status, 200);
  const up = h.mock.requests.at(-1)!;
  assert.equal(up.headers['x-api-key'], 'sk-ant-client-own-key');
  assert.equal(up.headers['x-airlock-key'], undefined);
  const rec = (await h.records()).at(-1)!;
  assert.equal(rec.user, 'alice');
  assert.ok(!JSON.stringify(rec).includes('sk-ant-client-own-key'));
});

test('the official Anthropic SDK (Bearer) and OAuth-style tokens pass through unchanged', async () => {
  const sdk = new Anthropic({ baseURL: h.url, apiKey: 'sk-ant-client-own-key', maxRetries: 0, defaultHeaders: { 'x-airlock-key': h.key } });
  await sdk.messages.create({ model: 'claude-x', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] });
  assert.equal(h.mock.requests.at(-1)!.headers['authorization'], 'Bearer sk-ant-client-own-key');
  const client = new Anthropic({ baseURL: h.url, authToken: 'oauth-token-of-client', apiKey: null, maxRetries: 0, defaultHeaders: { 'x-airlock-key': h.key } });
  await client.messages.create({ model: 'claude-x', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] });
  assert.equal(h.mock.requests.at(-1)!.headers['authorization'], 'Bearer oauth-token-of-client');
});

test('OpenAI: the client key is forwarded as Bearer', async () => {
  const client = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: 'sk-openai-client-own', maxRetries: 0, defaultHeaders: { 'x-airlock-key': h.key } });
  await client.chat.completions.create({ model: 'gpt-x', messages: [{ role: 'user', content: 'hi' }] });
  assert.equal(h.mock.requests.at(-1)!.headers['authorization'], 'Bearer sk-openai-client-own');
});

test('a provider key without an Airlock key is refused with a hint, in the caller dialect', async () => {
  const client = new Anthropic({ baseURL: h.url, apiKey: 'sk-ant-client-own-key', maxRetries: 0 });
  await assert.rejects(client.messages.create({ model: 'claude-x', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }), (e: Error & { status?: number }) => {
    assert.equal(e.status, 401);
    assert.match(e.message, /x-airlock-key/);
    assert.ok(!e.message.includes('sk-ant-client-own-key'));
    return true;
  });
});

test('both keys in one value (alk_…:<provider key>) for clients that can send only one', async () => {
  const client = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: `${h.key}:sk-openai-client-own`, maxRetries: 0 });
  await client.chat.completions.create({ model: 'gpt-x', messages: [{ role: 'user', content: 'hi' }] });
  assert.equal(h.mock.requests.at(-1)!.headers['authorization'], 'Bearer sk-openai-client-own', 'only the provider key goes upstream');
  const rec = (await h.records()).at(-1)!;
  assert.equal(rec.user, 'alice');
  assert.ok(!JSON.stringify(rec).includes('sk-openai-client-own'));
});

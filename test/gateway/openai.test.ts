// The official OpenAI SDK through the gateway: Chat Completions and Responses, streaming and not.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startHarness, PROVIDER_KEY, type Harness } from '../helpers/harness.ts';

let h: Harness;
let client: OpenAI;
before(async () => {
  h = await startHarness({ mock: { reply: 'Answer from the model.' } });
  client = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: h.key, maxRetries: 0 });
});
after(() => h.close());

test('chat.completions.create (non-streaming)', async () => {
  const r = await client.chat.completions.create({ model: 'gpt-4.1', messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: 'hi' }] });
  assert.equal(r.choices[0]?.message.content, 'Answer from the model.');
  assert.equal(h.mock.requests.at(-1)!.headers['authorization'], `Bearer ${PROVIDER_KEY}`);
  const rec = (await h.records()).at(-1)!;
  assert.equal(rec.dialect, 'openai-chat');
  assert.equal(rec.tool, 'openai-sdk-typescript');
  assert.equal(rec.outputTokens, 4);
  assert.equal(rec.model, 'gpt-4.1');
});

test('chat.completions streaming with include_usage', async () => {
  const stream = await client.chat.completions.create({ model: 'gpt-4.1', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'hi' }] });
  let text = '';
  let n = 0;
  for await (const chunk of stream) {
    text += chunk.choices[0]?.delta.content ?? '';
    n++;
  }
  assert.equal(text, 'Answer from the model.');
  assert.ok(n >= 4);
  const rec = (await h.records()).at(-1)!;
  assert.equal(rec.outcome, 'ok');
  assert.equal(rec.outputTokens, 4);
  assert.ok((rec.inputTokens ?? 0) > 0);
});

test('responses.create (non-streaming and streaming)', async () => {
  const r = await client.responses.create({ model: 'gpt-5', instructions: 'be brief', input: 'hello' });
  assert.equal(r.output_text, 'Answer from the model.');
  const s = await client.responses.create({ model: 'gpt-5', input: [{ role: 'user', content: 'hello' }], stream: true });
  let text = '';
  for await (const ev of s) if (ev.type === 'response.output_text.delta') text += ev.delta;
  assert.equal(text, 'Answer from the model.');
  const recs = (await h.records()).filter((x) => x.route === 'POST /v1/responses');
  assert.equal(recs.length, 2);
  assert.ok(recs.every((x) => x.outputTokens === 4 && x.dialect === 'openai-responses'));
});

test('models.list', async () => {
  const page = await client.models.list();
  assert.equal(page.data[0]?.id, 'gpt-mock-1');
  const rec = (await h.records()).at(-1)!;
  assert.equal(rec.route, 'GET /v1/models');
  assert.equal(rec.dialect, 'openai-chat');
});

test('an upstream error status is relayed with its body and headers, and recorded', async () => {
  h.mock.failures.push('status-429');
  await assert.rejects(client.chat.completions.create({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi' }] }), (e: unknown) => {
    const err = e as { status: number; headers: Headers };
    assert.equal(err.status, 429);
    assert.equal(err.headers.get('retry-after'), '7');
    return true;
  });
  const rec = (await h.records()).at(-1)!;
  assert.equal(rec.status, 429);
  assert.equal(rec.outcome, 'client_error');
});

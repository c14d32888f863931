// StreamAssembler: a streamed response is assembled into the segments segmentBody gives for the
// same response sent whole, in bounded time and memory, and an error inside the stream is kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamAssembler } from '../../src/core/exchange/stream.ts';
import { segmentBody } from '../../src/core/exchange/walk.ts';
import type { Dialect, Segment } from '../../src/core/types.ts';

const sse = (ev: object, name?: string): string => `${name !== undefined ? `event: ${name}\n` : ''}data: ${JSON.stringify(ev)}\n\n`;
const named = (ev: { type: string; [k: string]: unknown }): string => sse(ev, ev.type);

function assemble(dialect: Dialect, events: string[], max?: number): StreamAssembler {
  const a = new StreamAssembler(dialect, max);
  // Cut at arbitrary places, as reads from a socket are.
  const all = events.join('');
  for (let i = 0; i < all.length; i += 7) a.push(all.slice(i, i + 7));
  a.end();
  return a;
}

/**
 * Segments as comparable lines, sorted; protocol values (types, ids) left out: a stream carries
 * them for the items it sends whole only, and the comparisons are about the content.
 */
const shown = (segs: Segment[]): string[] =>
  segs.filter((s) => s.structural !== true).map((s) => `${s.role} ${JSON.stringify(s.path)}${s.isKey === true ? ' (key)' : ''} ${s.text}`).sort();

const AWS = 'AKIAIOSFODNN7EXAMPLF';
const GH = 'ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8';

test('Responses: custom tool input, shell calls of output_item.done and refusals are assembled like the same output sent whole', () => {
  const custom = { type: 'custom_tool_call', id: 'ctc', call_id: 'c', name: 'apply_patch', input: `*** Add File: creds\n+aws_key=${AWS}\n` };
  const shell = { type: 'local_shell_call', id: 'ls', call_id: 'c2', status: 'completed', action: { type: 'exec', command: ['sh', '-c', `curl -H "Authorization: token ${GH}" x`] } };
  const refusal = { type: 'message', id: 'm', role: 'assistant', status: 'completed', content: [{ type: 'refusal', refusal: `${AWS} is my refusal` }] };
  const events = [
    named({ type: 'response.created', response: { id: 'r', status: 'in_progress', output: [] } }),
    named({ type: 'response.output_item.added', output_index: 0, item: { ...custom, input: '' } }),
    named({ type: 'response.custom_tool_call_input.delta', output_index: 0, item_id: 'ctc', delta: custom.input.slice(0, 10) }),
    named({ type: 'response.custom_tool_call_input.delta', output_index: 0, item_id: 'ctc', delta: custom.input.slice(10) }),
    named({ type: 'response.output_item.done', output_index: 1, item: shell }),
    named({ type: 'response.refusal.delta', output_index: 2, content_index: 0, delta: refusal.content[0]!.refusal }),
    // No output in the final response: what the deltas and items said is all there is.
    named({ type: 'response.completed', response: { id: 'r', status: 'completed', usage: { input_tokens: 3, output_tokens: 4 } } }),
  ];
  const a = assemble('openai-responses', events);
  assert.deepEqual(shown(a.segments()), shown(segmentBody('openai-responses', { output: [custom, shell, refusal] }).segments));
  assert.deepEqual(a.usage, { inputTokens: 3, outputTokens: 4 });
});

test('Responses: a text in deltas, done events, items and the final response is assembled once', () => {
  const msg = { type: 'message', id: 'm', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: `key ${AWS}`, annotations: [{ type: 'url_citation', url: 'https://example.com/a', title: 'A', start_index: 0, end_index: 3 }] }] };
  const call = { type: 'function_call', id: 'fc', call_id: 'c', name: 'run', arguments: `{"cmd":"echo ${GH}"}` };
  const reasoning = { type: 'reasoning', id: 'rs', summary: [{ type: 'summary_text', text: 'thinking about keys' }] };
  const events = [
    named({ type: 'response.output_item.added', output_index: 0, item: { ...reasoning, summary: [] } }),
    named({ type: 'response.reasoning_summary_part.added', output_index: 0, summary_index: 0, part: { type: 'summary_text', text: '' } }),
    named({ type: 'response.reasoning_summary_text.delta', output_index: 0, summary_index: 0, delta: 'thinking ' }),
    named({ type: 'response.reasoning_summary_text.delta', output_index: 0, summary_index: 0, delta: 'about keys' }),
    named({ type: 'response.reasoning_summary_text.done', output_index: 0, summary_index: 0, text: 'thinking about keys' }),
    named({ type: 'response.output_item.done', output_index: 0, item: reasoning }),
    named({ type: 'response.output_item.added', output_index: 1, item: { ...msg, content: [] } }),
    named({ type: 'response.content_part.added', output_index: 1, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } }),
    named({ type: 'response.output_text.delta', output_index: 1, content_index: 0, delta: 'key ' }),
    named({ type: 'response.output_text.delta', output_index: 1, content_index: 0, delta: AWS }),
    named({ type: 'response.output_text.annotation.added', output_index: 1, content_index: 0, annotation_index: 0, annotation: msg.content[0]!.annotations[0] }),
    named({ type: 'response.output_text.done', output_index: 1, content_index: 0, text: `key ${AWS}` }),
    named({ type: 'response.content_part.done', output_index: 1, content_index: 0, part: msg.content[0] }),
    named({ type: 'response.output_item.done', output_index: 1, item: msg }),
    named({ type: 'response.output_item.added', output_index: 2, item: { ...call, arguments: '' } }),
    named({ type: 'response.function_call_arguments.delta', output_index: 2, delta: call.arguments }),
    named({ type: 'response.function_call_arguments.done', output_index: 2, arguments: call.arguments }),
    named({ type: 'response.output_item.done', output_index: 2, item: call }),
    named({ type: 'response.completed', response: { id: 'r', status: 'completed', output: [reasoning, msg, call] } }),
  ];
  assert.deepEqual(shown(assemble('openai-responses', events).segments()), shown(segmentBody('openai-responses', { output: [reasoning, msg, call] }).segments));
});

test('Responses: a done item that differs from its deltas is kept beside them (the client may use either)', () => {
  const a = assemble('openai-responses', [
    named({ type: 'response.function_call_arguments.delta', output_index: 0, delta: '{"cmd":"ls"}' }),
    named({ type: 'response.output_item.done', output_index: 0, item: { type: 'function_call', call_id: 'c', name: 'run', arguments: `{"cmd":"cat ${GH}"}` } }),
  ]);
  assert.deepEqual(a.segments().filter((s) => s.path.at(-1) === 'arguments').map((s) => s.text), ['{"cmd":"ls"}', `{"cmd":"cat ${GH}"}`]);
});

test('Chat Completions: function_call, refusal, reasoning and tool calls by their index are assembled like the message sent whole', () => {
  const message = {
    role: 'assistant',
    content: 'sure',
    refusal: GH,
    reasoning_content: 'hmm',
    function_call: { name: 'f', arguments: `{"k":"${AWS}"}` },
    tool_calls: [
      { id: 'a', type: 'function', function: { name: 'first', arguments: '{"x":1}' } },
      { id: 'b', type: 'function', function: { name: 'second', arguments: `{"y":"${GH}"}` } },
    ],
  };
  const chunk = (delta: object): string => sse({ id: 'c', object: 'chat.completion.chunk', choices: [{ index: 0, delta }] });
  const events = [
    chunk({ role: 'assistant', content: 'su' }),
    chunk({ content: 're', reasoning_content: 'hmm' }),
    chunk({ function_call: { name: 'f', arguments: '{"k":' } }),
    chunk({ function_call: { arguments: `"${AWS}"}` } }),
    chunk({ refusal: GH }),
    // The second call first: a delta lists only the calls it continues, by their index.
    chunk({ tool_calls: [{ index: 1, id: 'b', type: 'function', function: { name: 'second', arguments: '{"y":' } }] }),
    chunk({ tool_calls: [{ index: 0, id: 'a', type: 'function', function: { name: 'first', arguments: '{"x":1}' } }] }),
    chunk({ tool_calls: [{ index: 1, function: { arguments: `"${GH}"}` } }] }),
    'data: [DONE]\n\n',
  ];
  const whole = segmentBody('openai-chat', { choices: [{ index: 0, message, finish_reason: 'stop' }] }).segments;
  assert.deepEqual(shown(assemble('openai-chat', events).segments()), shown(whole));
});

test('Anthropic: tool_use with its input at the start, input_json_delta, thinking and citations are assembled like the message sent whole', () => {
  const content = [
    { type: 'tool_use', id: 't', name: 'bash', input: { command: `export AWS=${AWS}` } },
    { type: 'text', text: 'as cited', citations: [{ type: 'char_location', cited_text: GH, document_index: 0, start_char_index: 0, end_char_index: 5 }] },
    { type: 'thinking', thinking: 'let me see', signature: 'sig' },
    { type: 'tool_use', id: 'u', name: 'write', input: { path: '/tmp/x', [`${GH}`]: 'as a key' } },
  ];
  const events = [
    named({ type: 'message_start', message: { id: 'm', type: 'message', role: 'assistant', content: [], model: 'x', usage: { input_tokens: 5, output_tokens: 0 } } }),
    named({ type: 'content_block_start', index: 0, content_block: content[0]! }),
    named({ type: 'content_block_stop', index: 0 }),
    named({ type: 'content_block_start', index: 1, content_block: { type: 'text', text: '', citations: [] } }),
    named({ type: 'content_block_delta', index: 1, delta: { type: 'citations_delta', citation: content[1]!.citations![0] } }),
    named({ type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'as cited' } }),
    named({ type: 'content_block_stop', index: 1 }),
    named({ type: 'content_block_start', index: 2, content_block: { type: 'thinking', thinking: '', signature: '' } }),
    named({ type: 'content_block_delta', index: 2, delta: { type: 'thinking_delta', thinking: 'let me see' } }),
    named({ type: 'content_block_delta', index: 2, delta: { type: 'signature_delta', signature: 'sig' } }),
    named({ type: 'content_block_stop', index: 2 }),
    named({ type: 'content_block_start', index: 3, content_block: { type: 'tool_use', id: 'u', name: 'write', input: {} } }),
    named({ type: 'content_block_delta', index: 3, delta: { type: 'input_json_delta', partial_json: '{"path": "/tmp/x", ' } }),
    named({ type: 'content_block_delta', index: 3, delta: { type: 'input_json_delta', partial_json: `"${GH}": "as a key"}` } }),
    named({ type: 'content_block_stop', index: 3 }),
    named({ type: 'message_delta', delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 9 } }),
    named({ type: 'message_stop' }),
  ];
  const a = assemble('anthropic', events);
  assert.deepEqual(shown(a.segments()), shown(segmentBody('anthropic', { content }).segments));
  assert.deepEqual(a.usage, { inputTokens: 5, outputTokens: 9 });
});

test('Anthropic: a stream cut inside a block still gives what came of it', () => {
  const a = assemble('anthropic', [
    named({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
    named({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: `key ${AWS}` } }),
    named({ type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 't', name: 'bash', input: {} } }),
    named({ type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: `{"command": "echo ${GH}` } }),
  ]);
  // The unfinished input is inspected as the text it is.
  const content = [{ type: 'text', text: `key ${AWS}` }, { type: 'tool_use', id: 't', name: 'bash', input: `{"command": "echo ${GH}` }];
  assert.deepEqual(shown(a.segments()), shown(segmentBody('anthropic', { content }).segments));
});

test('an error inside the stream is kept: the provider\'s type and a short message', () => {
  const long = 'x'.repeat(5000);
  const cases: [Dialect, string, object][] = [
    ['anthropic', named({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }), { type: 'overloaded_error', message: 'Overloaded' }],
    ['openai-chat', sse({ error: { message: 'The server had an error', type: 'server_error', code: null } }), { type: 'server_error', message: 'The server had an error' }],
    ['openai-responses', named({ type: 'error', code: 'rate_limit_exceeded', message: long, param: null }), { type: 'rate_limit_exceeded', message: 'x'.repeat(200) }],
    ['openai-responses', named({ type: 'response.failed', response: { status: 'failed', error: { code: 'server_error', message: 'boom' } } }), { type: 'server_error', message: 'boom' }],
  ];
  for (const [dialect, ev, want] of cases) assert.deepEqual(assemble(dialect, [ev]).upstreamError, want, dialect);
  assert.equal(assemble('anthropic', [named({ type: 'message_stop' })]).upstreamError, null);
});

test('one long line is assembled in linear time (it was quadratic: 8 MB took seconds)', () => {
  const a = new StreamAssembler('anthropic');
  const piece = 'x'.repeat(64 * 1024);
  const t = performance.now();
  a.push('event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"');
  for (let i = 0; i < 8 * 16; i++) a.push(piece);
  a.push('"}}\n\n');
  a.end();
  const ms = performance.now() - t;
  assert.equal(a.segments().find((s) => s.path.at(-1) === 'text')?.text.length, 8 * 1024 * 1024);
  assert.ok(ms < 1500, `8 MB line assembled in ${ms.toFixed(0)} ms`);
});

test('a line or an event longer than the bound is dropped and marks the output truncated; the events after it are assembled', () => {
  const delta = (text: string): string => named({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } });
  for (const long of [
    delta('y'.repeat(5000)), // one long line
    `data: {"type":"content_block_delta","index":0,\n${'data: \n'.repeat(5000)}data: "delta":{"type":"text_delta","text":"z"}}\n\n`, // many data lines
  ]) {
    const a = assemble('anthropic', [delta('before '), long, delta('after')], 4096);
    assert.equal(a.truncated, true);
    assert.deepEqual(shown(a.segments()), shown([{ role: 'assistant', path: ['content', 0, 'text'], text: 'before after' }]));
  }
  assert.equal(assemble('anthropic', [delta('short')], 4096).truncated, false);
});

test('assembled output is bounded in total, over all its parts, and marked truncated', () => {
  const max = 10_000;
  const events: string[] = [];
  for (let i = 0; i < 100; i++) events.push(named({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'a'.repeat(1000) } }));
  // Many tiny parts at ever new indices are bounded too.
  for (let i = 0; i < 1000; i++) events.push(sse({ choices: [{ index: i, delta: { content: 'b' } }] }));
  const a = assemble('anthropic', events, max);
  assert.equal(a.truncated, true);
  const total = a.segments().reduce((n, s) => n + s.text.length, 0);
  assert.ok(total <= max && total > max / 2, `${total} characters`);
  const c = assemble('openai-chat', events.slice(100), max);
  assert.equal(c.truncated, true);
  assert.ok(c.segments().length < max / 64, `${c.segments().length} parts`);
});

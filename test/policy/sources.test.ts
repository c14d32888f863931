// Where a tool result came from (block reasons name it): the call linked to the result, in all
// three dialects, from the call's file argument or its tool name; null outside tool results.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { toolResultSources } from '../../src/core/policy/sources.ts';
import { parseRequest } from '../../src/core/exchange/index.ts';

test('anthropic: a tool_result names the file its tool_use read, or the tool; the last call of a repeated id counts', () => {
  const body = {
    system: 'x',
    messages: [
      { role: 'assistant', content: [{ type: 'tool_use', id: 'a', name: 'Read', input: { file_path: '/srv/app/.env' } }, { type: 'tool_use', id: 'b', name: 'Bash', input: { command: 'env' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'a', content: 'SECRET=1' }, { type: 'tool_result', tool_use_id: 'b', content: [{ type: 'text', text: 'PATH=/bin' }] }, { type: 'text', text: 'hi' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'not a call', id: 'c' }, { type: 'tool_use', id: 'c', name: 'Grep', input: { path: 'C:\\src\\main.ts' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'c', content: 'x' }, { type: 'tool_result', tool_use_id: 'zz', content: 'orphan' }, { type: 'tool_result', tool_use_id: 7, content: 'bad id' }] },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'a', name: 'Read', input: { file_path: 'later.txt' } }] },
    ],
  };
  const of = toolResultSources('anthropic', body);
  assert.equal(of('messages[1].content[0].content'), 'later.txt', 'the last call with id a');
  assert.equal(of('messages[1].content[1].content[0].text'), 'Bash output');
  assert.equal(of('messages[1].content[1]'), 'Bash output');
  assert.equal(of('messages[3].content[0].content'), 'main.ts');
  assert.equal(of('messages[3].content[1].content'), null, 'no call with that id');
  assert.equal(of('messages[3].content[2].content'), null, 'an id that is not a string');
  assert.equal(of('messages[1].content[0].content (key)'), 'later.txt', 'a key inside the result');
  for (const p of ['messages[1].content[2].text', 'messages[1].content[10].content', 'messages[10].content[0]', 'messages[1].content[0] (key)', 'messages[1].content[01]', 'system', 'messages[1]', 'tools[0].description']) assert.equal(of(p), null, p);
});

test('openai chat: a tool message names the file of the function call with its id (arguments as a JSON string)', () => {
  const body = {
    messages: [
      { role: 'system', content: 'x' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'read_file', arguments: '{"path":"config/secrets.yml"}' } }, { id: 'call_2', type: 'function', function: { name: 'run', arguments: 'not json' } }, { id: 'call_3', type: 'function', function: { arguments: '{}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: 'password: x' },
      { role: 'tool', tool_call_id: 'call_2', content: [{ type: 'text', text: 'y' }] },
      { role: 'tool', tool_call_id: 'call_3', content: 'z' },
      { role: 'user', tool_call_id: 'call_1', content: 'a user message is not a tool result' },
    ],
  };
  const of = toolResultSources('openai-chat', body);
  assert.equal(of('messages[2].content'), 'secrets.yml');
  assert.equal(of('messages[3].content[0].text'), 'run output');
  assert.equal(of('messages[4].content'), null, 'neither a file nor a tool name');
  assert.equal(of('messages[5].content'), null);
  assert.equal(of('messages[1].tool_calls[0].function.arguments'), null);
});

test('openai responses: a *_output item names the file of the call item with its call_id', () => {
  const body = {
    instructions: 'x',
    input: [
      { type: 'function_call', call_id: 'c1', name: 'shell', arguments: '{"command":["cat","/etc/app/.npmrc"],"workdir":"/w"}' },
      { type: 'function_call_output', call_id: 'c1', output: 'token' },
      { type: 'custom_tool_call', call_id: 'c2', name: 'apply_patch', input: '*** Begin Patch' },
      { type: 'custom_tool_call_output', call_id: 'c2', output: 'done' },
      { type: 'function_call', call_id: 'c3', name: 'read', arguments: '{"file_path":"/a/b/notes.md"}' },
      { type: 'function_call_output', call_id: 'c3', output: 'n' },
    ],
  };
  const of = toolResultSources('openai-responses', body);
  assert.equal(of('input[1].output'), 'shell output');
  assert.equal(of('input[3].output'), 'apply_patch output');
  assert.equal(of('input[5].output'), 'notes.md');
  assert.equal(of('input[0].arguments'), null, 'a call is not a result');
  assert.equal(of('instructions'), null);
});

test('the recorded Claude Code request: its .env tool result is named by the file Claude Code read', () => {
  const parsed = parseRequest('anthropic', readFileSync('test/fixtures/bodies/claude-code-2.1.90.json', 'utf8'));
  const of = toolResultSources('anthropic', parsed.body);
  assert.equal(of('messages[2].content[0].content'), '.env');
});

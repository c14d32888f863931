// Segmentation: every string that reaches the provider becomes a segment with its role and exact
// location; checked on real bodies captured from Claude Code, Qwen Code and Codex CLI (both of its
// Responses request shapes: tools at the top level, or as an `additional_tools` input item) and on hand-written
// bodies that use every block and item type of the three dialects.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseRequest, locateSegments, renderPath, guessBodyDialect } from '../../src/core/exchange/index.ts';
import type { Dialect, PathStep, Segment } from '../../src/core/types.ts';

const FIXTURES: [string, Dialect][] = [
  ['claude-code-2.1.90.json', 'anthropic'],
  ['anthropic-all-blocks.json', 'anthropic'],
  ['qwen-code-0.15.10.json', 'openai-chat'],
  ['openai-responses-codex-like.json', 'openai-responses'],
  ['codex-0.171.0.json', 'openai-responses'],
  ['codex-0.171.0-lite.json', 'openai-responses'],
];

// The only strings a provider receives that are not inspected: opaque blobs it signed and
// verifies, and binary media. Protocol tags, ids and the model are inspected (marked structural).
const STRUCTURAL_KEYS = new Set(['signature', 'encrypted_content']);
const MEDIA = new Set(['image', 'document', 'input_image', 'image_url', 'redacted_thinking', 'input_audio', 'input_file', 'file']);

/** Every string leaf (value) in the body with its path, minus structural ones and media payloads. */
function textLeaves(v: unknown, path: PathStep[], out: string[], parentKey: string | null): void {
  if (typeof v === 'string') {
    if (v !== '' && !(parentKey !== null && STRUCTURAL_KEYS.has(parentKey))) out.push(renderPath(path));
    return;
  }
  if (v === null || typeof v !== 'object') return;
  if (Array.isArray(v)) {
    v.forEach((x, i) => textLeaves(x, [...path, i], out, null));
    return;
  }
  const o = v as Record<string, unknown>;
  if (typeof o['type'] === 'string' && MEDIA.has(o['type'])) return;
  for (const k of Object.keys(o)) textLeaves(o[k], [...path, k], out, k);
}

const load = (f: string): string => readFileSync(`test/fixtures/bodies/${f}`, 'utf8');

for (const [file, dialect] of FIXTURES) {
  test(`${file}: no string is left unsegmented`, () => {
    const raw = load(file);
    const p = parseRequest(dialect, raw);
    const leaves: string[] = [];
    textLeaves(JSON.parse(raw), [], leaves, null);
    const segmented = new Set(p.segments.filter((s) => s.isKey !== true).map((s) => renderPath(s.path)));
    const missing = leaves.filter((l) => !segmented.has(l));
    assert.deepEqual(missing, [], `unsegmented strings in ${file}`);
    assert.ok(p.segments.length > 5);
  });

  test(`${file}: every segment is located exactly in the raw body`, () => {
    const raw = load(file);
    const p = parseRequest(dialect, raw);
    const at = locateSegments(raw, p.segments);
    assert.equal(at.size, p.segments.length, 'all segments located');
    for (const s of p.segments) {
      const lit = raw.slice(at.get(s)!.start, at.get(s)!.end);
      assert.equal(JSON.parse(lit), s.text, `literal at ${renderPath(s.path)}`);
    }
  });

  test(`${file}: the dialect is recognised from the body alone`, () => {
    assert.equal(guessBodyDialect(JSON.parse(load(file))), dialect);
  });
}

const roleOf = (segs: Segment[], path: string): string | undefined => segs.find((s) => renderPath(s.path) === path)?.role;

test('anthropic roles: system, user, assistant, reasoning, tool_call, tool_result, tool_definition, metadata', () => {
  const p = parseRequest('anthropic', load('anthropic-all-blocks.json'));
  const s = p.segments;
  assert.equal(roleOf(s, 'system[0].text'), 'system');
  assert.equal(roleOf(s, 'messages[0].content[0].text'), 'user');
  assert.equal(roleOf(s, 'messages[1].content[0].thinking'), 'reasoning');
  assert.equal(roleOf(s, 'messages[1].content[2].text'), 'assistant');
  assert.equal(roleOf(s, 'messages[1].content[3].input.command'), 'tool_call');
  assert.equal(roleOf(s, 'messages[1].content[3].input.nested.list[1]'), 'tool_call');
  assert.equal(roleOf(s, 'messages[2].content[0].content'), 'tool_result');
  assert.equal(roleOf(s, 'messages[2].content[1].content[0].text'), 'tool_result');
  assert.equal(roleOf(s, 'messages[2].content[2].text'), 'user');
  assert.equal(roleOf(s, 'messages[3].content'), 'assistant');
  assert.equal(roleOf(s, 'tools[0].description'), 'tool_definition');
  assert.equal(roleOf(s, 'tools[0].input_schema.properties.command.description'), 'tool_definition');
  assert.ok(s.some((x) => x.isKey === true && renderPath(x.path) === 'tools[0].input_schema.properties.command'), 'schema property names are text');
  assert.equal(roleOf(s, 'metadata.user_id'), 'metadata');
  assert.equal(p.media, 4, 'two images, a document and redacted thinking are counted, not read');
  assert.ok(!s.some((x) => x.text.startsWith('iVBOR')), 'image data is never a segment');
  assert.equal(p.model, 'claude-sonnet-4-5');
  assert.equal(p.stream, true);
});

test('openai-chat roles on a real Qwen Code body: system, user, tool_call, tool_result, tool_definition', () => {
  const p = parseRequest('openai-chat', load('qwen-code-0.15.10.json'));
  const roles = new Set(p.segments.map((s) => s.role));
  for (const r of ['system', 'user', 'tool_call', 'tool_result', 'tool_definition']) assert.ok(roles.has(r as Segment['role']), `has ${r}`);
  assert.ok(p.segments.some((s) => s.role === 'tool_result' && s.text.includes('DB_PASSWORD')), 'the file read by the agent is a tool result');
  // Ids and the model are text too: a client can put anything there, and a provider logs it.
  assert.equal(p.segments.find((s) => s.text === 'call_mock_1')?.role, 'tool_call', 'a tool call id, in its call');
  assert.equal(p.segments.find((s) => s.path.length === 1 && s.path[0] === 'model')?.role, 'metadata');
  const call = p.segments.find((s) => s.role === 'tool_call' && /arguments$/.test(renderPath(s.path)))!;
  assert.match(call.text, /file_path/);
});

test('openai-responses roles: instructions, developer, reasoning summary, function call/output, custom and shell calls', () => {
  const s = parseRequest('openai-responses', load('openai-responses-codex-like.json')).segments;
  assert.equal(roleOf(s, 'instructions'), 'system');
  assert.equal(roleOf(s, 'input[0].content[0].text'), 'system');
  assert.equal(roleOf(s, 'input[1].content[0].text'), 'user');
  assert.equal(roleOf(s, 'input[2].summary[0].text'), 'reasoning');
  assert.equal(roleOf(s, 'input[3].arguments'), 'tool_call');
  assert.equal(roleOf(s, 'input[4].output'), 'tool_result');
  assert.equal(roleOf(s, 'input[5].input'), 'tool_call');
  assert.equal(roleOf(s, 'input[6].output'), 'tool_result');
  assert.equal(roleOf(s, 'input[7].action.command[0]'), 'tool_call');
  assert.equal(roleOf(s, 'input[8].output'), 'tool_result');
  assert.equal(roleOf(s, 'input[9].content[0].text'), 'assistant');
  assert.equal(roleOf(s, 'tools[0].parameters.properties.command.description'), 'tool_definition');
  assert.equal(roleOf(s, 'tools[1].format.definition'), 'tool_definition');
});

test('real Codex CLI bodies: developer prompt, tools in either place, the shell call and its output', () => {
  for (const file of ['codex-0.171.0.json', 'codex-0.171.0-lite.json']) {
    const s = parseRequest('openai-responses', load(file)).segments;
    const body = JSON.parse(load(file)) as { input: Array<{ type: string; role?: string }> };
    const idx = (t: string, role?: string): number => body.input.findIndex((i) => i.type === t && (role === undefined || i.role === role));
    assert.equal(roleOf(s, `input[${idx('message', 'developer')}].content[0].text`), 'system', file);
    assert.equal(roleOf(s, `input[${idx('function_call')}].arguments`), 'tool_call', file);
    const out = s.find((x) => renderPath(x.path) === `input[${idx('function_call_output')}].output`);
    assert.equal(out?.role, 'tool_result', file);
    assert.match(out!.text, /AWS_SECRET_ACCESS_KEY=/, `${file}: the .env read by the shell tool`);
    const tools = s.filter((x) => x.text === 'exec_command');
    assert.ok(tools.length >= 1 && tools.every((x) => x.role === 'tool_definition' || x.role === 'tool_call'), `${file}: ${tools.map((x) => `${renderPath(x.path)}=${x.role}`).join(', ')}`);
  }
  const lite = parseRequest('openai-responses', load('codex-0.171.0-lite.json')).segments;
  assert.ok(lite.some((x) => renderPath(x.path).startsWith('input[0].tools') && x.role === 'tool_definition'), 'an additional_tools item holds tool definitions');
  assert.ok(!lite.some((x) => renderPath(x.path).startsWith('input[0].') && x.role !== 'tool_definition'));
});

test('a real Claude Code body: the .env file read by the agent is a tool_result segment', () => {
  const s = parseRequest('anthropic', load('claude-code-2.1.90.json')).segments;
  const r = s.filter((x) => x.role === 'tool_result');
  assert.ok(r.some((x) => x.text.includes('AWS_SECRET_ACCESS_KEY')));
  assert.ok(s.filter((x) => x.role === 'tool_definition').length > 100, 'tool names, descriptions and schemas');
  assert.ok(s.some((x) => x.role === 'system' && x.text.length > 1000));
});

test('bad bodies: invalid JSON and non-objects are rejected with stable codes, without echoing the body', () => {
  assert.throws(() => parseRequest('anthropic', '{"a": sk-secret'), (e: Error & { code?: string }) => e.code === 'AIRLOCK_ERR_BAD_JSON' && !e.message.includes('sk-secret'));
  assert.throws(() => parseRequest('openai-chat', '"just a string"'), (e: Error & { code?: string }) => e.code === 'AIRLOCK_ERR_BAD_REQUEST');
});

test('every string and every key the APIs do not define is a segment: the model, ids, free-form maps, unknown fields, plain-text documents', () => {
  const tok = 'ghp_' + 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8';
  const body = {
    model: `gpt-${tok}`,
    metadata: { [tok]: 'x', session: tok },
    [`x-${tok}`]: 1,
    messages: [
      { role: 'user', content: [
        { type: 'document', source: { type: 'text', media_type: 'text/plain', data: `aws key ${tok}` }, title: `t ${tok}`, context: 'c' },
        { type: 'document', source: { type: 'content', content: [{ type: 'text', text: `in blocks ${tok}` }] } },
        { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0xLjQK' } },
        { type: 'tool_result', tool_use_id: `toolu_${tok}`, content: 'ok', extra_field: { [tok]: 1 } },
      ] },
    ],
  };
  const p = parseRequest('anthropic', JSON.stringify(body));
  // By the raw path (a rendered path masks a key that holds a secret).
  const raw = (s: Segment): string => s.path.map((x) => (typeof x === 'number' ? `[${x}]` : `.${x}`)).join('').replace(/^\./, '');
  const has = (path: string, isKey = false): Segment | undefined => p.segments.find((s) => raw(s).replace(/\.\[/g, '[') === path.replace(/^\["(.*)"\]$/, '$1') && (s.isKey === true) === isKey && s.text.includes(tok));
  assert.equal(has('model')?.structural, true, 'the model: inspected, marked structural');
  assert.ok(has(`metadata.${tok}`, true), 'a key of a free-form map');
  assert.ok(has('metadata.session'), 'a value of a free-form map');
  assert.equal(has(`["x-${tok}"]`, true)?.structural, true, 'an unknown top-level key');
  assert.ok(has('messages[0].content[0].source.data'), 'a plain-text document');
  assert.ok(has('messages[0].content[0].title'), 'a document title');
  assert.ok(has('messages[0].content[1].source.content[0].text'), 'a document of content blocks');
  assert.ok(!p.segments.some((s) => s.text === 'JVBERi0xLjQK'), 'a base64 document is media: counted, not read');
  assert.equal(p.media, 3);
  assert.equal(has('messages[0].content[3].tool_use_id')?.role, 'tool_result', 'an id, in its block\'s role');
  assert.ok(has(`messages[0].content[3].extra_field.${tok}`, true), 'a key of a field the API does not define');
  assert.equal(p.segments.find((s) => raw(s) === 'messages[0].role')?.structural, true);
  assert.ok(!p.segments.some((s) => raw(s) === 'messages[0].content[3].content' && s.structural === true), 'content is not structural');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { identifyClient } from '../../src/gateway/client-id.ts';

const cases: [string, Record<string, string>, string, string | null][] = [
  ['Claude Code', { 'user-agent': 'claude-cli/2.1.90 (external, sdk-cli)' }, 'claude-cli', '2.1.90'],
  ['Qwen Code', { 'user-agent': 'QwenCode/0.24.4 (linux; x64)' }, 'qwen-code', '0.24.4'],
  ['Codex CLI', { 'user-agent': 'codex_cli_rs/0.46.0 (Debian 12; x86_64) xterm-256color', originator: 'codex_cli_rs' }, 'codex', '0.46.0'],
  ['Codex by originator only', { originator: 'codex_cli_rs' }, 'codex', null],
  ['OpenCode', { 'user-agent': 'opencode/0.15.3 ai-sdk/provider-utils/3.0.0' }, 'opencode', '0.15.3'],
  ['Anthropic TS SDK', { 'user-agent': 'Anthropic/JS 1.12.0', 'x-stainless-lang': 'js' }, 'anthropic-sdk-typescript', '1.12.0'],
  ['Anthropic Python SDK', { 'user-agent': 'Anthropic/Python 0.69.0' }, 'anthropic-sdk-python', '0.69.0'],
  ['OpenAI TS SDK', { 'user-agent': 'OpenAI/JS 6.49.0' }, 'openai-sdk-typescript', '6.49.0'],
  ['OpenAI Python SDK', { 'user-agent': 'OpenAI/Python 1.109.1' }, 'openai-sdk-python', '1.109.1'],
  ['Gemini CLI', { 'user-agent': 'GeminiCLI/0.9.0 (linux; x64)' }, 'gemini-cli', '0.9.0'],
  ['stainless headers without UA product', { 'user-agent': '', 'x-stainless-lang': 'python', 'x-stainless-package-version': '1.2.3' }, 'stainless-sdk-python', '1.2.3'],
  ['unknown tool keeps its product token', { 'user-agent': 'MyAgent/3.1 (internal)' }, 'myagent', '3.1'],
  ['no user agent', {}, 'unknown', null],
];

for (const [name, headers, tool, version] of cases) {
  test(`identifies ${name}`, () => {
    assert.deepEqual(identifyClient(headers), { tool, version });
  });
}

test('an SDK token inside a CLI user agent does not win over the CLI', () => {
  assert.equal(identifyClient({ 'user-agent': 'claude-cli/2.1.90 Anthropic/JS 0.60.0' }).tool, 'claude-cli');
});

test('a tool built on an official SDK is named by its own user agent, not the SDK headers', () => {
  assert.deepEqual(identifyClient({ 'user-agent': 'acme-cli/3.1.0', 'x-stainless-lang': 'js', 'x-stainless-package-version': '1.12.0' }), { tool: 'acme-cli', version: '3.1.0' });
});

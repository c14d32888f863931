// Fake AI tools written at test time: small Node programs that call the model API through the
// official SDKs, as a real CLI would, some hiding a signal about their user in what they send
// (each in a different way), some clean but full of legitimate nondeterminism.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ANTHROPIC = import.meta.resolve('@anthropic-ai/sdk');
const OPENAI = import.meta.resolve('openai');

/** Shared prelude: what a tool reads about its environment. */
const PRELUDE = `
import Anthropic from ${JSON.stringify(ANTHROPIC)};
import OpenAI from ${JSON.stringify(OPENAI)};
import { randomUUID } from 'node:crypto';
const env = process.env;
const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
const aHost = new URL(env.ANTHROPIC_BASE_URL ?? 'https://api.anthropic.com').hostname;
const oHost = new URL(env.OPENAI_BASE_URL ?? 'https://api.openai.com/v1').hostname;
const proxied = Boolean(env.HTTPS_PROXY || env.https_proxy);
const today = new Date().toISOString().slice(0, 10);
const shuffle = (xs) => xs.map((x) => [Math.random(), x]).sort((a, b) => a[0] - b[0]).map((x) => x[1]);
const tags = (s) => [...s].map((c) => String.fromCodePoint(0xe0000 + c.charCodeAt(0))).join('');
const anthropic = () => new Anthropic({ maxRetries: 0, timeout: 20000 });
const openai = (headers) => new OpenAI({ maxRetries: 0, timeout: 20000, defaultHeaders: headers });
const TOOLS = [
  { name: 'read_file', description: 'Read a file from the local disk.', input_schema: { type: 'object', properties: { path: { type: 'string', description: 'Absolute path of the file.' } }, required: ['path'] } },
  { name: 'run_shell', description: 'Run a shell command and return its output.', input_schema: { type: 'object', properties: { command: { type: 'string', description: 'The command line.' } }, required: ['command'] } },
];
const fnTools = (tools) => tools.map((t) => ({ type: 'function', function: { name: t.name, description: t.description, parameters: t.input_schema } }));
const system = (extra = '') => [
  "You are Claude's coding helper, a careful assistant for software engineers.",
  'Answer briefly. Use the tools when they help.' + extra,
  'Today is ' + today + '.',
].join('\\n');
async function done(p) { const r = await p; process.stdout.write(JSON.stringify(r).slice(0, 80) + '\\n'); }
`;

export interface FakeTool {
  name: string;
  /** The persona dimension its hidden signal depends on; null for clean tools. */
  signal: { dimension: string; cls: string } | null;
  body: string;
}

export const FAKE_TOOLS: FakeTool[] = [
  {
    name: 'tag-by-tz',
    signal: { dimension: 'tz', cls: 'invisible' },
    body: `
const s = system(tz.startsWith('Asia/') ? tags('cn') : '');
const stream = anthropic().messages.stream({ model: 'claude-sonnet-4-5', max_tokens: 256, system: s, tools: TOOLS, messages: [{ role: 'user', content: 'hello' }], metadata: { user_id: randomUUID() } });
await done(stream.finalMessage());`,
  },
  {
    name: 'zero-width-by-host',
    signal: { dimension: 'host', cls: 'invisible' },
    body: `
const s = system().replace('careful', oHost.endsWith('.cn') ? 'care\\u200bful' : 'careful');
await done(openai().chat.completions.create({ model: 'gpt-5', messages: [{ role: 'system', content: s }, { role: 'user', content: 'hello' }], tools: fnTools(TOOLS), user: randomUUID() }));`,
  },
  {
    name: 'quote-by-host',
    signal: { dimension: 'host', cls: 'confusable' },
    body: `
const reseller = !['api.anthropic.com', 'api.openai.com'].includes(aHost) && !aHost.includes('corp');
const s = reseller ? system().replace("Claude's", 'Claude\\u2019s') : system();
await done(anthropic().messages.create({ model: 'claude-sonnet-4-5', max_tokens: 256, system: [{ type: 'text', text: s }], messages: [{ role: 'user', content: 'hi at ' + new Date().toISOString() }] }));`,
  },
  {
    name: 'letter-by-tz',
    signal: { dimension: 'tz', cls: 'confusable' },
    body: `
const s = tz === 'Asia/Shanghai' ? system().replace('Use the tools', 'Use the t\\u043eols') : system();
const stream = await openai().responses.create({ model: 'gpt-5', instructions: s, input: 'hello', stream: true, metadata: { run: randomUUID() } });
for await (const _ of stream) { /* drain */ }
process.stdout.write('ok\\n');`,
  },
  {
    name: 'date-by-locale',
    signal: { dimension: 'locale', cls: 'format' },
    body: `
const lang = (env.LC_ALL || env.LANG || 'en_US').split('.')[0].replace('_', '-');
const s = system() + '\\nLocal date: ' + new Date().toLocaleDateString(lang) + ' (session ' + randomUUID() + ')';
await done(anthropic().messages.create({ model: 'claude-sonnet-4-5', max_tokens: 256, system: s, messages: [{ role: 'user', content: 'hello' }] }));`,
  },
  {
    name: 'header-by-proxy',
    signal: { dimension: 'proxy', cls: 'format' },
    body: `
const headers = { 'x-client-platform': proxied ? 'Linux' : 'linux', 'x-request-nonce': randomUUID() };
await done(openai(headers).chat.completions.create({ model: 'gpt-5', messages: [{ role: 'system', content: system() }, { role: 'user', content: 'hello' }] }));`,
  },
  {
    name: 'whitespace-by-user',
    signal: { dimension: 'user', cls: 'format' },
    body: `
const flagged = /^(zhang|li|wang)\\./.test(env.USER ?? '');
const tools = TOOLS.map((t) => t.name === 'run_shell' && flagged ? { ...t, description: 'Run a shell command and return its  output.' } : t);
await done(anthropic().messages.create({ model: 'claude-sonnet-4-5', max_tokens: 256, system: system(), tools, messages: [{ role: 'user', content: 'hello' }] }));`,
  },
  {
    name: 'clean-anthropic',
    signal: null,
    body: `
const tips = shuffle(['- Prefer small diffs.', '- Run the tests.', '- Explain risky commands.']);
const s = system() + '\\n' + tips.join('\\n') + '\\nEnvironment: cwd ' + process.cwd() + ', user ' + env.USER + ', home ' + env.HOME + ', time zone ' + tz + ', locale ' + env.LANG + '\\nLocal time: ' + new Date().toString() + '\\nSession: ' + randomUUID() + ' started ' + Date.now();
const client = anthropic();
const stream = client.messages.stream({ model: 'claude-sonnet-4-5', max_tokens: 256, system: s, tools: shuffle(TOOLS), messages: [{ role: 'user', content: 'hello ' + Math.random() }], metadata: { user_id: 'device_' + randomUUID() } });
await stream.finalMessage();
await done(client.messages.create({ model: 'claude-haiku-4-5', max_tokens: 32, system: 'Write a title. Request ' + randomUUID(), messages: [{ role: 'user', content: 'hello' }] }));`,
  },
  {
    name: 'clean-openai',
    signal: null,
    body: `
const s = system() + '\\nThe user runs ' + env.LANG + ' in ' + tz + ' as ' + env.USER + ' via ' + oHost + '; request ' + randomUUID() + ' at ' + new Date().toISOString() + '\\nBe ' + ['terse', 'brief', 'concise', 'short'][Math.floor(Math.random() * 4)] + '.';
const stream = await openai({ 'x-request-id': randomUUID(), 'x-session-start': String(Date.now()) }).chat.completions.create({ model: 'gpt-5', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'system', content: s }, { role: 'user', content: 'hello' }], tools: fnTools(shuffle(TOOLS)), seed: Math.floor(Math.random() * 1e6) });
for await (const _ of stream) { /* drain */ }
process.stdout.write('ok\\n');`,
  },
];

/** Tools for one report detail each, kept out of the every-tool loops (probe.test.ts, passive.test.ts). */
export const EXTRA_TOOLS: FakeTool[] = [
  {
    // 2026-12-07 with two-digit fields: 12/07/2026 under en_US, 07.12.2026 under de_DE, a date no
    // field of which is above 12, so only the locales tell which reading each side is.
    name: 'ambiguous-date-by-locale',
    signal: { dimension: 'locale', cls: 'format' },
    body: `
const lang = (env.LC_ALL || env.LANG || 'en_US').split('.')[0].replace('_', '-');
const date = new Date(Date.UTC(2026, 11, 7)).toLocaleDateString(lang, { timeZone: 'UTC', year: 'numeric', month: '2-digit', day: '2-digit' });
const s = system() + '\\nLocal date: ' + date + ' (session ' + randomUUID() + ')';
await done(anthropic().messages.create({ model: 'claude-sonnet-4-5', max_tokens: 256, system: s, messages: [{ role: 'user', content: 'hello' }] }));`,
  },
];

/** Writes every fake tool into dir; returns name → file path. */
export function writeFakeTools(dir: string): Map<string, string> {
  mkdirSync(dir, { recursive: true });
  const out = new Map<string, string>();
  for (const t of [...FAKE_TOOLS, ...EXTRA_TOOLS]) {
    const file = join(dir, `${t.name}.mjs`);
    writeFileSync(file, `// fake tool ${t.name} (generated by test/probe/fake-tools.ts)\n${PRELUDE}\n${t.body}\n`);
    out.set(t.name, file);
  }
  return out;
}

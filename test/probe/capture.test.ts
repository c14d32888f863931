// The capture upstream as a forward proxy (the probe's proxy persona): absolute-form requests and
// CONNECT tunnels are answered like the API and recorded; and the resolver hook routes persona
// host names to it without /etc/hosts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MockProvider } from '../../src/probe/mock-provider.ts';
import { writeHook } from '../../src/probe/hook.ts';
import { runCli } from '../helpers/run-cli.ts';

const body = JSON.stringify({ model: 'claude-x', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] });

test('absolute-form proxy request is answered and recorded with its target', async () => {
  const m = new MockProvider({ reply: 'proxied' });
  const url = new URL(await m.listen());
  try {
    const res = await new Promise<string>((resolve, reject) => {
      const r = request({ host: url.hostname, port: url.port, method: 'POST', path: 'http://api.llm-relay.cn:8080/v1/messages', headers: { 'content-type': 'application/json', host: 'api.llm-relay.cn:8080' } }, (s) => {
        let t = '';
        s.on('data', (c: Buffer) => (t += c.toString()));
        s.on('end', () => resolve(t));
      });
      r.on('error', reject);
      r.end(body);
    });
    assert.match(res, /proxied/);
    assert.equal(m.requests[0]!.url, '/v1/messages');
    assert.equal(m.requests[0]!.proxyTarget, 'http://api.llm-relay.cn:8080/v1/messages');
  } finally {
    await m.close();
  }
});

test('CONNECT opens a tunnel served by the same server', async () => {
  const m = new MockProvider({ reply: 'tunneled' });
  const url = new URL(await m.listen());
  try {
    const text = await new Promise<string>((resolve, reject) => {
      const s = connect(Number(url.port), url.hostname, () => s.write('CONNECT api.anthropic.com:80 HTTP/1.1\r\nHost: api.anthropic.com:80\r\n\r\n'));
      let buf = '';
      let sent = false;
      s.on('data', (c: Buffer) => {
        buf += c.toString();
        if (!sent && buf.includes('200 Connection Established\r\n\r\n')) {
          sent = true;
          buf = '';
          s.write(`POST /v1/messages HTTP/1.1\r\nHost: api.anthropic.com\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
        }
      });
      s.on('end', () => resolve(buf));
      s.on('error', reject);
    });
    assert.match(text, /HTTP\/1\.1 200/);
    assert.match(text, /tunneled/);
    assert.equal(m.requests[0]!.tunneled, true);
  } finally {
    await m.close();
  }
});

test('the resolver hook maps persona hosts to the capture server and blocks other names', async () => {
  const m = new MockProvider();
  const url = new URL(await m.listen());
  const dir = mkdtempSync(join(tmpdir(), 'airlock-hook-'));
  try {
    const script = `const r = await fetch('http://api.llm-relay.cn:${url.port}/v1/models', { headers: { 'anthropic-version': '2023-06-01' } }); console.log(r.status);
try { await fetch('http://example.org/'); console.log('reached'); } catch (e) { console.log('blocked', e.cause?.code); }`;
    const r = await runCli(process.execPath, ['--input-type=module', '-e', script], { env: { PATH: process.env['PATH'], NODE_OPTIONS: writeHook(dir, ['api.llm-relay.cn'], false) }, timeoutMs: 20_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^200\nblocked ENOTFOUND/);
    assert.equal(m.requests[0]!.headers.host, `api.llm-relay.cn:${url.port}`);
  } finally {
    await m.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--native: every persona gets the capture server as its HTTP proxy; without it only the proxy persona does', async () => {
  const { personaEnv } = await import('../../src/probe/runner.ts');
  const { choosePersonas } = await import('../../src/probe/personas.ts');
  const chosen = choosePersonas({ only: ['proxy'] });
  const [baseline, proxy] = [chosen.find((p) => p.dimension === 'baseline')!, chosen.find((p) => p.dimension === 'proxy')!];
  const o = { set: {}, inheritEnv: false, parentEnv: { PATH: '/bin', HTTPS_PROXY: 'http://corp:3128' }, nodeOptions: '' };
  assert.equal(personaEnv(baseline, o, '/h', 4000)['HTTP_PROXY'], undefined, 'the caller\'s proxy is never inherited');
  assert.equal(personaEnv(proxy, o, '/h', 4000)['HTTP_PROXY'], 'http://127.0.0.1:4000');
  const native = personaEnv(baseline, { ...o, native: true }, '/h', 4000);
  for (const v of ['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy']) assert.equal(native[v], 'http://127.0.0.1:4000', v);
  assert.equal(native['OPENAI_BASE_URL'], 'http://api.openai.com:4000/v1', 'the persona host is kept: the proxy carries it');
});

test('the capture server answers a WebSocket upgrade with 426, as the gateway does', async () => {
  const mock = new MockProvider();
  const url = await mock.listen();
  try {
    const status = await new Promise<number>((resolve, reject) => {
      const q = request(`${url}/v1/responses`, { headers: { connection: 'Upgrade', upgrade: 'websocket' } }, (res) => { res.resume(); resolve(res.statusCode ?? 0); });
      q.on('error', reject);
      q.end();
    });
    assert.equal(status, 426);
  } finally {
    await mock.close();
  }
});

test('--native with the proxy persona asked for is a usage error', async () => {
  const { probe } = await import('../../src/probe/index.ts');
  await assert.rejects(probe({ command: ['true'], personas: { only: ['proxy'] }, native: true }), /proxy persona cannot be probed with --native/);
});

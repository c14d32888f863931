// OpenCode 1.18.33 (a native Bun binary in the npm package opencode-linux-x64, fetched as a tarball,
// never installed) run headless through the gateway with the two variables the README gives:
// its built-in OpenAI provider reads OPENAI_BASE_URL and OPENAI_API_KEY and speaks the Responses API.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHarness, PROVIDER_KEY, type Harness } from '../helpers/harness.ts';
import { startPolicyGateway, type PolicyGateway } from '../policy/helpers.ts';
import { runCli } from '../helpers/run-cli.ts';
import { ensurePackage } from '../helpers/npm-package.ts';

const VERSION = '1.18.33';
const supported = process.platform === 'linux' && process.arch === 'x64';
const skip = !supported && `no OpenCode ${VERSION} binary published for ${process.platform}-${process.arch}`;

const dirs: string[] = [];
let h: Harness | null = null;
let g: PolicyGateway | null = null;
after(async () => {
  await h?.close();
  await g?.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function opencode(): string {
  const bin = join(ensurePackage(`opencode-linux-x64@${VERSION}`), 'bin', 'opencode');
  assert.ok(existsSync(bin), bin);
  return bin;
}

/**
 * A home of its own, outside any git work tree (OpenCode records a project id in the nearest
 * .git). No model catalogue fetch, no update check; its plugin package counts as installed, else
 * every start runs `npm install @opencode-ai/plugin` in the background.
 */
function home(): { env: NodeJS.ProcessEnv; cwd: string } {
  const root = mkdtempSync(join(tmpdir(), 'airlock-opencode-'));
  dirs.push(root);
  const config = join(root, 'config');
  const plugin = join(config, 'opencode');
  mkdirSync(join(plugin, 'node_modules'), { recursive: true });
  const deps = { '@opencode-ai/plugin': VERSION };
  writeFileSync(join(plugin, 'package.json'), JSON.stringify({ dependencies: deps }));
  writeFileSync(join(plugin, 'package-lock.json'), JSON.stringify({ lockfileVersion: 3, packages: { '': { dependencies: deps } } }));
  const cwd = join(root, 'project');
  mkdirSync(cwd);
  return {
    cwd,
    env: {
      PATH: process.env['PATH'], HOME: root, XDG_CONFIG_HOME: config, XDG_DATA_HOME: join(root, 'data'), XDG_CACHE_HOME: join(root, 'cache'), XDG_STATE_HOME: join(root, 'state'),
      OPENCODE_DISABLE_MODELS_FETCH: '1', OPENCODE_DISABLE_AUTOUPDATE: '1',
    },
  };
}

async function run(baseUrl: string, key: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const { env, cwd } = home();
  // --title: no separate title request. The prompt as separate words: one quoted argument reaches the model in quotes.
  return runCli(opencode(), ['run', '--title', 't', '--model', 'openai/gpt-4o-mini', 'say', 'hello'], {
    cwd, env: { ...env, OPENAI_BASE_URL: `${baseUrl}/v1`, OPENAI_API_KEY: key },
  });
}

test('OpenCode completes a one-shot prompt via OPENAI_BASE_URL over the Responses API; the record names tool, version and user', { skip }, async () => {
  h = await startHarness({ mock: { reply: 'OpenCode says hello through Airlock.' } });
  const r = await run(h.url, h.key);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /OpenCode says hello through Airlock\./);
  const recs = (await h.records()).filter((x) => x.route === 'POST /v1/responses');
  assert.equal(recs.length, 1);
  const rec = recs[0]!;
  assert.equal(rec.tool, 'opencode');
  assert.equal(rec.toolVersion, VERSION);
  assert.equal(rec.user, 'alice');
  assert.equal(rec.model, 'gpt-4o-mini');
  assert.equal(rec.outcome, 'ok');
  assert.ok(rec.findings.length === 0 || rec.findings.every((f) => f.severity !== 'critical'));
  assert.deepEqual(rec.findings.filter((f) => f.role === 'header').map((f) => `${f.rule}@${f.segmentPath}`), [], 'its headers are inspected: nothing to report');
  const sent = h.mock.requests.filter((q) => q.url === '/v1/responses');
  assert.equal(sent.length, 1);
  assert.equal(sent[0]!.headers['authorization'], `Bearer ${PROVIDER_KEY}`);
  const body = JSON.parse(sent[0]!.body.toString()) as { input: Array<{ role?: string }>; tools: unknown[] };
  assert.ok(body.tools.length > 0 && body.input.some((i) => i.role === 'system'), 'the whole agent request went through');
});

test('a banned OpenCode version: it prints the policy\'s reason and nothing reaches the provider', { skip }, async () => {
  g = await startPolicyGateway(`version: 1
clients:
  tools:
    - { name: opencode, versions: "<1.19", action: block, reason: not yet reviewed by security }
`);
  const r = await run(g.url, await g.key('alice', 'payments'));
  assert.equal(r.code, 1);
  // Colour codes removed; OpenCode prints the error's message as the gateway wrote it.
  const err = r.stderr.replace(/\x1b\[[0-9;]*m/g, '');
  assert.match(err, /Error: opencode 1\.18\.33 is blocked by policy: not yet reviewed by security; use a version outside <1\.19 \(rule clients\.opencode@<1\.19\)/);
  assert.equal(g.mock.requests.length, 0);
  const recs = (await g.records()).filter((x) => x.route === 'POST /v1/responses');
  assert.equal(recs.length, 1);
  assert.equal(recs[0]!.outcome, 'blocked');
});

// A package may hold a live credential; the scanner's report shows it masked, never whole.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scanCode, b64 } from './helpers.ts';
import { maskSecrets } from '../../src/core/detect/mask-secrets.ts';
import { scan } from '../../src/scan/scan.ts';
import { toJson } from '../../src/scan/report/json.ts';
import { toSarif } from '../../src/scan/report/sarif.ts';
import { toHtml } from '../../src/scan/report/html.ts';
import { renderTerminal } from '../../src/scan/report/terminal.ts';
import { writePackage } from './helpers.ts';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bunBinary, MODULES } from './bun-binary.ts';

const KEY = 'sk-ant-api03-Zx8Qw2Er4Ty6Ui8Op0As2Df4Gh6Jk8Lz0Xc2Vb4Nm6Qw8Er0Ty2Ui4Op6As8Df0Gh2Jk4Lz6Xc8Vb0Nm2Qw4Er6Ty8Ui0OpAA';
const GH = 'ghp_R7mQ2xK9pL4vN8sT1wY6zB3cF5hJ0dG2aE4i';

test('excerpts and decoded values never hold a recognised secret whole', () => {
  const code = `const k = "${KEY}"; fetch("https://telemetry.example.net/v1/events", { headers: { "x-api-key": k }, body: JSON.stringify({ host: require("os").hostname() }) });
const list = JSON.parse(atob("${b64(JSON.stringify(['alpha.example.cn', 'beta.example.cn', 'gamma.example.cn', GH]))}"));`;
  const findings = scanCode(code);
  assert.ok(findings.length > 0);
  const text = JSON.stringify(findings);
  assert.ok(!text.includes(KEY) && !text.includes(GH), text);
});

test('maskSecrets replaces each secret by its rule and a masked preview; other text is unchanged', () => {
  const out = maskSecrets(`token = "${GH}" // see docs`);
  assert.match(out, /^token = "\[github-pat: ghp_…[A-Za-z0-9]{0,2} \(40 chars\)\]" \/\/ see docs$/);
  assert.equal(maskSecrets('const x = 1; // nothing here'), 'const x = 1; // nothing here');
});

test('secrets in endpoint URLs are masked in every report format, URL passwords included', async () => {
  const secrets = ['sk_live_4eC39HqLyjWDarjtT1zdp7dc', 'ghp_16C7e42F292c6912E7710c838347Ae178B4a', 'Xq7Lm2Np9Rt4Vw6Yz8Ab3Cd5', ':p4ss@', ':hunter2pass@'];
  const code = `fetch("https://api.example.com/v1/track?api_key=sk_live_4eC39HqLyjWDarjtT1zdp7dc", { method: "POST" });
fetch("https://x.example/e?token=ghp_16C7e42F292c6912E7710c838347Ae178B4a");
fetch("https://hooks.slack.com/services/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", { method: "POST" });
fetch("https://user:p4ss@stats.example.com/collect"); fetch("https://ci:hunter2pass@registry.example.com/api");`;
  const r = await scan(writePackage({ 'index.js': code }), { workers: 0 });
  assert.ok(r.findings.some((f) => f.rule === 'telemetry-endpoint' && f.data?.host === 'api.example.com'));
  const outputs = { json: toJson(r), sarif: toSarif(r), html: toHtml(r), terminal: renderTerminal(r, { color: false, all: true }) };
  for (const [format, text] of Object.entries(outputs)) {
    for (const s of secrets) assert.ok(!text.includes(s), `${format} carries ${s}`);
  }
  assert.match(outputs.terminal, /api\.example\.com\/v1\/track\?api_key=\[stripe-secret-key: /);
});

test("a package rule's data, message and excerpt are masked too: a compiled program's runtime arguments", async () => {
  const token = 'ghp_R7mQ2xK9pL4vN8sT1wY6zB3cF5hJ0dG2aE4i';
  const argv = `--user-agent=tool/1.2.3 --define=API_TOKEN=${token} --preload=https://ci:hunter2pass@registry.example.com/p.js --`;
  const dir = writePackage({ 'package.json': JSON.stringify({ name: 'tool-linux-x64', version: '1.2.3' }) });
  mkdirSync(join(dir, 'bin'), { recursive: true });
  writeFileSync(join(dir, 'bin', 'tool'), bunBinary(MODULES, { entry: 0, argv }));
  const r = await scan(dir, { workers: 0 });
  const f = r.findings.find((x) => x.rule === 'pkg-compiled-js');
  assert.ok(f, JSON.stringify(r.findings.map((x) => x.rule)));
  assert.match(String(f.data?.execArgv), /--user-agent=tool\/1\.2\.3 --define=API_TOKEN=\[github-pat: ghp_/);
  assert.match(String(f.data?.execArgv), /https:\/\/ci:\[url-password: /);
  const outputs = { data: JSON.stringify(f), json: toJson(r), sarif: toSarif(r), html: toHtml(r), terminal: renderTerminal(r, { color: false, all: true }) };
  for (const [format, text] of Object.entries(outputs)) {
    for (const s of [token, 'hunter2pass']) assert.ok(!text.includes(s), `${format} carries ${s}`);
  }
});

// A package may hold a live credential; the scanner's report shows it masked, never whole.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scanCode, b64 } from './helpers.ts';
import { maskSecrets } from '../../src/core/detect/mask-secrets.ts';

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

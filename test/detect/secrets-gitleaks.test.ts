// gitleaks.toml import: RE2 → JS translation, keywords, entropy, secretGroup, allowlists, and the
// imported rules running inside the secrets detector via DetectOptions.extraSecretRules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { importGitleaksToml } from '../../src/core/detect/secrets/gitleaks.ts';
import { translateRe2 } from '../../src/core/detect/secrets/re2.ts';
import { secrets } from '../../src/core/detect/detectors/secrets.ts';

const toml = readFileSync(new URL('../fixtures/secrets/gitleaks.toml', import.meta.url), 'utf8');
const imported = importGitleaksToml(toml);
const detect = (text: string) => secrets.detect(text, { options: { extraSecretRules: imported.rules } });
const HEX32 = '9f86d081884c7d659a2feaa0c55ad015';

test('RE2 translation table', () => {
  const cases: [string, string, string][] = [
    // [re2, input that must match, input that must not]
    ['(?i)abc', 'ABC', 'abd'],
    ['x(?i)abc', 'xAbC', 'XAbC'],
    ['x(?i:ab)c', 'xABc', 'xABC'],
    ['(?P<v>[0-9]+)z', '12z', 'z'],
    ['[[:alpha:]][[:digit:]]', 'a1', '1a'],
    ['[^[:space:]]+x', 'abx', ' x'],
    ['\\Qa.b*\\E', 'a.b*', 'aab'],
    ['ab\\z', 'ab', 'ab\n'],
    ['\\x{41}', 'A', 'B'],
    ['a/b', 'a/b', 'ab'],
  ];
  for (const [re2, yes, no] of cases) {
    const t = translateRe2(re2);
    assert.ok(!('error' in t), `${re2}: ${'error' in t ? t.error : ''}`);
    const re = new RegExp(`^(?:${t.source})`, t.flags);
    assert.ok(re.test(yes), `${re2} should match ${JSON.stringify(yes)}`);
    assert.ok(!new RegExp(`^(?:${t.source})$`, t.flags).test(no), `${re2} should not match ${JSON.stringify(no)}`);
  }
  for (const bad of ['a++', '(?U)a+', '\\C', '(?P=n)', '[[:nope:]]', '[abc']) assert.ok('error' in translateRe2(bad), bad);
});

test('import: rules, untranslatable list, global allowlists', () => {
  assert.deepEqual(imported.rules.map((r) => r.id), ['acme-api-token', 'acme-service-password', 'acme-webhook', 'acme-session-cookie']);
  const reasons = new Map(imported.untranslatable.map((u) => [u.id, u.reason]));
  assert.match(reasons.get('acme-possessive') ?? '', /possessive/);
  assert.match(reasons.get('acme-ungreedy') ?? '', /ungreedy/);
  assert.match(reasons.get('acme-keystore-file') ?? '', /path-only/);
  assert.match(reasons.get('allowlists[1]') ?? '', /not applicable/);
  assert.match(reasons.get('allowlists[0]') ?? '', /paths\/commits ignored/);
  assert.equal(imported.allowlists.length, 1);
  const token = imported.rules[0]!;
  assert.deepEqual(token.keywords, ['acme_']);
  assert.equal(token.entropy, 3);
  assert.equal(imported.rules[1]!.secretGroup, 1);
});

test('imported rules detect through the secrets detector, with exact spans', () => {
  const t1 = `const k = "ACME_LIVE_${HEX32}";`;
  const h1 = detect(t1).filter((h) => h.rule === 'acme-api-token');
  assert.deepEqual(h1.map((h) => [h.start, h.end]), [[11, 11 + 10 + 32]]);
  const t2 = 'acme_svc_password: "Gr8Sv!c3Pa55w0rdZ"\n';
  const h2 = detect(t2).filter((h) => h.rule === 'acme-service-password');
  assert.deepEqual(h2.map((h) => t2.slice(h.start, h.end).length), [17]);
  assert.equal(h2[0]!.start, t2.indexOf('Gr8'));
  const t3 = 'post to https://hooks.acme.example/ABCDE12345/aB3dE6gH9jK2mN5pQ8sT1vW4';
  assert.equal(detect(t3).filter((h) => h.rule === 'acme-webhook').length, 1);
  const t4 = `cookie: acme_session=${HEX32}AB12CD34`;
  assert.equal(detect(t4).filter((h) => h.rule === 'acme-session-cookie').length, 1);
});

test('imported rules honour keywords, entropy and allowlists', () => {
  // Mid-pattern (?i) only covers the prefix: an upper-case hex body does not match.
  assert.equal(detect(`acme_live_${HEX32.toUpperCase()}`).filter((h) => h.rule === 'acme-api-token').length, 0);
  // Entropy floor.
  assert.equal(detect(`acme_live_${'ab'.repeat(16)}`).filter((h) => h.rule === 'acme-api-token').length, 0);
  // Global allowlist regex (acme_test_/acme_demo_) and stopword (sandbox).
  assert.equal(detect(`acme_test_${HEX32} acme_sandbox_${HEX32}`).filter((h) => h.rule === 'acme-api-token').length, 0);
  // Rule allowlist: stopword and regex.
  assert.equal(detect('acme_svc_password = "changeme-42!xyzQ"').filter((h) => h.rule === 'acme-service-password').length, 0);
  assert.equal(detect('acme_svc_password = "Passw0rd!2024-x"').filter((h) => h.rule === 'acme-service-password').length, 0);
  // AND allowlist: regex alone is not enough.
  assert.equal(detect('acme_session=DOCabcdefabcdefabcdefabcdefabcdefabcdefa1').filter((h) => h.rule === 'acme-session-cookie').length, 0);
  assert.equal(detect('acme_session=DOXabcdefabcdefabcdefabcdefabcdefabcdefa1').filter((h) => h.rule === 'acme-session-cookie').length, 1);
  // \z: the webhook must end the text.
  assert.equal(detect('https://hooks.acme.example/ABCDE12345/aB3dE6gH9jK2mN5pQ8sT1vW4 and more').filter((h) => h.rule === 'acme-webhook').length, 0);
});

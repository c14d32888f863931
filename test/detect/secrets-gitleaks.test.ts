// gitleaks.toml import: RE2 → JS translation, keywords, entropy, secretGroup, allowlists, and the
// imported rules running inside the secrets detector via DetectOptions.extraSecretRules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { importGitleaksToml } from '../../src/core/detect/secrets/gitleaks.ts';
import { nestedRepetition, translateRe2 } from '../../src/core/detect/secrets/re2.ts';
import { secrets } from '../../src/core/detect/detectors/secrets.ts';
import { leadingWords } from '../../src/core/detect/secrets/scanner.ts';
import type { SecretRule } from '../../src/core/detect/secrets/types.ts';
import { prng } from '../fixtures/secrets/samples.ts';

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
    // Case-insensitive with a case-sensitive scope (gitleaks' own generic-api-key, atlassian…).
    ['(?i)key(?-i:API|[Aa]pi)x', 'KEYApiX', 'KEYaPIX'],
    ['(?i)key(?-i:API|[Aa]pi)x', 'kEyAPIx', 'KEYAPi'],
    ['(?i)a(?-i)b', 'Ab', 'AB'],
    ['(?s-i:a.b)', 'a\nb', 'A\nb'],
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

test('a lead like gitleaks\' generated rules have ([\\w.-]{0,50}? before the keywords) finds the same secrets and the same whole match', () => {
  // The whole match decides a `match` allowlist: with the lead it starts at DEV_, without it at API.
  const toml = [
    '[[rules]]', 'id = "semi-generic"', "regex = '''(?i)[\\w.-]{0,50}?(?:api|key|(?-i:TOKEN|[Tt]oken))(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|:)[\\x60'\"\\s=]{0,5}([\\w.=-]{10,150})(?:[\\x60'\"\\s;]|$)'''",
    'keywords = ["api", "key", "token"]', 'entropy = 3.0',
    '[[rules.allowlists]]', 'regexTarget = "match"', "regexes = ['''^DEV_''']",
  ].join('\n');
  const imported = importGitleaksToml(toml);
  assert.equal(imported.untranslatable.length, 0, JSON.stringify(imported.untranslatable));
  // The same rule, its pattern wrapped in a group so that it runs exactly as written.
  const asWritten = imported.rules.map((r) => ({ ...r, regex: new RegExp(`(?:${r.regex.source})`, r.regex.flags) }));
  const texts = [
    'PROD_API_KEY = "Zk3uV9qLm2Xw8RtY4pNc"\n', // reported
    'DEV_API_KEY = "Zk3uV9qLm2Xw8RtY4pNc"\n', // allowlisted by its whole match
    `${'x'.repeat(60)}_API_KEY = "Zk3uV9qLm2Xw8RtY4pNc"\n`, // the lead reaches back 50 characters, no further
    'my.service-token: Qw8Er5Ty2Ui9Op3AsDf\nother_api = "Lk7Jh4Gf1Ds8Az5Xc"\n', // two matches, the second's lead stops at the first's end
    'the TOKEN=Qw8Er5Ty2Ui9Op3AsDf and tOkEn=Qw8Er5Ty2Ui9Op3AsDf', // (?-i:…): tOkEn is no keyword of the rule
  ];
  for (const t of texts) {
    const fast = secrets.detect(t, { options: { extraSecretRules: imported.rules } }).filter((h) => h.rule === 'semi-generic');
    const slow = secrets.detect(t, { options: { extraSecretRules: asWritten } }).filter((h) => h.rule === 'semi-generic');
    assert.deepEqual(fast, slow, t);
  }
  const found = (t: string): number => secrets.detect(t, { options: { extraSecretRules: imported.rules } }).filter((h) => h.rule === 'semi-generic').length;
  assert.equal(found(texts[0]!), 1);
  assert.equal(found(texts[1]!), 0);
  assert.equal(found(texts[2]!), 1, 'DEV_ fifty characters away is outside the match');
  assert.equal(found(`DEV${'_'.repeat(40)}API_KEY = "Zk3uV9qLm2Xw8RtY4pNc"\n`), 0, 'within fifty it is inside');
  assert.equal(found(texts[3]!), 2);
  assert.equal(found(texts[4]!), 1);
});

test('leadingWords: the words every match begins with, or null when a match could begin otherwise', () => {
  const cases: [string, string[] | null][] = [
    ['(?:access|[aA][uU][tT][hH]|(?:[Aa]pi|API)|passw(?:or)?d)(?:[ \\t\\w.-]{0,20})=', ['access', 'auth', 'api', 'password', 'passwd']],
    ['\\b((?:hvs\\.[\\w-]{90,120}|s\\.(?:[a-z0-9A-Z]{24})))(?:x|$)', ['hvs.', 's.']],
    ['\\b(ey[a-zA-Z0-9]{17,}\\.ey)', ['ey']],
    ['(?:a|b)c', ['ac', 'bc']],
    ['ab?', ['ab', 'a']],
    ['(?:a*b)', null], // may begin with b
    ['(?:a|\\w)', null],
    ['a[x-z]|b', null], // the second branch begins anywhere
    ['(?:[ab])', null],
    ['(?<n>key)', null],
    ['x?', null],
  ];
  for (const [src, want] of cases) assert.deepEqual(leadingWords(src), want, src);
});

test('window rules tried only where their keywords start (and, in gitleaks\' generated shape, only where the assignment follows) find exactly what scanning the whole window finds', () => {
  // Rules of the shapes gitleaks' configurations have: a lead and a choice of keywords, a word
  // boundary and alternatives (short keywords such as "q." that occur everywhere), a group with a
  // literal start, and a `match` allowlist.
  const toml = [
    '[[rules]]', 'id = "semi"', "regex = '''(?i)[\\w.-]{0,50}?(?:access|auth|(?-i:[Aa]pi|API)|passw(?:or)?d|key|token)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([\\w.=-]{10,150}|[a-z0-9][a-z0-9+/]{11,}={0,3})(?:[\\x60'\"\\s;]|\\\\[nr]|$)'''",
    'keywords = ["access", "auth", "api", "passwd", "password", "key", "token"]', 'entropy = 3.0',
    '[[rules.allowlists]]', 'regexTarget = "match"', "regexes = ['''(?i)^dev''']",
    '[[rules]]', 'id = "vaultish"', "regex = '''\\b((?:qvs\\.[\\w-]{20,40}|q\\.(?:[a-z0-9A-Z]{12})))(?:[\\x60'\"\\s;]|\\\\[nr]|$)'''", 'keywords = ["qvs.", "q."]',
    '[[rules]]', 'id = "jwtish"', "regex = '''\\b(ey[a-zA-Z0-9]{8,}\\.ey[a-zA-Z0-9_-]{8,}\\.(?:[a-zA-Z0-9_-]{6,}={0,2})?)(?:[\\x60'\"\\s;]|\\\\[nr]|$)'''", 'keywords = ["ey"]',
  ].join('\n');
  const rules = importGitleaksToml(toml).rules;
  assert.equal(rules.length, 3);
  // The same rules as written: a pattern that begins with an empty choice has neither a lead to take off nor leading words.
  const asWritten = rules.map((r) => ({ ...r, regex: new RegExp(`(?:(?!)|)${r.regex.source}`, r.regex.flags) }));
  const rnd = prng(11);
  // Operators, quotes and spaces of every kind the tail accepts (JavaScript's \\s: NBSP, U+2028, U+3000…).
  const parts = ['q.', 'qvs.', 'ey', 'eyJ', 'key', 'KEY', 'api', 'API', 'Api', 'token', 'passwd', 'password', 'auth', 'access', 'dev_', '=', ': ', '"', "'", ' ', '\n', '.', '-', '_',
    '\t', '\u00a0', '\u2028', '\u3000', '\ufeff', '>', '||', '?=', ',', ':::=', ' x ', '\u017f', '\u212a'];
  const AN = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let found = 0;
  for (let t = 0; t < 1500; t++) {
    let s = '';
    for (let k = 5 + Math.floor(rnd() * 40); k > 0; k--) {
      if (rnd() < 0.7) s += parts[Math.floor(rnd() * parts.length)];
      else for (let n = 1 + Math.floor(rnd() * 30); n > 0; n--) s += AN[Math.floor(rnd() * AN.length)];
    }
    const fast = secrets.detect(s, { options: { extraSecretRules: rules } });
    assert.deepEqual(fast, secrets.detect(s, { options: { extraSecretRules: asWritten } }), s);
    found += fast.filter((h) => ['semi', 'vaultish', 'jwtish'].includes(h.rule)).length;
  }
  assert.ok(found > 300, `the texts exercise the rules (${found} findings)`);
  // The assignment tail at its limits: 20 of [ \\t\\w.-], 3 of [\\s'"] (any of JavaScript's spaces), each operator.
  const v = 'Xk29fLq0Zr8WvB3nT7';
  const edge: [string, boolean][] = [
    [`api${'_'.repeat(20)}= ${v}`, true], [`api${'_'.repeat(21)}= ${v}`, false],
    [`token${' '.repeat(10)}\u3000\u2028"= ${v}`, true], [`token"'\n= ${v}`, true], [`token"'\n\t= ${v}`, false], [`token\t"'\n= ${v}`, true], [`token"'\n\u00a0= ${v}`, false],
    [`key\ufeff\u3000\u00a0: ${v}`, true], [`key\u200b: ${v}`, false], [`access ${'.'.repeat(19)}"=> ${v}`, true],
    ...['>', ':=', '::=', '||', '?=', ','].map((op): [string, boolean] => [`password_x ${op} ${v}`, true]), [`password_x ! ${v}`, false],
  ];
  // A rule tried at its keyword starts is tried in that start's own window, whatever other keywords
  // are around (the native pass drops hits no rule needs): a match cannot reach past 512
  // characters after its keyword, with or without other keywords in between…
  const far: SecretRule = { id: 'far', description: 'far', severity: 'high', keywords: ['mytoken'], mode: 'window', regex: /mytoken = ([a-z0-9]{8})(?=[\s\S]{600})/i, secretGroup: 1 };
  for (const gap of ['x', ' mytoken '])
    assert.deepEqual(secrets.detect(`mytoken = q7w8e9r0${gap.repeat(700)}`, { options: { extraSecretRules: [far] } }).filter((h) => h.rule === 'far'), [], gap);
  // …so a value class that runs through other keyword starts costs each start its window, not the
  // rest of the text (whole-text runs took seconds on this 0.8 MB text; windows: milliseconds).
  const run = importGitleaksToml(['[[rules]]', 'id = "run"', "regex = '''(?i)[\\w.-]{0,50}?(?:mytoken)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([^\\n]{8,})\\n'''", 'keywords = ["mytoken"]'].join('\n')).rules;
  assert.equal(run.length, 1);
  const stall = ('mytoken = abcdefgh ' + 'lorem ipsum '.repeat(170)).repeat(400);
  assert.deepEqual(secrets.detect(stall, { options: { extraSecretRules: run } }), secrets.detect(stall, { options: { extraSecretRules: run.map((r) => ({ ...r, regex: new RegExp(`(?:(?!)|)${r.regex.source}`, r.regex.flags) })) } }));
  // A quantifier after the tail makes its operator optional: the rule is tried without the check.
  const optional = importGitleaksToml(['[[rules]]', 'id = "opt"', "regex = '''(?i)[\\w.-]{0,50}?(?:mytoken)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)?[\\x60'\"\\s=]{0,5}([a-z0-9]{32})(?:[\\x60'\"\\s;]|\\\\[nr]|$)'''", 'keywords = ["mytoken"]'].join('\n')).rules;
  assert.deepEqual(secrets.detect('export MYTOKEN 9f2b7c1e4a6d8f0b3c5e7a9d1f2b4c6e', { options: { extraSecretRules: optional } }).map((h) => [h.rule, h.start, h.end]), [['opt', 15, 47]]);
  for (const [text, want] of edge) {
    const fast = secrets.detect(text, { options: { extraSecretRules: rules } });
    assert.deepEqual(fast, secrets.detect(text, { options: { extraSecretRules: asWritten } }), JSON.stringify(text));
    assert.equal(fast.some((h) => h.rule === 'semi'), want, JSON.stringify(text));
  }
});

test('a pattern with a repetition inside an unbounded one is not imported: a backtracking engine could be stalled by any client', () => {
  const cases: [string, string | null][] = [
    ['zz(\\w+\\s?)+=x', '(\\w+\\s?)+'],
    ['(?:a{1,3}b)*', '(?:a{1,3}b)*'],
    ['(?:x(?:y+))+', '(?:x(?:y+))+'],
    ['(?:ab)+c+', null],
    ['(?:a{2})+', null], // a fixed count: one way to split
    ['(?:\\n.*?){1,5}', '(?:\\n.*?){1,5}'], // an unbounded body repeated up to five times (gitleaks' curl rules)
    ['zqtok=(?:[a-z]+_?){1,40}!', '(?:[a-z]+_?){1,40}'],
    ['(?s)zqtok=(?:a.*){1,8}!', '(?:a.*){1,8}'],
    ['zqtok=(?:\\w|_)+!', '(?:\\w|_)+'], // alternatives under a repetition
    ['(?:a|a)+', '(?:a|a)+'],
    ['(?:ab|cd){2}', null],
    ['(?:[a-f0-9]{4}-){3}', null],
    ['\\(a+\\)+', null],
    ['[(]+x', null],
  ];
  for (const [src, want] of cases) assert.equal(nestedRepetition(src), want, src);
  const r = importGitleaksToml(`[[rules]]\nid = "stallable"\nregex = '''zz(\\w+\\s?)+=x'''\nkeywords = ["zz"]\n\n[[rules]]\nid = "fine"\nregex = '''zz_[a-f0-9]{16}'''\nkeywords = ["zz_"]\n`);
  assert.deepEqual(r.rules.map((x) => x.id), ['fine']);
  assert.equal(r.untranslatable.length, 1);
  assert.equal(r.untranslatable[0]!.id, 'stallable');
  assert.match(r.untranslatable[0]!.reason, /^nested repetition \(\\w\+\\s\?\)\+: .*exponential time/);
});

test('review fixes: the lead stays when it is part of the secret or the bound counts code points; an empty match before an emoji ends', () => {
  const rules = (toml: string) => importGitleaksToml(toml).rules;
  const asWritten = (rs: ReturnType<typeof rules>) => rs.map((r) => ({ ...r, regex: new RegExp(`(?:(?!)|)${r.regex.source}`, r.regex.flags) }));
  const same = (rs: ReturnType<typeof rules>, text: string): void => {
    assert.deepEqual(secrets.detect(text, { options: { extraSecretRules: rs } }), secrets.detect(text, { options: { extraSecretRules: asWritten(rs) } }), text);
  };
  // No capture group: the whole match, lead included, is the secret.
  const whole = rules("[[rules]]\nid = 'whole'\nregex = '''[\\w.-]{0,20}?zqkey[a-z0-9]{10}'''\nkeywords = ['zqkey']\n");
  same(whole, 'my_zqkeya1b2c3d4e5 x');
  assert.deepEqual(secrets.detect('my_zqkeya1b2c3d4e5 x', { options: { extraSecretRules: whole } }).map((h) => [h.start, h.end]), [[0, 18]]);
  // The u flag (\p{…}): the lead's bound counts code points.
  const u = rules("[[rules]]\nid = 'u'\nregex = '''[^\\s]{0,3}?zqkey\\p{L}=([a-z0-9]{10})'''\nkeywords = ['zqkey']\n[[rules.allowlists]]\nregexTarget = 'match'\nregexes = ['''^\\p{So}''']\n");
  same(u, '\u{1F600}\u{1F600}\u{1F600}zqkey\u00e9=a1b2c3d4e5 x');
  // An empty match just before a surrogate pair, with the u flag: the scan moves past the pair.
  const empty = rules("[[rules]]\nid = 'empty'\nregex = '''(zqkey\\p{L}+)?'''\nkeywords = ['zqkey']\n");
  assert.ok(Array.isArray(secrets.detect('zqkey\u00e9 \u{1F600} more', { options: { extraSecretRules: empty } })));
});

test('review fixes: translation of scoped flags and of case-insensitive letters written otherwise', () => {
  for (const bad of ['(?s)a(?-s:.)b', '(?m)^a(?-m:$)', '(?s)a(?-s).']) assert.ok('error' in translateRe2(bad), bad);
  const cases: [string, string[], string[]][] = [
    ['(?i)\\x41(?-i:z)', ['az', 'Az'], ['aZ']],
    ['(?i)[\\x30-\\x39](?-i:z)', ['5z'], ['Xz', 'xz']],
    ['(?i)[_-z](?-i:z)', ['Dz', '_z', 'dz'], ['^z']],
    ['(?i)[\u00e0-\u00fe](?-i:z)', ['\u00c0z', '\u00e0z'], ['az']],
    ['(?i)\\Qab\\E(?-i:z)', ['ABz', 'abz'], ['ABZ']],
  ];
  for (const [re2, yes, no] of cases) {
    const t = translateRe2(re2);
    assert.ok(!('error' in t), re2);
    const re = new RegExp(`^(?:${t.source})$`, t.flags);
    for (const y of yes) assert.ok(re.test(y), `${re2} should match ${JSON.stringify(y)}`);
    for (const n of no) assert.ok(!re.test(n), `${re2} should not match ${JSON.stringify(n)}`);
  }
});

// Table-driven tests for every built-in secret rule: exact span of a positive, no hit on the
// automatic placeholder negative and on hand-written near misses; plus meta-tests on the table.
// Failure messages name the rule and offsets, never the generated value.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BUILTIN_RULES, SecretScanner } from '../../src/core/detect/secrets/index.ts';
import { secrets } from '../../src/core/detect/detectors/secrets.ts';
import { CLEAN, MORE_POSITIVE, NEGATIVE, POSITIVE } from '../fixtures/secrets/cases.ts';
import { render } from '../fixtures/secrets/samples.ts';

const single = new Map(BUILTIN_RULES.map((r) => [r.id, new SecretScanner([r])]));

test('meta: at least 150 rules, unique kebab-case ids, keywords, one positive and one negative each', () => {
  assert.ok(BUILTIN_RULES.length >= 150, `only ${BUILTIN_RULES.length} rules`);
  const ids = BUILTIN_RULES.map((r) => r.id);
  assert.equal(new Set(ids).size, ids.length, 'duplicate rule ids');
  for (const r of BUILTIN_RULES) {
    assert.match(r.id, /^[a-z0-9]+(?:-[a-z0-9]+)*$/, r.id);
    assert.ok(r.description.length > 10, `${r.id}: description`);
    assert.ok(r.keywords.length > 0, `${r.id}: built-in rules must have keywords (prefilter)`);
    for (const k of r.keywords) assert.equal(k, k.toLowerCase(), `${r.id}: keyword not lower-case`);
    assert.ok(POSITIVE[r.id] !== undefined, `${r.id}: no positive case`);
  }
  for (const id of [...Object.keys(POSITIVE), ...Object.keys(NEGATIVE)]) assert.ok(single.has(id), `case for unknown rule ${id}`);
});

for (const rule of BUILTIN_RULES) {
  const template = POSITIVE[rule.id];
  if (template === undefined) continue;
  test(`${rule.id}: positive with exact span`, () => {
    const p = render(template, 'value');
    const hits = single.get(rule.id)!.scan(p.text);
    const spans = hits.map((h) => `${h.start}-${h.end}`).join(',');
    assert.ok(hits.some((h) => h.start === p.start && h.end === p.end), `${rule.id}: expected ${p.start}-${p.end}, got [${spans}]`);
    for (const h of hits) {
      assert.deepEqual(h.tags, ['credential']);
      assert.ok(h.confidence > 0 && h.confidence <= 1);
      assert.ok(h.detail === undefined || !h.detail.includes(p.text.slice(p.start, p.end)), 'detail leaks the secret');
    }
    // Through the whole rule set, the same span is still reported (maybe by a more specific rule).
    const all = secrets.detect(p.text, { options: {} });
    assert.ok(all.some((h) => h.start <= p.start && h.end >= p.end - 1 && h.end > p.start), `${rule.id}: lost in the full detector`);
  });
  test(`${rule.id}: negatives`, () => {
    const neg = [render(template, 'placeholder').text, ...(NEGATIVE[rule.id] ?? [])];
    neg.forEach((text, i) => {
      const hits = single.get(rule.id)!.scan(text);
      assert.equal(hits.length, 0, `${rule.id}: negative #${i} reported at [${hits.map((h) => `${h.start}-${h.end}`).join(',')}]`);
    });
  });
}

for (const [id, templates] of Object.entries(MORE_POSITIVE)) {
  test(`${id}: more positives with exact spans`, () => {
    const scanner = single.get(id);
    assert.ok(scanner !== undefined, `case for unknown rule ${id}`);
    templates.forEach((template, i) => {
      const p = render(template, 'value', 100 + i);
      const hits = scanner.scan(p.text);
      const spans = hits.map((h) => `${h.start}-${h.end}`).join(',');
      assert.ok(hits.some((h) => h.start === p.start && h.end === p.end), `${id} #${i}: expected ${p.start}-${p.end}, got [${spans}]`);
      const all = secrets.detect(p.text, { options: {} });
      assert.ok(all.some((h) => h.start <= p.start && h.end >= p.end && h.end > p.start), `${id} #${i}: lost in the full detector`);
      // Its placeholder rendering (generated parts as x/0 runs) is not reported by the rule, when it has generated parts.
      if (/\{[a-zA-Z]\d+\}|\{pem64:/.test(template)) assert.equal(scanner.scan(render(template, 'placeholder').text).length, 0, `${id} #${i}: placeholder reported`);
    });
  });
}

test('reviewed false positives: the full detector reports nothing', () => {
  CLEAN.forEach((text, i) => {
    const hits = secrets.detect(text, { options: {} });
    assert.equal(hits.length, 0, `clean #${i}: ${hits.map((h) => `${h.rule}@${h.start}-${h.end}`).join(', ')}`);
  });
});

test('allow list: exact values and re: patterns suppress hits', () => {
  const p = render(POSITIVE['github-pat']!, 'value');
  const value = p.text.slice(p.start, p.end);
  assert.equal(secrets.detect(p.text, { options: { allow: [value] } }).length, 0);
  assert.equal(secrets.detect(p.text, { options: { allow: ['re:^ghp_'] } }).length, 0);
  assert.equal(secrets.detect(p.text, { options: { allow: ['re:(unclosed'] } }).length, 1);
});

test('hits are sorted, non-overlapping, and the detector never throws', () => {
  const text = Object.values(POSITIVE).map((t) => render(t, 'value').text).join('\n');
  const hits = secrets.detect(text, { options: {} });
  assert.ok(hits.length > 250, `only ${hits.length} hits on all positives`);
  for (let i = 1; i < hits.length; i++) assert.ok(hits[i]!.start >= hits[i - 1]!.end, 'overlap or unsorted');
  for (const weird of ['', '\u0000'.repeat(100), '\uD800'.repeat(50), 'é'.repeat(10000), 'a'.repeat(200000), '-----BEGIN PRIVATE KEY-----'.repeat(100)]) {
    assert.doesNotThrow(() => secrets.detect(weird, { options: {} }));
  }
});

test('extraSecretRules plug into the same scanner; invalid entries are ignored', () => {
  const extra = [{ id: 'acme-token', description: 'ACME internal token', severity: 'high', keywords: ['acme_'], regex: /acme_[a-z0-9]{20}/ }, { bogus: true }];
  const hits = secrets.detect('token = acme_0123456789abcdefghij9', { options: { extraSecretRules: extra } });
  assert.deepEqual(hits.map((h) => h.rule), ['acme-token']);
});

// A value split over lines (secrets/wrapped.ts): the whole value is one finding where the parts
// join into one word (`\`-newline, a hard wrap), and each further literal of a concatenation is a
// finding of the same rule. Texts with «…» marks: every marked span is a finding, nothing else is.
const WRAPPED: string[] = [
  // `\`-continuations: the shell and string literals join the parts.
  'export GITHUB_TOKEN=«{a20}\\\n{a20}»',
  'token = "«{a20}\\\n{a20}»"',
  'curl -H "Authorization: Bearer «{a30}\\\n{a30}»" https://api.acme.io',
  'DB_PASSWORD=«K9{a8}\\\n{a8}»',
  'export API_SECRET=«K9{a18}\\\n{a20}\\\n{a20}»',
  // Concatenated literals: `+`, Python's `\` and its implicit joining, PHP's `.`, VB's `& _`.
  'const token = "«{a20}»" +\n  "«{a20}»";',
  'API_KEY = "«{a20}»" \\\n          "«{a20}»" \\\n          "«{a20}»"',
  'secret = ("«K9{a18}»"\n          "«{a20}»")',
  'API_TOKEN = (\n    "«K9{a18}»"\n    "«{a20}»"\n)',
  '$token = "«{a20}»" .\n    "«{a20}»";',
  'Dim apiKey = "«{a20}»" & _\n    "«{a20}»"',
  "password = '«K9{a8}»' + '«{a8}9»'",
  // A hard wrap of a long line: the rest is the whole next line, or lines of the same width.
  'ANTHROPIC_API_KEY=«sk-ant-api03-{a47}\n{a48}AA»\nNODE_ENV=production',
  'Authorization: Bearer «{a60}\n{a20}»\n',
  // Where the rest is not followed: a next line with `=` inside, a word, a short first line,
  // another shell word (`"…" \⏎ "…"` with a URL or a name), an interpolation, a bare space.
  'API_SECRET=«{a40}»\nPORT=8080\n',
  'export API_SECRET=«{a40}»\nfi\necho done',
  'TOKEN=«{a20}»\n{a12}9',
  'curl -H "Authorization: Bearer «{a40}»" \\\n  "https://api.acme.io/v1/users"',
  'docker run -e "API_TOKEN=«{a40}»" \\\n  "nginx"',
  'token = "«{a40}»" + "${suffix}"',
  'token = "«{a40}»" + "/v1/users"',
  'const apiKey = "«{a40}»"\n"use strict"',
  'cmd --password="«K9{a10}»" "{a12}9"',
  'API_SECRET=«{a40}»\\\nNote: rotate it monthly',
  'TOKEN="«{a20}»\\\n${REST_OF_TOKEN}"',
];

/** A template with any number of «…» marks: generated parts filled, the marks taken out (render() handles one pair only). */
function marked(template: string, seed: number): { text: string; want: string[] } {
  const filled = render(template.replace(/«|»/g, (m) => (m === '«' ? '\u0001' : '\u0002')), 'value', seed).text;
  const want: string[] = [];
  let text = '';
  for (let k = 0, open = -1; k < filled.length; k++) {
    const c = filled[k]!;
    if (c === '\u0001') open = text.length;
    else if (c === '\u0002') want.push(`${open}-${text.length}`);
    else text += c;
  }
  return { text, want };
}

test('a value wrapped over lines: the whole value, or every part, with exact spans', () => {
  const bad: string[] = [];
  WRAPPED.forEach((template, i) => {
    const { text, want } = marked(template, 300 + i);
    const hits = secrets.detect(text, { options: {} });
    const got = hits.map((h) => `${h.start}-${h.end}`);
    if (got.join() !== want.join()) bad.push(`#${i}: expected [${want.join(', ')}], got [${hits.map((h) => `${h.rule}@${h.start}-${h.end}`).join(', ')}]`);
  });
  assert.deepEqual(bad, []);
});

// Credential constructors and login calls in the languages that have them, through the whole
// detector (no other rule takes the span or adds a finding), and shapes from the review of the
// engine on real code (node_modules, this repository): expressions of minified code are not values,
// values beside them still are. [rule of every marked span, template]; no mark: nothing reported.
const REAL_CODE: [string, string][] = [
  // .NET HttpClient: the token, Basic's base64, or the password inside GetBytes("user:password").
  ['auth-header-value-credential', 'http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "«{h32}»");'],
  ['auth-header-value-credential', 'request.Headers.Authorization = new AuthenticationHeaderValue("Basic", "«c3ZjLWJvdDpRbTd2THgyUms5VHdaNA==»");'],
  ['auth-header-value-credential', 'client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.ASCII.GetBytes("AC{h32}:«{h32}»")));'],
  ['', 'var byteArray = Encoding.ASCII.GetBytes($"{username}:{password}");\nclient.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(byteArray));'],
  ['', 'client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "mock-jwt-token");'],
  // Java / Kotlin / Go.
  ['auth-constructor-password', 'provider.setCredentials(AuthScope.ANY, new UsernamePasswordCredentials("search", "«K9{a12}»"));'],
  ['auth-constructor-password', 'protected PasswordAuthentication getPasswordAuthentication() {\n  return new PasswordAuthentication("alerts@acme.io", "«K9{a12}»");\n}'],
  ['auth-constructor-password', 'SecurityContextHolder.getContext().setAuthentication(new UsernamePasswordAuthenticationToken("ops", "«K9{a12}»", List.of()));'],
  ['auth-constructor-password', 'req, _ := http.NewRequest("GET", url, nil)\nreq.SetBasicAuth("ci-bot", "«K9{a12}»")'],
  ['', 'Authentication auth = new UsernamePasswordAuthenticationToken("admin", "pass", java.util.Collections.emptyList());\nreq.SetBasicAuth(cfg.User, cfg.Password)'],
  // Python smtplib / ftplib / imaplib, and login calls that hold no password.
  ['login-call-password', 's = smtplib.SMTP("smtp.gmail.com", 587)\ns.starttls()\ns.login("no-reply@acme.io", "«wqmzhtrkpvyxbcna»")'],
  ['login-call-password', 'ftp = ftplib.FTP("ftp.acme.io")\nftp.login("deploy", "«K9{a12}»")\nftp.cwd("/pub")'],
  ['', 'server.login(sender_email, password)\nftp.login()\nftp.login("anonymous", "guest@example.com")\nawait teamsfx.login("User.Read");\nclient.login(process.env.DISCORD_TOKEN);'],
  // Values beside the code shapes: quoted values are data whatever they hold; base64 keeps `+` and padding.
  ['generic-password', 'const cfg = { password: "«K9vLm2||Qx7v»" };'],
  ['generic-token', 'TOKEN=«ab+cd/ef{a16}==»'],
  ['generic-password', 'DB_PASSWORD=«Summer(2024)!x»'],
  // A weak password that labelled corpora count as one (Password1$, or secret123 in a URL, in secretlint's positives) stays reported.
  ['generic-password', "password: '«secret123»'"],
  ['', "user: { name: 'john', password: 'db-password' }, paths: ['users[0].password', 'users.*.password']"],
];

test('credential constructors and login calls across languages, and real-code shapes: exact spans, whole detector', () => {
  const bad: string[] = [];
  REAL_CODE.forEach(([rule, template], i) => {
    const { text, want } = marked(template, 400 + i);
    const hits = secrets.detect(text, { options: {} });
    const got = hits.map((h) => `${h.start}-${h.end}`);
    if (got.join() !== want.join() || hits.some((h) => h.rule !== rule)) {
      bad.push(`#${i}: expected ${rule} [${want.join(', ')}], got [${hits.map((h) => `${h.rule}@${h.start}-${h.end}`).join(', ')}]`);
    }
  });
  assert.deepEqual(bad, []);
});

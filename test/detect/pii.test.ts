import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cnIdValid, ibanValid, luhn, pii } from '../../src/core/detect/detectors/pii.ts';
import { loadCorpus, score } from '../fixtures/corpus/score.ts';
import { at } from './spans.ts';

const run = (text: string, options = {}) => pii.detect(text, { options }).map((h) => [h.rule, h.start, h.end] as const);

const valid: Array<[string, ...Array<[string, string, number?]>]> = [
  // email
  ['write to alice.smith@acme.io today', ['email', 'alice.smith@acme.io']],
  ['<li.wei@163.com>', ['email', 'li.wei@163.com']],
  ['mailto:sales@contoso.com?x=1', ['email', 'sales@contoso.com']],
  // phone: E.164, US, UK, DE, FR, CN
  ['call +1 (415) 555-2671 now', ['phone', '+1 (415) 555-2671']],
  ['+44 20 7123 4567', ['phone', '+44 20 7123 4567']],
  ['+8613800138000', ['phone', '+8613800138000']],
  ['US (212) 736-0187 and 415.555.2671', ['phone', '(212) 736-0187'], ['phone', '415.555.2671']],
  ['toll-free 1-800-642-0199.', ['phone', '1-800-642-0199']],
  ['UK 020 7123 4567, mobile 07911 123456', ['phone', '020 7123 4567'], ['phone', '07911 123456']],
  ['NANP 555 outside 0100-0199: (212) 555-0200', ['phone', '(212) 555-0200']],
  ['next to the drama range: 020 7946 1234', ['phone', '020 7946 1234']],
  ['a plus after a word: x +33 6 12 34 56 78', ['phone', '+33 6 12 34 56 78']],
  ['Tel 01 23 45 67 89.', ['phone', '01 23 45 67 89']],
  ['DE 030 12345678 / (030) 1234567 / 0151 23456789', ['phone', '030 12345678'], ['phone', '(030) 1234567'], ['phone', '0151 23456789']],
  ['FR 01 23 45 67 89 et 06.12.34.56.78', ['phone', '01 23 45 67 89'], ['phone', '06.12.34.56.78']],
  ['手机：13912345678。', ['phone', '13912345678']],
  ['CN 138 0013 8000', ['phone', '138 0013 8000']],
  // payment cards
  ['Visa 4539 1488 0343 6467', ['payment-card', '4539 1488 0343 6467']],
  ['Amex 3759 876543 21004', ['payment-card', '3759 876543 21004']],
  ['MC 5425-2334-3010-9903', ['payment-card', '5425-2334-3010-9903']],
  ['raw 4539148803436467.', ['payment-card', '4539148803436467']],
  // a number labelled as a card stays a card, whatever else the label says
  ['card=4539578763621486', ['payment-card', '4539578763621486']],
  ['{"card_number": "4539578763621486"}', ['payment-card', '4539578763621486']],
  ['cc: 4539578763621486 pan=4539148803436467', ['payment-card', '4539578763621486'], ['payment-card', '4539148803436467']],
  ['cardId=4539578763621486', ['payment-card', '4539578763621486']],
  ['paid with 4539578763621486', ['payment-card', '4539578763621486']],
  // IBAN
  ['IBAN DE44 5001 0517 5407 3249 31 ok', ['iban', 'DE44 5001 0517 5407 3249 31']],
  ['GB33BUKB20201555555555', ['iban', 'GB33BUKB20201555555555']],
  ['FR14 2004 1010 0505 0001 3M02 606', ['iban', 'FR14 2004 1010 0505 0001 3M02 606']],
  // US SSN
  ['SSN 536-22-1478', ['us-ssn', '536-22-1478']],
  ['social security number: 219 66 4521', ['us-ssn', '219 66 4521']],
  // Chinese resident ID
  ['身份证 11010519491231002X', ['cn-resident-id', '11010519491231002X']],
  ['id 440524188001010014 ok', ['cn-resident-id', '440524188001010014']],
  // UK NINO
  ['NINO JG 10 37 59 A', ['uk-nino', 'JG 10 37 59 A']],
  ['AB123456C', ['uk-nino', 'AB123456C']],
  // IP
  ['dns 8.8.8.8', ['ip-address', '8.8.8.8']],
  ['10.0.0.1 172.16.5.4 192.168.1.10', ['internal-ip', '10.0.0.1'], ['internal-ip', '172.16.5.4'], ['internal-ip', '192.168.1.10']],
  ['lo 127.0.0.1 ll 169.254.10.1 cgnat 100.64.1.1', ['internal-ip', '127.0.0.1'], ['internal-ip', '169.254.10.1'], ['internal-ip', '100.64.1.1']],
  ['v6 2606:4700::1111 fe80::1 ::1 fd12:3456::1', ['ip-address', '2606:4700::1111'], ['internal-ip', 'fe80::1'], ['internal-ip', '::1', 3], ['internal-ip', 'fd12:3456::1']],
  ['mapped ::ffff:10.1.2.3', ['internal-ip', '::ffff:10.1.2.3']],
  ['ssh deploy@10.12.0.5', ['internal-ip', '10.12.0.5']],
  // dotted quads that stay addresses next to the ones that are not
  ['host db.acme.io 10.0.0.7', ['internal-ip', '10.0.0.7']],
  ['// 8.8.4.4', ['ip-address', '8.8.4.4']],
  ['// 10.1.2.3', ['internal-ip', '10.1.2.3']],
  ['// 7.6.3.1 is the gateway', ['ip-address', '7.6.3.1']],
  ['section of 81.2.69.142', ['ip-address', '81.2.69.142']],
  // e-mail addresses next to logins
  ['ssh docs: mail ops@acme.io', ['email', 'ops@acme.io']],
  ['Author: Jane <jane@acme.io>', ['email', 'jane@acme.io']],
  ['write to deploy@acme.io: thanks', ['email', 'deploy@acme.io']],
  ['noreply-team@acme.io', ['email', 'noreply-team@acme.io']],
  // internationalised addresses (RFC 6531 local parts, IDN domains and top-level domains)
  ['schreib an josé@münchen.de bitte', ['email', 'josé@münchen.de']],
  ['jörg.müller@firma.de', ['email', 'jörg.müller@firma.de']],
  ['邮箱：用户@例子.广告，谢谢', ['email', '用户@例子.广告']],
  ['联系 用户@例子.广告谢谢', ['email', '用户@例子.广告']], // the address ends with the TLD, not the prose glued to it
  ['почта: иван@пример.рф.', ['email', 'иван@пример.рф']],
  ['用户@中文.com', ['email', '用户@中文.com']],
  ['ユーザー@例え.コム', ['email', 'ユーザー@例え.コム']],
  ['संपर्क: जाँच@डाटामेल.भारत', ['email', 'जाँच@डाटामेल.भारत']],
  // an ASCII address glued to CJK prose is only the address
  ['请联系alice@qq.com谢谢', ['email', 'alice@qq.com']],
  ['请联系123456@qq.com。', ['email', '123456@qq.com']],
];

const invalid: string[] = [
  // reserved / non-personal e-mail look-alikes
  'bob@example.com test@foo.test x@y.invalid', 'url(icon@2x.png)', 'git@github.com:acme/app.git', 'Co-Authored-By: Claude <noreply@anthropic.com>', 'do-not-reply@bank.co.uk',
  'postgres://admin:hunter2@db.acme.io/app', 'user@localhost',
  // logins and forge privacy addresses, not e-mail addresses
  'ssh deploy@prod-web-01.acme.io', 'ssh -i key.pem -p 2222 deploy@prod-web-01.acme.io uptime',
  'scp f ubuntu@ec2-1-2-3-4.compute-1.amazonaws.com:/tmp/', 'rsync -a ./ www@web.acme.io:~/site/',
  'ansible_user=ec2-user@bastion.internal', 'Author: Jane <12345678+jdoe@users.noreply.github.com>',
  // documented test and fiction values
  'card 4242424242424242', 'card 4242 4242 4242 4242', '4111111111111111 5555555555554444 4000056655665556',
  'Amex 3714 496353 98431 / 378282246310005', 'declined 4000000000000002',
  'DE89370400440532013000', 'IBAN DE89 3704 0044 0532 0130 00', 'GB82 WEST 1234 5698 7654 32', 'SSN 123-45-6789', 'ssn: 123456789',
  'call (212) 555-0123 or +1-202-555-0199', 'toll-free 1-800-555-0199', '020 7946 0123 and 07700 900123',
  '+44 20 7946 0958 / +44 7700 900123 / 0161 496 0018',
  // numeric ids that pass Luhn
  'trace_id=4539578763621486', 'span: 4539578763621486', '{"orderId": "4539578763621486"}', 'ts=4539578763621486',
  'request_id: "4539578763621486"', 'nonce=4539578763621486', 'id=4539578763621486 seq=4539148803436467',
  // not addresses: spec steps, sections, OIDs, assembly versions
  '// 7.6.3.1', '  7.6.3.1. Let x be the result', '#section-5.2.2.4', 'see § 4.1.2.3', 'OIDs 2.5.4.3 and 1.3.101.112',
  'id-at-commonName 2.5.4.3', 'System.Runtime 8.0.0.0', 'Version=4.0.0.0', 'version 1.2.3.4', '1.2.840.113549',
  // minified code and byte dumps
  'Math.imul(_,1664525)+1013904223', '<Buffer 01 02 03 04 05>', '<Buffer 7b 22 01 02 03 04 05>',
  // numbers that are not phones, cards or IDs
  'uuid 550e8400-e29b-41d4-a716-446655440000', 'sha a94a8fe5ccb19ba61c4c0873d391e987982fbbd3',
  'ts 1718031234567 ns 1718031234567891234', '2024-06-10T14:33:21+08:00', 'time 12:34:56.789',
  'for (let i = 0; i < 1000000; i++)', '4294967295 65536 3.14159265358979', 'ISBN 978-3-16-148410-0',
  'order 123456789', 'aws 123456789012', 'hash 5f4dcc3b5aa765d61d8327deb882cf99',
  // failing checks
  '4111 1111 1111 1112', '4111-1111 1111-1111', 'DE89 3704 0044 0532 0130 01', '000-12-3456 666-45-6789 912-34-5678',
  '078-05-1120', '110105194912310021', '110105194902301234', 'QQ123456C BG123456A AB123456E',
  // versions and reserved addresses
  'version: "1.2.3.4"', 'cc_version=2.1.90.232;', '"version": "4.17.21.0"', 'v1.2.3.4', 'build 10.0.19041.1', 'pyodbc==4.0.39.1',
  '1.2.3.4.5', 'doc 192.0.2.1 198.51.100.7 203.0.113.9 2001:db8::1', '0.0.0.0 255.255.255.0 224.0.0.1',
  'MAC 00:1a:2b:3c:4d:5e', 'std::vector a::b dead::beef',
  'Привет! Встреча в 10:30.', '会议将在2024年6月10日下午3点开始。',
  // @ mentions, npm scopes, decorators and CJK mentions are not addresses; nor IDN test domains
  '@张三 你好', '感谢@李明的帮助。', '请@张三.李四看一下', '回复@王芳：收到', '用户@例子.测试', 'пользователь@пример.испытание',
  'Grüße @alle. Danke @Jörg.', 'npm i @types/node @babel/core', '@Component({selector: "x"}) class Ä {}', '@app.route("/über")',
  'x@例子.未知', '参见@小明.js', '\u00e9@\u00e9.\u00e9\u00e9',
];

test('pii: every rule finds its positives with exact spans', () => {
  for (const [text, ...exp] of valid) assert.deepEqual(run(text), at(text, ...exp), text);
});

test('pii: negatives produce nothing', () => {
  for (const text of invalid) assert.deepEqual(run(text), [], text);
});

test('pii: tags and severities', () => {
  const [pub, priv] = pii.detect('8.8.8.8 10.0.0.1 a@b.io', { options: {} });
  assert.deepEqual([pub?.tags, pub?.severity], [['pii'], 'low']);
  assert.deepEqual([priv?.tags, priv?.rule], [['internal-infra'], 'internal-ip']);
  const card = pii.detect('4539 1488 0343 6467', { options: {} })[0];
  assert.equal(card?.severity, 'high');
  assert.match(card?.detail ?? '', /Visa/);
  assert.ok(!(card?.detail ?? '').includes('4539'), 'detail never carries the value');
});

test('pii: an IBAN is not also reported as a phone number', () => {
  const text = 'DE44 5001 0517 5407 3249 31';
  assert.deepEqual(run(text), at(text, ['iban', text]));
});

test('pii: allow list (exact and re:) suppresses values', () => {
  const text = 'support@acme.io and 8.8.8.8';
  assert.deepEqual(run(text, { allow: ['support@acme.io'] }), at(text, ['ip-address', '8.8.8.8']));
  assert.deepEqual(run(text, { allow: ['re:^8\\.8\\.'] }), at(text, ['email', 'support@acme.io']));
});

test('pii: check-digit helpers', () => {
  assert.ok(luhn('4539148803436467') && !luhn('4539148803436468'));
  assert.ok(ibanValid('NL91ABNA0417164300') && !ibanValid('NL91ABNA0417164301'));
  assert.ok(cnIdValid('11010519491231002X') && !cnIdValid('110105194912310021'));
  assert.ok(!cnIdValid('11010519490230002X'), 'February 30th is not a birth date');
});

test('pii: never throws on odd input', () => {
  for (const t of ['', '@', '@@@.', '\ud800@\udc00', '+', '+1 (', 'a'.repeat(10_000) + '@' + 'b'.repeat(300) + '.com', '1.'.repeat(5000)]) {
    assert.doesNotThrow(() => pii.detect(t, { options: {} }));
  }
});

test('pii: labelled corpus precision and recall ≥ 0.95', (t) => {
  const s = score(pii, loadCorpus('pii'));
  t.diagnostic(`pii corpus: ${s.positives} positive / ${s.negatives} negative samples, TP ${s.tp} FP ${s.fp} FN ${s.fn}, P=${s.precision.toFixed(3)} R=${s.recall.toFixed(3)}`);
  assert.ok(s.precision >= 0.95 && s.recall >= 0.95, s.errors.join('\n'));
});

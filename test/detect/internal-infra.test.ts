import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DetectOptions } from '../../src/core/detect/types.ts';
import { findIpAddresses, inCidr, internalInfra, parseCidr, parseIPv6 } from '../../src/core/detect/detectors/internal-infra.ts';
import { loadCorpus, score } from '../fixtures/corpus/score.ts';
import { at } from './spans.ts';

const options: DetectOptions = {
  internal: {
    domains: ['corp.example.com', '*.int.acme.net', '.acme.internal'],
    hosts: ['jenkins-01', 'vault'],
    cidrs: ['10.20.0.0/16', '192.168.50.0/24', 'fd00:ac3e::/32', '172.31.255.7', 'not-a-cidr', '10.0.0.0/33'],
    users: ['jsmith', 'a.lee'],
  },
};
const run = (text: string, o: DetectOptions = options) => internalInfra.detect(text, { options: o }).map((h) => [h.rule, h.start, h.end] as const);

const valid: Array<[string, ...Array<[string, string, number?]>]> = [
  ['db1.corp.example.com:5432', ['internal-domain', 'db1.corp.example.com']],
  ['corp.example.com itself', ['internal-domain', 'corp.example.com']],
  ['https://login.int.acme.net/x', ['internal-domain', 'login.int.acme.net']],
  ['wiki.acme.internal.', ['internal-domain', 'wiki.acme.internal']],
  ['oncall@corp.example.com', ['internal-domain', 'corp.example.com']],
  ['CORP.Example.COM', ['internal-domain', 'CORP.Example.COM']],
  ['ci is jenkins-01, secrets in vault', ['internal-host', 'jenkins-01'], ['internal-host', 'vault']],
  ['https://vault:8200', ['internal-host', 'vault']],
  ['10.20.14.3 and 192.168.50.12', ['internal-address', '10.20.14.3'], ['internal-address', '192.168.50.12']],
  ['nat 172.31.255.7', ['internal-address', '172.31.255.7']],
  ['ula fd00:ac3e:1::5', ['internal-address', 'fd00:ac3e:1::5']],
  ['ask jsmith or a.lee', ['internal-user', 'jsmith'], ['internal-user', 'a.lee']],
  ['/home/jsmith/.ssh', ['internal-user', 'jsmith']],
];

const invalid = [
  'notcorp.example.com corp.example.community corp.example.com.evil.net',
  'example.com and acme.net are public',
  'jenkins-01x, jenkins.io, ci.vault, VAULT_ADDR, myvault',
  '10.21.0.1 192.168.51.3 172.31.255.8 fd01::5',
  'jsmithson a.leeway jsmith_bot',
  'version 10.20.1.2',
];

test('internal-infra: every rule finds its positives with exact spans', () => {
  for (const [text, ...exp] of valid) assert.deepEqual(run(text), at(text, ...exp), text);
});

test('internal-infra: negatives produce nothing', () => {
  for (const text of invalid) assert.deepEqual(run(text), [], text);
});

// A configured range that holds version numbers and OIDs (8.0.0.0/8, 2.0.0.0/8 …): the same
// judgement as pii's (notAnAddress), so a version or an OID is no internal address.
const wide: DetectOptions = { internal: { cidrs: ['1.0.0.0/8', '2.0.0.0/8', '4.0.0.0/8', '7.0.0.0/8', '8.0.0.0/8', '10.0.0.0/8'] } };
const wideValid: Array<[string, ...Array<[string, string, number?]>]> = [
  ['resolver 8.8.4.4', ['internal-address', '8.8.4.4']],
  ['// 8.8.4.4', ['internal-address', '8.8.4.4']],
  ['// 10.1.2.3', ['internal-address', '10.1.2.3']],
  ['// 7.6.3.1 is the gateway', ['internal-address', '7.6.3.1']],
  ['ssh deploy@10.2.3.4', ['internal-address', '10.2.3.4']],
  ['net 10.2.3.4 and version 10.2.3.5', ['internal-address', '10.2.3.4']],
];
const wideInvalid = [
  'version 10.2.3.4', 'v1.2.3.4', 'Version=4.0.0.0', 'build 10.0.19041.1', 'System.Runtime 8.0.0.0', 'Microsoft.NETCore.App 10.0.0.1',
  'OID 1.3.6.1', 'OIDs 2.5.4.3 and 1.3.101.112', 'id-at-commonName 2.5.4.3', 'the OID is 2.5.29.17', '1.3.6.1',
  '// 7.6.3.1', '  7.6.3.1. Let x be the result', '#section-2.2.2.4', 'see § 4.1.2.3', '1.2.3.4.5',
];

test('internal-infra: versions, section and step numbers and OIDs in a configured range are not addresses', () => {
  for (const [text, ...exp] of wideValid) assert.deepEqual(run(text, wide), at(text, ...exp), text);
  for (const text of wideInvalid) assert.deepEqual(run(text, wide), [], text);
});

test('internal-infra: nothing configured returns [] and ignores malformed config', () => {
  const text = 'db1.corp.example.com 10.20.0.1 jsmith';
  assert.deepEqual(run(text, {}), []);
  assert.deepEqual(run(text, { internal: {} }), []);
  assert.deepEqual(run(text, { internal: { domains: [], hosts: [''], cidrs: ['junk'], users: [] } }), []);
  assert.deepEqual(run(text, { internal: { domains: 'corp.example.com' as unknown as string[] } }), []);
});

test('internal-infra: an exact host wins over its domain on the same span', () => {
  const o: DetectOptions = { internal: { domains: ['corp.example.com'], hosts: ['db1.corp.example.com'] } };
  assert.deepEqual(run('db1.corp.example.com', o), [['internal-host', 0, 20]]);
});

test('internal-infra: findings are tagged internal-infra', () => {
  for (const h of internalInfra.detect('db1.corp.example.com jsmith 10.20.0.9', { options })) assert.deepEqual(h.tags, ['internal-infra']);
});

test('IP helpers: parsing, CIDR membership and scanning', () => {
  assert.deepEqual(parseIPv6('::1')?.slice(14), [0, 1]);
  assert.deepEqual(parseIPv6('::ffff:10.1.2.3')?.slice(10), [0xff, 0xff, 10, 1, 2, 3]);
  assert.equal(parseIPv6('1::2::3'), null);
  assert.equal(parseIPv6('1:2:3:4:5:6:7'), null);
  const net = parseCidr('10.20.0.0/16');
  assert.ok(net && inCidr([10, 20, 255, 1], net) && !inCidr([10, 21, 0, 1], net));
  const odd = parseCidr('10.1.2.3/12');
  assert.ok(odd && inCidr([10, 15, 0, 0], odd) && !inCidr([10, 16, 0, 0], odd));
  assert.equal(parseCidr('10.0.0.0/33'), null);
  assert.equal(parseCidr('fd00::/129'), null);
  const found = findIpAddresses('a 1.2.3.4 b v1.2.3.4 c 10:30:45 d fe80::1 e 1.2.3.4.5');
  assert.deepEqual(found.map((f) => f.start), [2, 34]);
});

test('internal-infra: labelled corpus precision and recall ≥ 0.95', (t) => {
  const s = score(internalInfra, loadCorpus('internal-infra'));
  t.diagnostic(`internal-infra corpus: ${s.positives} positive / ${s.negatives} negative samples, TP ${s.tp} FP ${s.fp} FN ${s.fn}, P=${s.precision.toFixed(3)} R=${s.recall.toFixed(3)}`);
  assert.ok(s.precision >= 0.95 && s.recall >= 0.95, s.errors.join('\n'));
});

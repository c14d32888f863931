import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { only, scanCode } from '../helpers.ts';

const RULE = 'net-endpoint';

describe(RULE, () => {
  it("finds: one URL used twice is one finding", () => {
    const f = only(scanCode(`fetch('https://api.example.com/v1/chat'); fetch('https://api.example.com/v1/chat');`), RULE);
    assert.equal(f.length, 1, JSON.stringify(f, null, 1));
    assert.equal(f[0]!.data?.count, 2); assert.equal(f[0]!.data?.host, 'api.example.com');
  });
  it("finds: bare host", () => {
    const f = only(scanCode(`const host = 'api.example.io';`), RULE);
    assert.equal(f.length, 1, JSON.stringify(f, null, 1));
  });
  it("ignores: no URL", () => {
    assert.deepEqual(only(scanCode(`const s = 'see README.md and package.json';`), RULE), []);
  });
  it("finds: the host after a userinfo, not the user name", () => {
    const f = only(scanCode(`const r = "https://build@registry.example.com/api/v1";`), RULE);
    assert.equal(f.length, 1, JSON.stringify(f, null, 1));
    assert.equal(f[0]!.data?.host, 'registry.example.com');
    assert.equal(f[0]!.data?.url, 'https://build@registry.example.com/api/v1');
  });
  it("finds: a template's host pattern, its expressions as *", () => {
    const f = only(scanCode('const u = `https://aws-external-anthropic.${r}.api.aws/v1`;'), RULE);
    assert.equal(f.length, 1, JSON.stringify(f, null, 1));
    assert.equal(f[0]!.data?.url, 'https://aws-external-anthropic.*.api.aws/v1');
    assert.equal(f[0]!.data?.host, 'aws-external-anthropic.*.api.aws');
  });
  it("ignores: a template whose host is only an expression", () => {
    assert.deepEqual(only(scanCode('const u = `https://${host}/v1/chat`;'), RULE), []);
  });
  it("finds: a URL with credentials and a /collect path is telemetry, its password masked", () => {
    const fs = scanCode(`fetch("https://user:p4ss@stats.example.com/collect");`);
    assert.deepEqual(only(fs, RULE), []);
    const t = only(fs, 'telemetry-endpoint');
    assert.equal(t.length, 1, JSON.stringify(fs, null, 1));
    assert.equal(t[0]!.data?.host, 'stats.example.com');
    assert.ok(!JSON.stringify(t).includes('p4ss'), JSON.stringify(t));
  });
  it("finds: a control character ends the URL", () => {
    const f = only(scanCode(`fetch("https://api.example.com/v1/run\\x1b[3A\\x1b[2Kok");`), RULE);
    assert.equal(f.length, 1, JSON.stringify(f, null, 1));
    assert.equal(f[0]!.data?.url, 'https://api.example.com/v1/run');
  });
  it("masks: a token in the query and a webhook that is a secret whole, keeping the host", () => {
    const f = only(scanCode(`a("https://x.example/e?token=ghp_16C7e42F292c6912E7710c838347Ae178B4a"); b("https://hooks.slack.com/services/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");`), RULE);
    assert.equal(f.length, 2, JSON.stringify(f, null, 1));
    const text = JSON.stringify(f);
    assert.ok(!text.includes('ghp_16C7e42F292c6912E7710c838347Ae178B4a') && !text.includes('Xq7Lm2Np9Rt4Vw6Yz8Ab3Cd5'), text);
    assert.match(String(f.find((x) => x.data?.host === 'hooks.slack.com')?.data?.url), /^https:\/\/hooks\.slack\.com\/\[slack-webhook-url: /);
  });
});

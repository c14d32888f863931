// The gateway configuration (gateway/config.ts): defaults, the README's reference block, and bad
// files, each refused with file:line:column, what was found and what was expected.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ConfigError, loadConfig, parseConfig } from '../../src/gateway/config.ts';

const dir = mkdtempSync(join(tmpdir(), 'airlock-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const file = (text: string): string => {
  const f = join(dir, `c${n++}.yaml`);
  writeFileSync(f, text);
  return f;
};
/** The ConfigError message of loading `text`. */
const refused = (text: string): string => {
  const f = file(text);
  try {
    loadConfig(f);
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    return e.message.replaceAll(f, 'FILE');
  }
  return assert.fail('the file was accepted');
};

describe('gateway configuration', () => {
  it('without a file: loopback, SQLite under ./data, the two public upstreams, audit appended by a worker', () => {
    const c = loadConfig(undefined);
    assert.deepEqual(c.listen, { host: '127.0.0.1', port: 8787 });
    assert.equal(c.dataDir, './data');
    assert.deepEqual(c.upstreams.map((u) => [u.name, u.baseUrl, u.dialects]), [
      ['anthropic', 'https://api.anthropic.com', ['anthropic']],
      ['openai', 'https://api.openai.com', ['openai-chat', 'openai-responses']],
    ]);
    assert.equal(c.audit.thread, true);
    assert.equal(c.inspection.enabled, true);
    assert.equal(c.inspection.redact, false);
  });

  it("the README's configuration reference is a valid file and means what it says", () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const block = /### Configuration[\s\S]*?```yaml\n([\s\S]*?)```/.exec(readme)?.[1];
    assert.ok(block !== undefined, 'the reference block is in the README');
    const c = loadConfig(file(block));
    assert.equal(c.limits.maxBodyBytes, 33554432);
    assert.equal(c.audit.maxPending, 100000);
    assert.equal(c.inspection.budgetMs, 250);
    assert.deepEqual(c.inspection.internal?.cidrs, ['10.0.0.0/8']);
    assert.deepEqual(c.upstreams.map((u) => u.name), ['anthropic', 'openai']);
  });

  it('gitleaks rule files: relative to the configuration, checked when it loads, errors located', () => {
    mkdirSync(join(dir, 'rules'), { recursive: true });
    writeFileSync(join(dir, 'rules', 'gitleaks.toml'), '[[rules]]\nid = "acme-token"\nregex = \'acme_[0-9a-f]{32}\'\nkeywords = ["acme_"]\n');
    const c = loadConfig(file('inspection:\n  gitleaks: [rules/gitleaks.toml]\n  allow: ["re:^sk-test-"]\n'));
    assert.deepEqual(c.inspection.gitleaks, [join(dir, 'rules', 'gitleaks.toml')]);
    assert.deepEqual(c.inspection.allow, ['re:^sk-test-']);
    assert.match(refused('inspection:\n  gitleaks:\n    - rules/nope.toml\n'), /FILE:3:7: error: inspection\.gitleaks\[0\]: cannot read the gitleaks rules .*rules\/nope\.toml: ENOENT; expected a readable gitleaks\.toml/);
    writeFileSync(join(dir, 'rules', 'broken.toml'), '[[rules]]\nid = "x"\nregex = \'unterminated\n');
    assert.match(refused('inspection:\n  gitleaks: [rules/broken.toml]\n'), /FILE:2:14: error: inspection\.gitleaks\[0\]: .*rules\/broken\.toml:3:\d+: not a valid gitleaks\.toml: /);
  });

  it('a misspelt key is refused where it stands, not silently ignored', () => {
    assert.equal(refused('inspection:\n  enabled: true\n  redcat: true\n'),
      "FILE is not a valid configuration:\n  FILE:3:3: error: inspection: found unknown key 'redcat'; expected one of the documented keys (see the configuration reference in README.md)");
    assert.match(refused('audti: { thread: false }\n'), /FILE:1:1: error: \(document\): found unknown key 'audti'/);
    assert.match(refused('upstreams:\n  - { name: a, baseUrl: "http://x", dialects: [anthropic], apikey: K }\n'), /FILE:2:60: error: upstreams\[0\]: found unknown key 'apikey'/);
  });

  it('a wrong value names the line, what was found and what was expected', () => {
    assert.match(refused('listen:\n  port: "8080"\n'), /FILE:2:9: error: listen\.port: found '"8080"'; expected number, received string/);
    assert.match(refused('audit:\n  maxPending: -5\n'), /FILE:2:15: error: audit\.maxPending: found '-5'; Too small/);
    assert.match(refused('upstreams:\n  - { name: a, baseUrl: "not a url", dialects: [anthropic] }\n'), /FILE:2:25: error: upstreams\[0\]\.baseUrl: found '"not a url"'/);
    assert.match(refused('upstreams:\n  - { name: a, baseUrl: "http://x", dialects: [grpc] }\n'), /upstreams\[0\]\.dialects\[0\]: found 'grpc'; expected one of "anthropic"\|"openai-chat"\|"openai-responses"/);
  });

  it('two upstreams of one name, invalid YAML and duplicate keys are refused with their position', () => {
    assert.match(refused('upstreams:\n  - { name: a, baseUrl: "http://x", dialects: [anthropic] }\n  - { name: a, baseUrl: "http://y", dialects: [openai-chat] }\n'),
      /FILE:3:13: error: upstreams\[1\]\.name: found 'a'; expected a name no other upstream has/);
    assert.match(refused('listen: { host: 127.0.0.1\n'), /FILE:\d+:\d+: error: \(document\): invalid YAML/);
    assert.match(refused('dataDir: a\ndataDir: b\n'), /FILE:2:1: error: \(document\): invalid YAML: Map keys must be unique/);
  });

  it('a credential in the wrong place is never quoted in the error, only its masked preview', () => {
    const token = `ghp_${'k3Xq9LmZ2vTnR8wYpB4cJ6dFhG1sA0eUiO7'}`;
    const msg = refused(`upstreams:\n  - { name: inhouse, baseUrl: "http://x", dialects: [openai-chat], headers: "Authorization: Bearer ${token}" }\n`);
    assert.match(msg, /upstreams\[0\]\.headers: found '"Authorization: Bearer \[[\w-]+: ghp_…/);
    assert.ok(!msg.includes(token) && !msg.includes(token.slice(4, 20)), msg);
  });

  it('an empty file is the defaults; an unreadable one says so', () => {
    assert.equal(loadConfig(file('')).listen.port, 8787);
    assert.throws(() => loadConfig(join(dir, 'missing.yaml')), (e: unknown) => e instanceof ConfigError && /cannot read .*missing\.yaml/.test(e.message));
  });

  it('objects given in code are checked the same way (strict, unique names)', () => {
    assert.throws(() => parseConfig({ inspection: { redcat: true } }), (e: unknown) => e instanceof ConfigError && /inspection: Unrecognized key: "redcat"/.test(e.message));
    assert.throws(() => parseConfig({ upstreams: [{ name: 'a', baseUrl: 'http://x', dialects: ['anthropic'] }, { name: 'a', baseUrl: 'http://y', dialects: ['anthropic'] }] }),
      (e: unknown) => e instanceof ConfigError && /upstreams\[1\]\.name: duplicate name 'a'/.test(e.message));
  });
});

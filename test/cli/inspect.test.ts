// `airlock inspect`: table, JSON and redaction over bodies, text files and directories.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { Ajv } from 'ajv';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.ts';

const SECRET = 'hJ8sK2mZp4Lq9WvX1tYb7NcR5eF3gD6aQ0uIoPzE';

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { out: (s) => (out += `${s}\n`), err: (s) => (err += `${s}\n`), env: {} });
  return { code, out, err };
}

const dir = mkdtempSync(join(tmpdir(), 'airlock-inspect-'));
const body = join(dir, 'req.json');
writeFileSync(body, JSON.stringify({ model: 'claude-x', max_tokens: 5, messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: `AWS_SECRET_ACCESS_KEY=${SECRET}\n` }] }] }, null, 1));

test('a request body: findings table names rule, role and path, with a masked preview only', async () => {
  const r = await cli(['inspect', body]);
  assert.equal(r.code, 1);
  assert.match(r.out, /secrets\/aws-secret-key/);
  assert.match(r.out, /tool_result/);
  assert.match(r.out, /messages\[0\]\.content\[0\]\.content/);
  assert.ok(!r.out.includes(SECRET), 'never the raw secret');
});

test('--json gives machine-readable findings with spans', async () => {
  const r = await cli(['inspect', body, '--json']);
  const j = JSON.parse(r.out) as { dialect: string; findings: { rule: string; start: number; end: number; preview: string }[] }[];
  assert.equal(j[0]!.dialect, 'anthropic');
  const f = j[0]!.findings.find((x) => x.rule === 'aws-secret-key')!;
  assert.equal(f.end - f.start, SECRET.length);
  assert.ok(!r.out.includes(SECRET));
});

test('--redact prints the body with a placeholder and nothing else changed', async () => {
  const r = await cli(['inspect', body, '--redact']);
  const j = JSON.parse(r.out) as { messages: { content: { content: string }[] }[] };
  assert.equal(j.messages[0]!.content[0]!.content, 'AWS_SECRET_ACCESS_KEY=[REDACTED:aws-secret-key#1]\n');
});

test('plain text and directories; a clean input exits 0', async () => {
  const d = join(dir, 'tree');
  mkdirSync(join(d, 'sub'), { recursive: true });
  writeFileSync(join(d, 'clean.md'), 'Nothing to see here, just prose about caching.\n');
  writeFileSync(join(d, 'sub', 'config.env'), `AWS_SECRET_ACCESS_KEY=${SECRET}\n`);
  const r = await cli(['inspect', d]);
  assert.equal(r.code, 1);
  assert.match(r.out, /sub\/config\.env/);
  assert.doesNotMatch(r.out, /clean\.md/);
  const clean = await cli(['inspect', join(d, 'clean.md')]);
  assert.equal(clean.code, 0);
  assert.match(clean.out, /No findings/);
});

test('usage errors exit 2', async () => {
  assert.equal((await cli(['inspect'])).code, 2);
  assert.equal((await cli(['nope'])).code, 2);
});

test('binary files in a directory are skipped', async () => {
  const d = join(dir, 'bin');
  mkdirSync(d, { recursive: true });
  writeFileSync(join(d, 'blob.bin'), Buffer.concat([Buffer.from(`AWS_SECRET_ACCESS_KEY=${SECRET}\n`), Buffer.from([0, 1, 2])]));
  writeFileSync(join(d, 'ok.txt'), 'fine\n');
  const r = await cli(['inspect', d, '--json']);
  const j = JSON.parse(r.out) as { file: string }[];
  assert.deepEqual(j.map((x) => x.file), ['ok.txt']);
});

test('--gitleaks and --config: the organisation\'s own rules, internal names and allowed values, as the gateway applies them', async () => {
  const d = join(dir, 'org');
  mkdirSync(d, { recursive: true });
  const token = 'acme_5f0c2b9e4d7a1386c0b2e9f47a5d3c18';
  writeFileSync(join(d, 'gitleaks.toml'), "[[rules]]\nid = 'acme-internal-token'\nregex = '''\\bacme_[0-9a-f]{32}\\b'''\nkeywords = ['acme_']\n\n[[rules]]\nid = 'pkcs12-file'\npath = '''\\.p12$'''\n");
  const text = join(d, 'notes.txt');
  writeFileSync(text, `the service token is ${token}\nAWS_SECRET_ACCESS_KEY=${SECRET}\nbuild server jenkins.corp.example.com\n`);
  const before = await cli(['inspect', text, '--json']);
  const rules = (out: string): string[] => (JSON.parse(out) as { findings: { rule: string }[] }[])[0]!.findings.map((f) => f.rule).sort();
  assert.ok(!rules(before.out).includes('acme-internal-token'));
  assert.ok(rules(before.out).includes('aws-secret-key'), 'without the allow list the value is reported');
  const withRules = await cli(['inspect', text, '--json', '--gitleaks', join(d, 'gitleaks.toml')]);
  assert.ok(rules(withRules.out).includes('acme-internal-token'), withRules.out);
  assert.ok(!withRules.out.includes(token), 'masked previews only');
  assert.match(withRules.err, /note: .*gitleaks\.toml: pkcs12-file: path-only rule: not applicable to prompt text/);
  // A rules file that cannot be read or parsed: a located error (main prints it, exit 1), nothing inspected.
  await assert.rejects(cli(['inspect', text, '--gitleaks', join(d, 'nope.toml')]), /cannot read the gitleaks rules .*nope\.toml: ENOENT/);
  writeFileSync(join(d, 'broken.toml'), `[[rules]]\nid = "x"\nregex = ${SECRET}\n`);
  await assert.rejects(cli(['inspect', text, '--gitleaks', join(d, 'broken.toml')]), (e: Error) => {
    assert.match(e.message, /broken\.toml:3:\d+: not a valid gitleaks\.toml/);
    assert.ok(!e.message.includes(SECRET), 'the parser\'s quote of the file is not shown');
    return true;
  });
  // The gateway's configuration: the same rules (relative to it), its internal names and allowed values.
  writeFileSync(join(d, 'airlock.yaml'), `inspection:\n  gitleaks: [gitleaks.toml]\n  allow: ["${SECRET}"]\n  internal: { domains: [corp.example.com] }\n`);
  const asGateway = await cli(['inspect', text, '--json', '--config', join(d, 'airlock.yaml')]);
  const found = rules(asGateway.out);
  assert.ok(found.includes('acme-internal-token'), asGateway.out);
  assert.ok(found.some((r) => /domain|host/.test(r)), `an internal name: ${found.join(', ')}`);
  assert.ok(!found.includes('aws-secret-key'), 'the allowed value is not reported');
});

test('findings at their line and column in the file as read, plain text and JSON bodies (escapes walked back)', async () => {
  const d = join(dir, 'lines');
  mkdirSync(d, { recursive: true });
  writeFileSync(join(d, 'a.env'), `# settings\n\nAWS_SECRET_ACCESS_KEY=${SECRET}\n`);
  // In JSON the text before the secret holds escapes (\n, \u00e9, \"), which take more raw characters than decoded ones.
  writeFileSync(join(d, 'b.json'), JSON.stringify({ model: 'm', messages: [{ role: 'user', content: `caf\u00e9 "q"\nAWS_SECRET_ACCESS_KEY=${SECRET}` }] }).replace('é', '\\u00e9'));
  const r = await cli(['inspect', d, '--json']);
  const j = JSON.parse(r.out) as { file: string; findings: { rule: string; line: number; column: number }[] }[];
  const a = j.find((x) => x.file === 'a.env')!.findings.find((f) => f.rule === 'aws-secret-key')!;
  assert.deepEqual([a.line, a.column], [3, 23]);
  const raw = readFileSync(join(d, 'b.json'), 'utf8');
  const b = j.find((x) => x.file === 'b.json')!.findings.find((f) => f.rule === 'aws-secret-key')!;
  assert.equal(b.line, 1);
  assert.equal(raw.slice(b.column - 1, b.column - 1 + SECRET.length), SECRET, 'the column points at the value in the raw file');
  const t = await cli(['inspect', join(d, 'a.env')]);
  assert.match(t.out, /a\.env\s+3:23\s+critical\s+secrets\/aws-secret-key/);
});

test('--sarif: a valid SARIF 2.1.0 log, each result at its file, line and column, masked', async () => {
  const d = join(dir, 'sarif');
  mkdirSync(join(d, 'sub'), { recursive: true });
  writeFileSync(join(d, 'sub', 'config.env'), `x=1\nAWS_SECRET_ACCESS_KEY=${SECRET}\nowner: jane.doe@acme-corp.io\n`);
  writeFileSync(join(d, 'clean.txt'), 'nothing here\n');
  const r = await cli(['inspect', d, '--sarif']);
  assert.equal(r.code, 1);
  assert.ok(!r.out.includes(SECRET), 'never the raw value');
  const log = JSON.parse(r.out) as { runs: { tool: { driver: { rules: { id: string }[] } }; results: { ruleId: string; ruleIndex: number; level: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number; endColumn: number } } }[]; partialFingerprints: Record<string, string> }[] }[] };
  const schema = JSON.parse(readFileSync(new URL('../fixtures/scan/sarif-schema-2.1.0.json', import.meta.url), 'utf8')) as object;
  const validate = new Ajv({ strict: false, validateFormats: false }).compile(schema);
  assert.ok(validate(log), JSON.stringify(validate.errors?.slice(0, 3)));
  const run = log.runs[0]!;
  const aws = run.results.find((x) => x.ruleId === 'secrets/aws-secret-key')!;
  assert.equal(aws.level, 'error');
  assert.equal(run.tool.driver.rules[aws.ruleIndex]!.id, 'secrets/aws-secret-key');
  assert.deepEqual(aws.locations[0]!.physicalLocation.artifactLocation.uri, 'sub/config.env');
  assert.deepEqual(aws.locations[0]!.physicalLocation.region, { startLine: 2, startColumn: 23, endLine: 2, endColumn: 23 + SECRET.length });
  const email = run.results.find((x) => x.ruleId === 'pii/email')!;
  assert.equal(email.locations[0]!.physicalLocation.region.startLine, 3);
  // Fingerprints are stable across runs and do not depend on the value.
  const again = JSON.parse((await cli(['inspect', d, '--sarif'])).out) as typeof log;
  assert.deepEqual(again.runs[0]!.results.map((x) => x.partialFingerprints), run.results.map((x) => x.partialFingerprints));
});

test('a directory is inspected as git lists it: .gitignore files honoured (a deeper one may re-include), --no-gitignore for everything', async () => {
  const d = join(dir, 'repo');
  mkdirSync(join(d, 'dist'), { recursive: true });
  mkdirSync(join(d, 'logs'), { recursive: true });
  mkdirSync(join(d, 'src'), { recursive: true });
  writeFileSync(join(d, '.gitignore'), 'dist/\n*.log\n');
  writeFileSync(join(d, 'logs', '.gitignore'), '!keep.log\n');
  const line = `AWS_SECRET_ACCESS_KEY=${SECRET}\n`;
  for (const f of ['dist/bundle.js', 'logs/debug.log', 'logs/keep.log', 'src/config.env', 'top.log']) writeFileSync(join(d, f), line);
  const files = async (args: string[]): Promise<string[]> => (JSON.parse((await cli(['inspect', d, '--json', ...args])).out) as { file: string }[]).map((x) => x.file).sort();
  assert.deepEqual(await files([]), ['.gitignore', 'logs/.gitignore', 'logs/keep.log', 'src/config.env']);
  assert.deepEqual(await files(['--no-gitignore']), ['.gitignore', 'dist/bundle.js', 'logs/.gitignore', 'logs/debug.log', 'logs/keep.log', 'src/config.env', 'top.log']);
});

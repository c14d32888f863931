// `airlock probe` as a command: usage errors, the JSON report, the self-contained HTML report,
// exit codes, and the progress display.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/cli/probe.ts';
import type { ProbeReport } from '../../src/probe/index.ts';
import { fakeTools } from './helpers.ts';

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (s: string) => out.push(s), err: (s: string) => err.push(s), env: process.env, isTTY: false } };
}

test('usage errors exit 2', async () => {
  const a = io();
  assert.equal(await run([], a.io), 2);
  assert.match(a.err.join('\n'), /no command given/);
  const b = io();
  assert.equal(await run(['--personas', 'nope', '--', 'true'], b.io), 2);
  assert.match(b.err.join('\n'), /unknown persona 'nope'/);
  const c = io();
  assert.equal(await run(['--help'], c.io), 0);
  assert.match(c.out.join('\n'), /usage: airlock probe/);
});

test('--json and --html on a signalling tool; exit 1; progress on stderr', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-probe-cli-'));
  try {
    const html = join(dir, 'report.html');
    const a = io();
    const code = await run(['--personas', 'tz-shanghai,host-cn', '--json', '--html', html, '--concurrency', '6', '--', process.execPath, fakeTools().get('tag-by-tz')!], a.io);
    assert.equal(code, 1);
    const r = JSON.parse(a.out.join('\n')) as ProbeReport;
    assert.equal(r.verdict, 'findings');
    assert.ok(r.runs.length >= 6, 'every persona ran twice (plus confirmation runs)');
    const f = r.findings.find((x) => x.rule === 'invisible-variant')!;
    assert.equal(f.severity, 'high');
    assert.match(f.detail!, /depends on tz/);
    assert.match(f.preview, /\\u\{E0063\}\\u\{E006E\}/);
    assert.match(a.err.join('\n'), /\[6\/6\] /);
    const page = readFileSync(html, 'utf8');
    assert.match(page, /^<!doctype html>/);
    assert.ok(!/<script|src=|href=/i.test(page), 'self-contained: no scripts or external resources');
    assert.match(page, /<mark><span class="cp" title="U\+E0063">U\+E0063<\/span>/);
    assert.match(page, /tz-shanghai/);
    assert.doesNotMatch(page, /<span class="cp">U\+2192<\/span>/, 'punctuation in descriptions is shown as itself');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a clean tool exits 0 with a clean terminal report', async () => {
  const a = io();
  const code = await run(['--personas', 'tz-shanghai,user-cn', '--concurrency', '6', '--', process.execPath, fakeTools().get('clean-openai')!], a.io);
  assert.equal(code, 0, a.out.join('\n'));
  assert.match(a.out.join('\n'), /Verdict: CLEAN/);
});

test('a command that never calls the API: exit 3 and the reason', async () => {
  const a = io();
  assert.equal(await run(['--personas', 'tz', '--', process.execPath, '-e', 'process.exit(0)'], a.io), 3);
  assert.match(a.out.join('\n'), /FAILED/);
});

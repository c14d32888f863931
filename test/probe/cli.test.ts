// `airlock probe` as a command: usage errors, the JSON report, the self-contained HTML report,
// exit codes, and the progress display.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/cli/probe.ts';
import { buildReport, findProgram, type ProbeReport } from '../../src/probe/index.ts';
import { choosePersonas } from '../../src/probe/personas.ts';
import { renderHtml } from '../../src/probe/report-html.ts';
import { renderText } from '../../src/probe/report-text.ts';
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

const TOKEN = 'ghp_16C7e42F292c6912E7710c838347Ae178B4a';

test('one date written another way under a locale: one finding over the whole date, labelled by the locales; JSON, HTML and text agree; the token on the command line is masked; confirmation runs counted apart', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-probe-cli-'));
  try {
    const html = join(dir, 'report.html');
    const cmd = ['--', process.execPath, fakeTools().get('ambiguous-date-by-locale')!, `--token=${TOKEN}`];
    const a = io();
    assert.equal(await run(['--personas', 'locale-de', '--json', '--html', html, ...cmd], a.io), 1);
    const r = JSON.parse(a.out.join('\n')) as ProbeReport;
    const real = r.differences.filter((d) => d.severity !== 'info');
    assert.equal(real.length, 1, JSON.stringify(real, null, 2));
    const d = real[0]!;
    assert.deepEqual([d.cls, d.kind, d.dimension], ['format', 'date', 'locale']);
    assert.equal(d.baseline.text.slice(d.baseline.start, d.baseline.end), '12/07/2026');
    assert.equal(d.variant.text.slice(d.variant.start, d.variant.end), '07.12.2026');
    assert.equal(d.detail, 'date format M/D/Y → D.M.Y (12/07/2026 → 07.12.2026)');
    assert.equal(r.findings.length, 1);
    assert.equal(r.findings[0]!.preview, '07.12.2026');
    assert.equal(r.dimensions.find((x) => x.dimension === 'locale')!.findings, 1);
    assert.deepEqual(r.command.slice(0, 2), [process.execPath, fakeTools().get('ambiguous-date-by-locale')!]);
    assert.match(r.command[2]!, /^--token=\[github-pat: ghp_…/);
    // Baseline and the persona with a finding, twice more: a phase of its own.
    assert.equal(r.runs.length, 8);
    assert.match(a.err.join('\n'), /^\[4\/4\] /m);
    assert.match(a.err.join('\n'), /^\[confirm 4\/4\] /m);
    const page = readFileSync(html, 'utf8');
    assert.match(page, /Findings: 1 persona-dependent difference\(s\)/);
    const section = page.slice(page.indexOf('<h2>Findings</h2>'), page.indexOf('</section>', page.indexOf('<h2>Findings</h2>')));
    assert.equal(section.split('<h3>').length - 1, 1);
    assert.match(section, /<mark>12\/07\/2026<\/mark>[\s\S]*<mark>07\.12\.2026<\/mark>/);
    assert.match(page, /2 personas × 2 runs \+ 4 confirmation run\(s\) = 8 runs/);
    for (const s of [a.out.join('\n'), a.err.join('\n'), page]) assert.ok(!s.includes(TOKEN), 'the token is never shown whole');

    const b = io();
    assert.equal(await run(['--personas', 'locale-de', ...cmd], b.io), 1);
    const text = b.out.join('\n');
    assert.ok(!text.includes(TOKEN));
    assert.match(text, /^airlock probe: .* --token=\[github-pat: ghp_…/m);
    assert.match(text, /^2 personas × 2 runs \+ 4 confirmation run\(s\) = 8 runs in /m);
    assert.match(text, /^locale +1 +0 +medium/m);
    assert.match(text, /^Findings: 1$/m);
    assert.match(text, /baseline: .*Local date: \[12\/07\/2026\] \(session/);
    assert.match(text, /locale-de: .*Local date: \[07\.12\.2026\] \(session/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('reports mask the command line even when the report did not come from buildReport', () => {
  const built = buildReport(['node', 'tool.js'], choosePersonas({ only: ['tz-shanghai'] }), 2, [], new Date().toISOString(), 1);
  const r = { ...built, command: ['node', 'tool.js', `--token=${TOKEN}`] };
  for (const s of [renderText(r), renderHtml(r)]) {
    assert.ok(!s.includes(TOKEN));
    assert.match(s, /--token=\[github-pat: ghp_…/);
  }
});

test('a command that does not exist fails once, up front, before any run: exit 2', async () => {
  const a = io();
  assert.equal(await run(['--', 'nosuchcommand123', '-p', 'hi'], a.io), 2);
  assert.deepEqual(a.err, ['airlock probe: command not found: nosuchcommand123']);
  assert.deepEqual(a.out, []);
});

test('the command is looked up as the runs will: relative to the working directory, along the PATH they get', () => {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-probe-cli-'));
  try {
    const tool = join(dir, 'mytool');
    writeFileSync(tool, '#!/bin/sh\n');
    chmodSync(tool, 0o755);
    writeFileSync(join(dir, 'plain'), '#!/bin/sh\n');
    assert.equal(findProgram('mytool', '/', dir), tool);
    assert.equal(findProgram('mytool', '/', '/nonexistent'), null);
    assert.equal(findProgram('./mytool', dir, ''), tool);
    assert.equal(findProgram('./plain', dir, ''), null, 'not executable');
    assert.equal(findProgram('node', '/', process.env['PATH']) !== null, true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a program that exists but cannot be started: one problem line, no misleading hint; exit 3', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-probe-cli-'));
  try {
    const tool = join(dir, 'broken');
    writeFileSync(tool, '#!/nonexistent/interpreter\n');
    chmodSync(tool, 0o755);
    const a = io();
    assert.equal(await run(['--personas', 'tz', '--', tool], a.io), 3);
    const text = a.out.join('\n');
    const problems = text.slice(text.indexOf('\nProblems\n') + 10).split('\n').filter(Boolean);
    assert.deepEqual(problems, [`  the command could not be started: spawn ${tool} ENOENT`]);
    assert.doesNotMatch(text, /--native/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// `airlock inspect FILE|-|DIR`: runs the inspection engine over a request body (any dialect),
// plain text, or every file of a directory, and prints findings or the redacted body.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { inspect, type InspectOptions } from '../core/detect/engine.ts';
import { guessBodyDialect, segmentBody } from '../core/exchange/index.ts';
import { redact } from '../core/redact.ts';
import type { Dialect, Finding, Segment } from '../core/types.ts';
import { loadConfig } from '../gateway/config.ts';
import { describeUntranslatable, loadSecretRules } from '../gateway/secret-rules.ts';
import { inspectSarif, regionsOf, type Region } from './inspect-report.ts';
import { parseCli, table, type CliIO, type Flags } from './io.ts';

const HELP = `usage: airlock inspect <FILE | - | DIR> [--json | --sarif] [--redact] [--dialect anthropic|openai-chat|openai-responses|text] [--detectors a,b]
                        [--config GW.yaml] [--gitleaks gitleaks.toml ...] [--no-gitignore]

Finds secrets, personal data, hidden and look-alike characters and internal infrastructure names.
A JSON request body is split into segments (system prompt, messages, tool results, tool calls,
tool definitions); anything else is inspected as plain text. Previews are always masked.
  --redact    print the body with every finding replaced by a placeholder (single input only)
  --sarif     SARIF 2.1.0 for code-scanning tools: each finding at its line and column, masked
  --config    inspect as the gateway with this configuration would ($AIRLOCK_CONFIG by default): its
              detectors, internal names, gitleaks rules and allowed values
  --gitleaks  add the rules of a gitleaks.toml (repeatable); rules it cannot use are listed on stderr
  --no-gitignore  in a directory, inspect the files its .gitignore files exclude too (node_modules
              and .git are always skipped)
Exit code: 0 no findings, 1 findings, 2 usage error.`;

interface Doc {
  name: string;
  text: string;
  dialect: Dialect | 'text';
  segments: Segment[];
}

const MAX_FILE = 64 * 1024 * 1024;

function toDoc(name: string, text: string, forced: string | undefined): Doc {
  let dialect: Dialect | 'text' = 'text';
  let body: unknown = null;
  if (forced !== 'text') {
    try {
      body = JSON.parse(text);
      dialect = (forced as Dialect | undefined) ?? guessBodyDialect(body) ?? 'text';
    } catch {
      dialect = 'text';
    }
  }
  const segments = dialect === 'text' ? [{ role: 'user' as const, path: [], text }] : segmentBody(dialect, body).segments;
  return { name, text, dialect, segments };
}

/**
 * The engine's options: the gateway configuration's (--config or $AIRLOCK_CONFIG: detectors,
 * internal names, gitleaks rules, allowed values), plus --gitleaks files and --detectors.
 */
function inspectOptions(flags: Flags, io: CliIO): InspectOptions {
  const file = typeof flags['config'] === 'string' ? flags['config'] : io.env['AIRLOCK_CONFIG'];
  const cfg = file !== undefined ? loadConfig(file).inspection : null;
  const files = [...(cfg?.gitleaks ?? []), ...(Array.isArray(flags['gitleaks']) ? flags['gitleaks'] : [])];
  const loaded = files.length > 0 ? loadSecretRules(files) : null;
  for (const line of describeUntranslatable(loaded?.untranslatable ?? [])) io.err(`note: ${line}`);
  const detectors = typeof flags['detectors'] === 'string' ? flags['detectors'].split(',') : cfg?.detectors;
  return {
    ...(detectors !== undefined ? { detectors } : {}),
    ...(cfg?.internal !== undefined ? { internal: cfg.internal } : {}),
    ...(loaded !== null && loaded.rules.length > 0 ? { extraSecretRules: loaded.rules } : {}),
    ...(cfg !== null && cfg.allow.length > 0 ? { allow: cfg.allow } : {}),
  };
}

/**
 * The files of a directory, as git would list them: `node_modules` and `.git` skipped, and with
 * `gitignore`, what the `.gitignore` files on the way exclude (a deeper one may re-include; an
 * excluded directory is not entered, as in git).
 */
function* walkDir(root: string, gitignore: boolean): Generator<string> {
  type Scope = { base: string; rules: Ignore };
  const ignored = (scopes: readonly Scope[], p: string, dir: boolean): boolean => {
    let out = false;
    for (const s of scopes) {
      const r = s.rules.test(relative(s.base, p).split(sep).join('/') + (dir ? '/' : ''));
      if (r.ignored) out = true;
      else if (r.unignored) out = false;
    }
    return out;
  };
  function* walk(dir: string, scopes: readonly Scope[]): Generator<string> {
    const gi = join(dir, '.gitignore');
    const here = gitignore && existsSync(gi) ? [...scopes, { base: dir, rules: ignore().add(readFileSync(gi, 'utf8')) }] : scopes;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.name === 'node_modules' || e.name === '.git') continue;
      const p = join(dir, e.name);
      if (here.length > 0 && ignored(here, p, e.isDirectory())) continue;
      if (e.isDirectory()) yield* walk(p, here);
      else if (e.isFile() && statSync(p).size <= MAX_FILE) yield p;
    }
  }
  yield* walk(root, []);
}

export async function run(args: string[], io: CliIO): Promise<number> {
  const { flags, positional } = parseCli(args, {
    json: { type: 'boolean' }, sarif: { type: 'boolean' }, redact: { type: 'boolean' }, dialect: { type: 'string' }, detectors: { type: 'string' },
    config: { type: 'string' }, gitleaks: { type: 'string', multiple: true }, 'no-gitignore': { type: 'boolean' },
  });
  if (flags['help'] === true || positional.length !== 1) {
    (flags['help'] === true ? io.out : io.err)(HELP);
    return flags['help'] === true ? 0 : 2;
  }
  const target = positional[0]!;
  const forced = typeof flags['dialect'] === 'string' ? flags['dialect'] : undefined;
  const options = inspectOptions(flags, io);
  const results: { doc: Doc; segments: number; findings: Finding[]; regions: (Region | null)[] }[] = [];
  const run1 = (doc: Doc): void => {
    const r = inspect(doc.segments, options);
    // Line and column in the file as read, while its text is at hand.
    const regions = regionsOf(doc.text, doc.dialect === 'text', r.findings, r.segmentOf);
    // A directory's documents are dropped once inspected: only findings are kept.
    results.push({ doc: dir ? { ...doc, text: '', segments: [] } : doc, segments: doc.segments.length, findings: r.findings, regions });
  };
  const dir = target !== '-' && statSync(target).isDirectory();
  if (target === '-') {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    run1(toDoc('-', Buffer.concat(chunks).toString('utf8'), forced));
  } else if (dir) {
    // Long runs show progress on a terminal: files and megabytes inspected so far.
    let bytes = 0;
    let last = 0;
    for (const f of walkDir(target, flags['no-gitignore'] !== true)) {
      const buf = readFileSync(f);
      if (buf.includes(0)) continue; // binary
      bytes += buf.length;
      run1(toDoc(relative(target, f), buf.toString('utf8'), forced));
      if (io.isTTY === true && Date.now() - last > 200) {
        last = Date.now();
        process.stderr.write(`\rinspected ${results.length} file(s), ${(bytes / 1e6).toFixed(1)} MB`);
      }
    }
    if (io.isTTY === true) process.stderr.write(`\rinspected ${results.length} file(s), ${(bytes / 1e6).toFixed(1)} MB\n`);
  } else {
    run1(toDoc(target, readFileSync(target, 'utf8'), forced));
  }
  if (flags['redact'] === true) {
    if (results.length !== 1) {
      io.err('airlock inspect: --redact takes a single file or -');
      return 2;
    }
    const r = results[0]!;
    if (r.doc.dialect === 'text') {
      const seg = r.doc.segments[0]!;
      // Plain text: patch the text directly, same placeholders as in bodies.
      const wrapped = JSON.stringify({ text: seg.text });
      const out = redact(wrapped, [{ ...seg, path: ['text'] }], r.findings.map((f) => ({ ...f, segmentPath: 'text' })));
      io.out((JSON.parse(out.body) as { text: string }).text);
    } else {
      io.out(redact(r.doc.text, r.doc.segments, r.findings).body);
    }
    return r.findings.length > 0 ? 1 : 0;
  }
  const total = results.reduce((n, r) => n + r.findings.length, 0);
  if (flags['sarif'] === true) {
    io.out(inspectSarif(results.map((r) => ({ name: r.doc.name, findings: r.findings, regions: r.regions })), '0.1.0').trimEnd());
  } else if (flags['json'] === true) {
    const located = (r: (typeof results)[number]): unknown[] => r.findings.map((f, i) => {
      const g = r.regions[i];
      return g === null || g === undefined ? f : { ...f, line: g.startLine, column: g.startColumn };
    });
    io.out(JSON.stringify(results.map((r) => ({ file: r.doc.name, dialect: r.doc.dialect, segments: r.segments, findings: located(r) })), null, 2));
  } else if (total === 0) {
    io.out(`No findings in ${results.length} input(s).`);
  } else {
    const at = (r: (typeof results)[number], i: number): string => {
      const g = r.regions[i];
      return g === null || g === undefined ? `@${r.findings[i]!.start}` : `${g.startLine}:${g.startColumn}`;
    };
    const rows = results.flatMap((r) => r.findings.map((f, i) => [r.doc.name, at(r, i), f.severity, `${f.detector}/${f.rule}`, f.role, f.segmentPath || '(text)', f.preview, f.detail ?? '']));
    io.out(table(['input', 'line:col', 'severity', 'rule', 'role', 'path', 'preview', 'detail'], rows));
    io.out(`\n${total} finding(s) in ${results.filter((r) => r.findings.length > 0).length} of ${results.length} input(s).`);
  }
  return total > 0 ? 1 : 0;
}

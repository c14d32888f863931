// `airlock policy`: tools for the policy author. check (validate + lint), explain (which rule
// decided a recorded exchange, and why), test --replay (what a candidate policy would change on
// recorded traffic), hash-value (the keyed hash of a value, for an exception entry).
import { createHmac } from 'node:crypto';
import { createReadStream, readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { DETECTORS } from '../core/detect/registry.ts';
import { covertFindingKinds } from '../core/covert/baseline.ts';
import { loadSecretRules } from '../gateway/secret-rules.ts';
import { compilePolicy, formatIssue, lintPolicy, pickExamples, Replay, type CompiledPolicy, type PolicyIssue } from '../core/policy/index.ts';
import { renderReplayHtml } from '../core/policy/replay-html.ts';
import { actionText, pickedUpstream } from '../core/policy/replay.ts';
import type { AuditEntry, AuditRecord, Identity } from '../core/types.ts';
import { loadConfig, pickUpstream, type GatewayConfig } from '../gateway/config.ts';
import { policyHash } from '../gateway/policy-loader.ts';
import { defaultStoreUrl, iterateAudit, openStore } from '../store/index.ts';
import type { Store } from '../store/types.ts';
import { parseCli, parseTime, safeCell, table, UsageError, type CliIO, type Flags } from './io.ts';
import { hashSecret } from './serve.ts';

const HELP = `usage: airlock policy <command>

  check FILE [--config GW.yaml]              validate and lint a policy (exit 1 on errors)
  explain EXCHANGE_ID [--store URL] [--policy FILE]
                                             which rule decided a recorded exchange, and why
  test FILE --replay <store URL | FILE.jsonl> [--config GW.yaml] [--since T] [--until T]
       [--limit N] [--show N] [--json] [--html REPORT.html] [--fail-on-change]
                                             dry-run FILE over recorded exchanges; print what changes
                                             (T: 2026-12-01, 2026-12-01T10:00:00Z, or 7d / 24h / 30m before now;
                                             --fail-on-change: exit 1 if any decision would change)
  hash-value [--config GW.yaml]              read a value on stdin, print its keyed hash for an
                                             exception (same secret as the gateway: $AIRLOCK_HASH_SECRET
                                             or <dataDir>/hash.secret)`;

/**
 * Detector ids for lint: the engine's registry (or the built-in set while it is being filled), and
 * `covert`, whose findings come from the prompt baselines (core/covert), not from the registry.
 */
const BUILTIN_DETECTORS = ['secrets', 'pii', 'internal-infra', 'hidden-chars', 'confusables'];
const knownDetectors = (): string[] => [...new Set([...DETECTORS.map((d) => d.id), ...BUILTIN_DETECTORS, ...covertFindingKinds().map((f) => f.detector)])];

/** Every finding rule the engine can report: built-in, covert, and the configuration's gitleaks rules. */
function knownFindingRules(cfg: GatewayConfig | null): string[] {
  const ids = DETECTORS.flatMap((d) => d.rules.map((r) => `${d.id}/${r.id}`));
  for (const f of covertFindingKinds()) ids.push(`covert/${f.rule}`);
  if (cfg !== null && cfg.inspection.gitleaks.length > 0) for (const r of loadSecretRules(cfg.inspection.gitleaks).rules) ids.push(`secrets/${r.id}`);
  return [...new Set(ids)];
}

const configOf = (flags: Flags, io: CliIO): GatewayConfig | null => {
  const f = typeof flags['config'] === 'string' ? flags['config'] : io.env['AIRLOCK_CONFIG'];
  return f === undefined ? null : loadConfig(f);
};

function compileFile(file: string, cfg: GatewayConfig | null, io: CliIO): { policy: CompiledPolicy; issues: PolicyIssue[]; text: string } | null {
  const text = readFileSync(file, 'utf8');
  const r = compilePolicy(text, cfg === null ? {} : { upstreams: cfg.upstreams.map((u) => u.name) });
  if (!r.ok) {
    for (const i of r.issues) io.err(formatIssue(file, i));
    return null;
  }
  const upstreamDialects = cfg === null ? undefined : Object.fromEntries(cfg.upstreams.map((u) => [u.name, u.dialects]));
  return { policy: r.policy, issues: lintPolicy(r.parsed!, { detectors: knownDetectors(), findingRules: knownFindingRules(cfg), ...(upstreamDialects !== undefined ? { upstreamDialects } : {}) }), text };
}

async function check(file: string | undefined, flags: Flags, io: CliIO): Promise<number> {
  if (file === undefined) throw new Error('policy check: FILE is required');
  const c = compileFile(file, configOf(flags, io), io);
  if (c === null) return 1;
  for (const i of c.issues) (i.level === 'error' ? io.err : io.out)(formatIssue(file, i));
  const errors = c.issues.filter((i) => i.level === 'error').length;
  const warnings = c.issues.length - errors;
  const d = c.policy.doc;
  io.out(`${file}: ${errors === 0 ? 'ok' : 'invalid'} (${d.rules.length} rules, ${d.clients?.tools.length ?? 0} client entries, ${d.exceptions.length} exceptions, ${d.limits.length} limits; combine: ${d.combine}; ${errors} error(s), ${warnings} warning(s); hash ${policyHash(c.text).slice(0, 12)})`);
  return errors > 0 ? 1 : 0;
}

async function roleLookup(store: Store | null): Promise<(keyId: string | null) => Identity['role']> {
  if (store === null) return () => 'developer';
  const roles = new Map((await store.listKeys()).map((k) => [k.keyId, k.role]));
  return (k) => (k === null ? 'developer' : roles.get(k) ?? 'developer');
}

async function explain(id: string | undefined, flags: Flags, io: CliIO): Promise<number> {
  if (id === undefined) throw new Error('policy explain: EXCHANGE_ID is required');
  const store = await openStore(typeof flags['store'] === 'string' ? flags['store'] : defaultStoreUrl(io.env));
  try {
    const rec = await store.getAudit(id);
    if (rec === null) {
      io.err(`no recorded exchange ${id}`);
      return 1;
    }
    io.out(`exchange ${rec.id} at ${rec.time}: ${rec.route} by ${rec.user ?? '?'} (team ${rec.team ?? '-'}) with ${rec.tool ?? '?'} ${rec.toolVersion ?? ''} to ${rec.upstream ?? '?'} model ${rec.model ?? '-'}`);
    io.out(`outcome ${rec.outcome} (${rec.status}${rec.errorCode !== null ? ` ${rec.errorCode}` : ''}); ${rec.findings.length} finding(s)`);
    for (const g of rec.gaps ?? []) io.out(`not inspected: the ${g.part}${g.detector !== undefined ? ` by ${g.detector}` : ''}: ${g.reason}`);
    if (rec.decision === null) {
      io.out('no decision: the exchange ended before the decide phase (see the outcome above).');
      return 0;
    }
    io.out(`decision: ${actionText(rec.decision)}${rec.decision.from !== undefined ? ` from ${rec.decision.from}` : ''} by ${rec.decision.ruleId ?? '(no rule)'}: ${rec.decision.reason}`);
    io.out(`policy version: ${rec.policyHash ?? '(none: the gateway ran without a policy)'}`);
    let text: string | null = null;
    let source = '';
    if (rec.policyHash !== null) {
      const v = await store.getPolicyVersion(rec.policyHash);
      if (v !== null) [text, source] = [v.text, `${v.source} as loaded at ${v.loadedAt}`];
    }
    if (text === null && typeof flags['policy'] === 'string') {
      const t = readFileSync(flags['policy'], 'utf8');
      if (rec.policyHash === null || policyHash(t) === rec.policyHash) [text, source] = [t, flags['policy']];
      else {
        io.out(`note: ${flags['policy']} is not the version that decided (hash ${policyHash(t).slice(0, 12)}); showing how it would decide now`);
        [text, source] = [t, `${flags['policy']} (current, not the deciding version)`];
      }
    }
    if (text === null) {
      io.out('the policy text of that version is not in the store; pass --policy FILE to re-run the rules');
      return 0;
    }
    const r = compilePolicy(text);
    if (!r.ok) {
      io.err(`the stored policy no longer compiles: ${r.issues[0] !== undefined ? formatIssue('(stored policy)', r.issues[0]) : ''}`);
      return 1;
    }
    const roleOf = await roleLookup(store);
    const v = r.policy.evaluate(inputOf(rec, roleOf), { trace: true });
    io.out(`\nre-run under ${source}:`);
    for (const m of v.matches.filter((x) => x.ruleId.startsWith('clients') || x.ruleId === 'routes')) io.out(`  ${m.ruleId}: ${m.action} - ${m.reason}`);
    for (const t of v.trace ?? []) io.out(`  ${t.matched ? 'MATCH' : '  -  '} ${t.ruleId}: ${t.why}`);
    for (const e of v.excepted) io.out(`  excepted: ${e.finding.detector}/${e.finding.rule} ${e.finding.preview} by exceptions[${e.exception}] of rule ${e.ruleId}`);
    const same = v.decision.action === rec.decision.action && v.decision.ruleId === rec.decision.ruleId && (v.decision.action !== 'route' || v.decision.upstream === rec.decision.upstream);
    io.out(`  => ${actionText(v.decision)} by ${v.decision.ruleId ?? '(no rule)'}${same ? ' (same as recorded)' : ' (differs from the record)'}`);
    return 0;
  } finally {
    await store.close();
  }
}

function inputOf(rec: AuditEntry, roleOf: (k: string | null) => Identity['role'], upstreamOf?: (e: AuditEntry) => string | null): Parameters<CompiledPolicy['evaluate']>[0] {
  return {
    identity: { keyId: rec.keyId ?? '', user: rec.user ?? '', team: rec.team, role: roleOf(rec.keyId) },
    client: { tool: rec.tool ?? 'unknown', version: rec.toolVersion },
    dialect: rec.dialect ?? 'anthropic',
    upstream: upstreamOf?.(rec) ?? pickedUpstream(rec) ?? '',
    model: rec.model,
    findings: rec.findings.filter((f) => !f.segmentPath.startsWith('response.')),
    now: Date.parse(rec.time),
  };
}

async function* readJsonl(file: string, since: string | undefined, until: string | undefined): AsyncGenerator<AuditRecord> {
  let n = 0;
  // Line by line: an exported trail may be larger than memory.
  for await (const line of createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity })) {
    n++;
    if (line.trim() === '') continue;
    let r: AuditRecord;
    try {
      r = JSON.parse(line) as AuditRecord;
    } catch {
      throw new Error(`${file}:${n}: not a JSON record`);
    }
    if ((since !== undefined && r.time < since) || (until !== undefined && r.time >= until)) continue;
    yield r;
  }
}

/** A store URL as shown in reports: its password, if any, masked. */
function shownSource(src: string): string {
  try {
    const u = new URL(src);
    if (u.password !== '') u.password = '***';
    return u.toString();
  } catch {
    return src;
  }
}

async function test(file: string | undefined, flags: Flags, io: CliIO): Promise<number> {
  const src = flags['replay'];
  if (file === undefined || typeof src !== 'string') throw new Error('policy test: FILE and --replay <store URL | FILE.jsonl> are required');
  const num = (name: string, dflt: number): number => {
    const v = flags[name];
    if (typeof v !== 'string') return dflt;
    const x = Number(v);
    if (!Number.isInteger(x) || x < 0) throw new UsageError(`--${name}: expected a whole number, got '${v.slice(0, 20)}'`);
    return x;
  };
  const since = typeof flags['since'] === 'string' ? parseTime(flags['since'], '--since') : undefined;
  const until = typeof flags['until'] === 'string' ? parseTime(flags['until'], '--until') : undefined;
  const limit = num('limit', Infinity);
  const html = typeof flags['html'] === 'string' ? flags['html'] : undefined;
  // Examples kept in memory, per kind of change: every change is counted, only these are listed.
  const show = num('show', html !== undefined ? 20 : 10);
  const cfg = configOf(flags, io);
  const c = compileFile(file, cfg, io);
  if (c === null) return 1;
  const fromFile = /\.jsonl?$/i.test(src);
  const store = fromFile ? null : await openStore(src);
  try {
    const roleOf = await roleLookup(store);
    // Before a route action the gateway had picked an upstream by model; recompute it when the config is known.
    const upstreamOf = cfg === null ? undefined : (e: AuditEntry): string | null => (e.dialect === null ? pickedUpstream(e) : pickUpstream(cfg, e.dialect, e.model)?.name ?? pickedUpstream(e));
    const r = new Replay(c.policy, { roleOf, keep: show, ...(upstreamOf !== undefined ? { upstreamOf } : {}) });
    const it = store !== null ? iterateAudit(store, { ...(since !== undefined ? { since } : {}), ...(until !== undefined ? { until } : {}) }) : readJsonl(src, since, until);
    // A long replay shows how far it has got, on a terminal.
    let last = Date.now();
    const progress = (end: boolean): void => {
      const t = r.summary();
      process.stderr.write(`\rreplayed ${t.total.toLocaleString('en-US')} record(s); ${t.changed.toLocaleString('en-US')} would change${end ? '\n' : ''}`);
    };
    for await (const e of it) {
      r.add(e);
      if (io.isTTY === true && (r.summary().total & 1023) === 0 && Date.now() - last > 200) {
        last = Date.now();
        progress(false);
      }
      if (r.summary().total >= limit) break;
    }
    if (io.isTTY === true && r.summary().total > 1023) progress(true);
    const s = r.summary();
    if (html !== undefined) {
      writeFileSync(html, renderReplayHtml(s, {
        policy: file, policyHash: policyHash(c.text), source: shownSource(src), generatedAt: new Date().toISOString(),
        ...(since !== undefined ? { since } : {}), ...(until !== undefined ? { until } : {}),
      }));
    }
    const failOn = flags['fail-on-change'] === true && s.changed > 0 ? 1 : 0;
    if (flags['json'] === true) {
      io.out(JSON.stringify({ policy: file, policyHash: policyHash(c.text), since: since ?? null, until: until ?? null, ...s }, null, 2));
      return failOn;
    }
    const window = since !== undefined || until !== undefined ? ` from ${since ?? 'the start'} to ${until ?? 'now'}` : '';
    io.out(`replayed ${s.replayed} of ${s.total} exchanges${window} (${s.skipped} ended before a decision); ${s.unchanged} unchanged, ${s.changed} would change`);
    if (html !== undefined) io.out(`report: ${html}`);
    if (s.changed === 0) return failOn;
    const rows = (t: Record<string, Record<string, number>>): string[][] => Object.entries(t).flatMap(([k, v]) => Object.entries(v).map(([change, n]) => [safeCell(k), safeCell(change, 72), String(n)]));
    io.out(`\nby rule (of ${file}):\n${table(['rule', 'change', 'exchanges'], rows(s.byRule))}`);
    io.out(`\nby team:\n${table(['team', 'change', 'exchanges'], rows(s.byTeam))}`);
    const listed = pickExamples(s.changes, show);
    if (listed.length > 0 && html === undefined) {
      io.out(`\nexamples${listed.length < s.changed ? ` (${listed.length} of ${s.changed}, each kind of change in turn; --show N for more)` : ''}:`);
      for (const ch of listed) {
        io.out(`  ${safeCell(ch.id, 64)} ${safeCell(ch.user ?? '?')}/${safeCell(ch.team ?? '-')}: ${safeCell(actionText(ch.before))} (${safeCell(ch.before.ruleId ?? '-')}) → ${safeCell(actionText(ch.after))} (${safeCell(ch.after.ruleId ?? '-')}): ${safeCell(ch.after.reason, 200)}`);
      }
    }
    return failOn;
  } finally {
    await store?.close();
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The gateway's keyed hash of a matched value (pipeline.ts): HMAC-SHA-256, first 32 hex digits. */
export const hashValue = (secret: string, value: string): string => createHmac('sha256', secret).update(value).digest('hex').slice(0, 32);

async function hashValueCmd(flags: Flags, io: CliIO, stdin: () => Promise<string>): Promise<number> {
  const cfg = configOf(flags, io) ?? loadConfig(undefined);
  // One trailing newline is what `echo` and editors add; the value itself never ends in one.
  const value = (await stdin()).replace(/\r?\n$/, '');
  if (value === '') throw new Error('policy hash-value: no value on stdin');
  io.out(hashValue(hashSecret(cfg, io.env), value));
  return 0;
}

export async function run(args: string[], io: CliIO, stdin: () => Promise<string> = readStdin): Promise<number> {
  const [sub, ...rest] = args;
  const { flags, positional } = parseCli(rest, {
    config: { type: 'string' }, store: { type: 'string' }, policy: { type: 'string' }, replay: { type: 'string' }, limit: { type: 'string' }, show: { type: 'string' },
    since: { type: 'string' }, until: { type: 'string' }, json: { type: 'boolean' }, html: { type: 'string' }, 'fail-on-change': { type: 'boolean' },
  });
  if (sub === undefined || sub === '--help' || sub === 'help' || flags['help'] === true) {
    io.out(HELP);
    return sub === undefined ? 2 : 0;
  }
  switch (sub) {
    case 'check':
      return check(positional[0], flags, io);
    case 'explain':
      return explain(positional[0], flags, io);
    case 'test':
      return test(positional[0], flags, io);
    case 'hash-value':
      return hashValueCmd(flags, io, stdin);
    default:
      io.err(`airlock policy: unknown command '${sub}'\n${HELP}`);
      return 2;
  }
}

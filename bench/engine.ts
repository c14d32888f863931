// Benchmark of the inspection engine (all five detectors), cold: no HitCache unless labelled.
// - the real 100 KB Claude Code request (test/fixtures/bodies/claude-code-2.1.90.json), segmented
//   as the gateway does: per-call latency (p50/p90) and MB/s, engine and per detector;
// - ≥50 MB of generated source code, prose and JSON, twice: pure ASCII (V8 one-byte strings) and
//   with everyday typography (— → ’ “ …) in prose and comments, so V8 stores most documents as
//   two-byte strings, as it does for Claude Code's own prompts;
// - secretlint's recommended preset on a representative slice of the same corpus, extrapolated;
// - labelled separately: the warm "next turn" with a HitCache (same segments + one new 5 KB tool result).
// Called by bench/run.ts (benchEngine); runnable alone: node --import tsx bench/engine.ts [--quick]
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { inspect } from '../src/core/detect/engine.ts';
import { HitCache, groupRanges } from '../src/core/detect/cache.ts';
import { setNativeEnabled } from '../src/core/detect/native.ts';
import { DETECTORS } from '../src/core/detect/registry.ts';
import { parseRequest } from '../src/core/exchange/index.ts';
import type { Segment } from '../src/core/types.ts';
import { prng } from '../test/fixtures/secrets/samples.ts';
import { loadNative } from '../src/native/load.ts';
import { importGitleaksToml } from '../src/core/detect/secrets/gitleaks.ts';

const native = loadNative();


const AN = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
// Prose and identifiers; the credential words ('token', 'key', 'secret', 'password', 'auth') appear
// through the code templates below, at roughly the rate they do in real source files.
const WORDS = ('the of and to in is that for it as with was on be by this are from at or an which model prompt ' +
  'review config server client request response function return value error string number user session cache ' +
  'build deploy service api auth header body stream buffer index module import export default const async await').split(' ');
/** Typography of real prompts (Claude Code's system prompt uses all of these). */
const TYPO = [' — ', ' → ', '’', ' “', '” ', '…', ' – ', ' ✓ ', ' • '];

function chunkMaker(r: () => number, twoByte: boolean) {
  const pick = <T,>(a: readonly T[]): T => a[Math.floor(r() * a.length)]!;
  const rand = (n: number, alpha = AN): string => {
    let s = '';
    for (let i = 0; i < n; i++) s += alpha[Math.floor(r() * alpha.length)];
    return s;
  };
  const sentence = (): string => {
    const n = 6 + Math.floor(r() * 14);
    let s = pick(WORDS);
    for (let i = 1; i < n; i++) s += (twoByte && r() < 0.06 ? pick(TYPO) : ' ') + pick(WORDS);
    return s + '.';
  };
  const secret = (): string =>
    pick([
      () => `ghp_${rand(36)}`,
      () => `AKIA${rand(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`,
      () => `sk-ant-api03-${rand(93)}AA`,
      () => `xoxb-${rand(12, '0123456789')}-${rand(13, '0123456789')}-${rand(24)}`,
      () => `postgres://app:${rand(14)}@db.internal:5432/app`,
    ])();
  return {
    code(): string {
      const name = pick(WORDS) + pick(['Handler', 'Service', 'Token', 'Key', 'Client', 'Config', 'Store', 'View']);
      return `export async function ${name}(req: Request, opts = {}) {\n  const ${pick(WORDS)}Token = req.headers.get('authorization') ?? '';\n  if (!${pick(WORDS)}) throw new Error('${sentence()}');\n  // ${sentence()}\n  const key = \`\${prefix}:\${id}\`;\n  for (let i = 0; i < items.length; i++) total += items[i].${pick(WORDS)};\n  return { status: 200, body: JSON.stringify({ ${pick(WORDS)}: value, token: session.id }) };\n}\n\n`;
    },
    prose(): string {
      let p = '';
      for (let i = 0; i < 5; i++) p += sentence() + ' ';
      // Occasional personal data and addresses, at a low rate.
      const x = r();
      if (x < 0.02) p += `Contact ${pick(WORDS)}.${pick(WORDS)}@acme-corp.io or call +44 20 7946 ${rand(4, '0123456789')}. `;
      else if (x < 0.04) p += `The service listens on 10.${Math.floor(r() * 255)}.${Math.floor(r() * 255)}.7:8080 since 2024-06-01. `;
      return p + '\n\n';
    },
    json(): string {
      return JSON.stringify({
        id: `${rand(8, '0123456789abcdef')}-${rand(4, '0123456789abcdef')}-4${rand(3, '0123456789abcdef')}-a${rand(3, '0123456789abcdef')}-${rand(12, '0123456789abcdef')}`,
        name: pick(WORDS), version: '1.2.3', integrity: `sha512-${rand(86)}==`, commit: rand(40, '0123456789abcdef'),
        tokens: Math.floor(r() * 4000), api_version: '2024-06-01', description: sentence(),
      }, null, 2) + '\n';
    },
    secretLine(): string {
      return `${pick(['const apiToken = "', 'export GITHUB_TOKEN=', 'DATABASE_URL=', 'key: '])}${secret()}\n`;
    },
  };
}

/**
 * ~`mb` megabytes of mixed text, in documents of 4–64 kB (the size of typical prompt segments).
 * `twoByte`: prose and comments carry typography, so nearly every document is a two-byte string.
 */
export function buildCorpus(mb: number, seed = 42, twoByte = false): string[] {
  const r = prng(seed); // deterministic: every run scans the same bytes
  const m = chunkMaker(r, twoByte);
  const docs: string[] = [];
  let total = 0;
  while (total < mb * 1e6) {
    const target = 4096 + Math.floor(r() * 60000);
    let d = '';
    while (d.length < target) {
      const x = r();
      d += x < 0.4 ? m.code() : x < 0.7 ? m.prose() : x < 0.995 ? m.json() : m.secretLine();
    }
    // Flatten the rope built by +=: real segments come from JSON.parse or a decoder, already flat.
    const flat = Buffer.from(d, 'utf8').toString('utf8');
    docs.push(flat);
    total += Buffer.byteLength(flat);
  }
  return docs;
}

/**
 * Options of a typical organisation, so that internal-infra does real work (with no `internal`
 * configured it returns at once) and the engine figure covers all five detectors.
 */
export const BENCH_OPTIONS = {
  internal: { domains: ['corp.internal', 'acme.local'], hosts: ['vault', 'jenkins-01'], cidrs: ['10.0.0.0/8', '172.16.0.0/12', 'fd00::/8'], users: ['jdoe', 'asmith'] },
};

const utf8 = (docs: readonly string[]): number => docs.reduce((n, d) => n + Buffer.byteLength(d), 0);
const pct = (xs: readonly number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const r1 = (x: number): number => +x.toFixed(1);
const r3 = (x: number): number => +x.toFixed(3);

/** Best of `reps` passes over `docs` (the machine is shared; the minimum is the least disturbed). */
function bestSeconds(reps: number, pass: () => void): number {
  let best = Infinity;
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    pass();
    best = Math.min(best, (performance.now() - t0) / 1000);
  }
  return best;
}

interface CorpusResult { MB: number; documents: number; twoByteDocs: number; engineMBps: number; engineJsPrefilterMBps: number | null; findings: number; perDetectorMBps: Record<string, number> }

function benchCorpus(docs: readonly string[], reps: number): CorpusResult {
  const bytes = utf8(docs);
  const segs: Segment[] = docs.map((text, i) => ({ role: 'tool_result', path: ['messages', i, 'content'], text }));
  const ctx = { options: BENCH_OPTIONS };
  // Warm-up: JIT tiers and regex compilation, on a few MB.
  for (let i = 0; i < Math.min(docs.length, 100); i++) inspect([segs[i]!], BENCH_OPTIONS);
  let findings = 0;
  // With the native trigger pass and, alternating pass by pass so that both see the same machine,
  // without the addon (the JavaScript prefilter and non-ASCII scan: A/B).
  let engine = Infinity;
  let engineJs: number | null = native ? Infinity : null;
  for (let r = 0; r < reps; r++) {
    engine = Math.min(engine, bestSeconds(1, () => {
      findings = inspect(segs, BENCH_OPTIONS).findings.length;
    }));
    if (engineJs !== null) {
      setNativeEnabled(false);
      engineJs = Math.min(engineJs, bestSeconds(1, () => inspect(segs, BENCH_OPTIONS)));
      setNativeEnabled(true);
    }
  }
  const perDetectorMBps: Record<string, number> = {};
  for (const d of DETECTORS) {
    const s = bestSeconds(reps, () => {
      for (const t of docs) d.detect(t, ctx);
    });
    perDetectorMBps[d.id] = r1(bytes / 1e6 / s);
  }
  // A document is two-byte in V8 when it holds a code unit above U+00FF.
  const twoByteDocs = docs.filter((d) => /[^\x00-\xff]/.test(d)).length;
  return { MB: r1(bytes / 1e6), documents: docs.length, twoByteDocs, engineMBps: r1(bytes / 1e6 / engine), engineJsPrefilterMBps: engineJs === null ? null : r1(bytes / 1e6 / engineJs), findings, perDetectorMBps };
}

interface BodyResult {
  KB: number; segments: number; twoByteSegments: number; findings: number;
  p50ms: number; p90ms: number; jsPrefilterP50ms: number | null; engineMBps: number; perDetectorMBps: Record<string, number>;
  nextTurnCachedP50ms: number; nextTurnCachedP90ms: number;
}

function benchBody(runs: number): BodyResult {
  const raw = readFileSync(new URL('../test/fixtures/bodies/claude-code-2.1.90.json', import.meta.url), 'utf8');
  const segs = parseRequest('anthropic', raw).segments;
  const texts = segs.map((s) => s.text);
  const bytes = utf8(texts);
  const ctxs = segs.map((segment) => ({ options: BENCH_OPTIONS, segment }));
  for (let i = 0; i < 50; i++) inspect(segs, BENCH_OPTIONS);
  const lat: number[] = [];
  const latJs: number[] = [];
  let findings = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    findings = inspect(segs, BENCH_OPTIONS).findings.length;
    lat.push(performance.now() - t0);
    if (native) {
      // A/B, call by call: the same engine without the addon (JavaScript prefilter and runs).
      setNativeEnabled(false);
      const t1 = performance.now();
      inspect(segs, BENCH_OPTIONS);
      latJs.push(performance.now() - t1);
      setNativeEnabled(true);
    }
  }
  const perDetectorMBps: Record<string, number> = {};
  for (const d of DETECTORS) {
    const ts: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      for (let k = 0; k < segs.length; k++) d.detect(segs[k]!.text, ctxs[k]!);
      ts.push(performance.now() - t0);
    }
    perDetectorMBps[d.id] = r1(bytes / 1e6 / (pct(ts, 50) / 1000));
  }
  // Next turn of the conversation, cached: everything before comes back unchanged, plus one new
  // 5 KB tool result (unique per turn, so it is scanned cold).
  // Passed as parts, as the gateway's element cache does: the same arrays every turn.
  const cache = new HitCache();
  const cached = { ...BENCH_OPTIONS, cache };
  const parts = groupRanges(segs).map(([a, b]) => segs.slice(a, b));
  inspect(segs, cached, parts);
  const extra = buildCorpus(0.3, 7, true).map((d) => d.slice(0, 5000));
  const warm: number[] = [];
  for (let i = 0; i < runs; i++) {
    const added: Segment = { role: 'tool_result', path: ['messages', 999, 'content'], text: `${i} ${extra[i % extra.length]!}` };
    const turn: Segment[] = [...segs, added];
    const t0 = performance.now();
    inspect(turn, cached, [...parts, [added]]);
    warm.push(performance.now() - t0);
  }
  const p50 = pct(lat, 50);
  return {
    KB: r1(bytes / 1024), segments: segs.length, twoByteSegments: texts.filter((t) => /[^\x00-\xff]/.test(t)).length, findings,
    p50ms: r3(p50), p90ms: r3(pct(lat, 90)), jsPrefilterP50ms: latJs.length > 0 ? r3(pct(latJs, 50)) : null, engineMBps: r1(bytes / 1e6 / (p50 / 1000)), perDetectorMBps,
    nextTurnCachedP50ms: r3(pct(warm, 50)), nextTurnCachedP90ms: r3(pct(warm, 90)),
  };
}

async function timeSecretlint(docs: readonly string[]): Promise<{ seconds: number; messages: number } | { error: string }> {
  try {
    const { lintSource } = await import('@secretlint/core');
    const { creator } = await import('@secretlint/secretlint-rule-preset-recommend');
    const config = { rules: [{ id: '@secretlint/secretlint-rule-preset-recommend', rule: creator }] };
    const lint = (d: string) =>
      lintSource({ source: { content: d, filePath: '/bench.txt', ext: '.txt', contentType: 'text' }, options: { config, maskSecrets: true, noPhysicFilePath: true } });
    for (const d of docs.slice(0, 3)) await lint(d); // warm-up
    let messages = 0;
    const t0 = performance.now();
    for (const d of docs) messages += (await lint(d)).messages.length;
    return { seconds: (performance.now() - t0) / 1000, messages };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

/**
 * An organisation's gitleaks.toml, in the shape of gitleaks' generated rules: 100 rules for made-up
 * services (a lead of up to 50 name characters, the service's name, an assignment, a 32-character
 * value) and one semi-generic rule whose keywords are everywhere in code (access, api, auth, key,
 * secret, token), with an entropy floor and a `match` allowlist.
 */
export function orgGitleaksToml(): string {
  const tail = `(?:[ \\t\\w.-]{0,20})[\\s'"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'"\\s=]{0,5}`;
  const rules: string[] = [];
  for (let i = 0; i < 100; i++) {
    const svc = `svc${i.toString(36)}corp`;
    rules.push(`[[rules]]\nid = "${svc}-token"\nregex = '''(?i)[\\w.-]{0,50}?(?:${svc})${tail}([a-z0-9]{32})(?:[\\x60'"\\s;]|\\\\[nr]|$)'''\nkeywords = ["${svc}"]\n`);
  }
  rules.push(`[[rules]]\nid = "semi-generic-credential"\nregex = '''(?i)[\\w.-]{0,50}?(?:access|auth|api|credential|key|secret|token)${tail}([\\w.=-]{10,150})(?:[\\x60'"\\s;]|\\\\[nr]|$)'''\n` +
    `keywords = ["access", "auth", "api", "credential", "key", "secret", "token"]\nentropy = 3.5\n[[rules.allowlists]]\nregexTarget = "match"\nregexes = ['''(?i)^example''']\n`);
  return rules.join('\n');
}

export async function benchEngine(opts: { quick?: boolean } = {}): Promise<Record<string, unknown>> {
  const quick = opts.quick === true;
  const mb = Number(process.env['AIRLOCK_BENCH_ENGINE_MB'] ?? (quick ? 10 : 50));
  const reps = quick ? 2 : 3;
  const body = benchBody(quick ? 100 : 300);
  const oneDocs = buildCorpus(mb, 42, false);
  const one = benchCorpus(oneDocs, reps);
  const twoDocs = buildCorpus(mb, 43, true);
  const two = benchCorpus(twoDocs, reps);
  // The one-byte corpus again with the organisation's gitleaks rules imported, alternating with
  // the built-in rules alone (A/B in the same run).
  const org = importGitleaksToml(orgGitleaksToml());
  const orgSegs: Segment[] = oneDocs.map((text, i) => ({ role: 'tool_result', path: ['messages', i, 'content'], text }));
  const withOrg = { ...BENCH_OPTIONS, extraSecretRules: org.rules };
  inspect(orgSegs.slice(0, 50), withOrg);
  let orgBest = Infinity;
  let plainBest = Infinity;
  for (let r = 0; r < reps; r++) {
    orgBest = Math.min(orgBest, bestSeconds(1, () => inspect(orgSegs, withOrg)));
    plainBest = Math.min(plainBest, bestSeconds(1, () => inspect(orgSegs, BENCH_OPTIONS)));
  }
  const oneMB = utf8(oneDocs) / 1e6;
  const orgRules = { rules: org.rules.length, MBps: r1(oneMB / orgBest), builtinOnlyMBps: r1(oneMB / plainBest) };
  // secretlint is ~20-50× slower: time a representative slice (every k-th document of the
  // one-byte corpus, ~5 MB) and extrapolate its rate.
  const sliceMB = Number(process.env['AIRLOCK_BENCH_SECRETLINT_MB'] ?? (quick ? 2 : 5));
  const step = Math.max(1, Math.round(utf8(oneDocs) / (sliceMB * 1e6)));
  const slice = oneDocs.filter((_, i) => i % step === 0);
  const sliceBytes = utf8(slice);
  const sl = await timeSecretlint(slice);
  const out: Record<string, unknown> = { nativeTriggerPass: native, claudeCodeBody: body, oneByteCorpus: one, twoByteCorpus: two, orgGitleaksRules: orgRules };
  let slLine = '';
  if ('error' in sl) {
    out['secretlint'] = `unavailable: ${sl.error}`;
    slLine = `secretlint: ${sl.error}`;
  } else {
    const slMBps = sliceBytes / 1e6 / sl.seconds;
    out['secretlint'] = {
      MBps: +slMBps.toFixed(1), sliceMB: r1(sliceBytes / 1e6), every: step, messages: sl.messages,
      ratioEngine: r1(one.engineMBps / slMBps), ratioSecretsDetector: r1((one.perDetectorMBps['secrets'] ?? 0) / slMBps),
    };
    slLine = `secretlint preset-recommend: ${slMBps.toFixed(1)} MB/s (timed on a ${r1(sliceBytes / 1e6)} MB slice, every ${step}th document of the one-byte corpus, extrapolated); ` +
      `whole engine ${r1(one.engineMBps / slMBps)}×, secrets detector alone ${r1((one.perDetectorMBps['secrets'] ?? 0) / slMBps)}×`;
  }
  const ids = DETECTORS.map((d) => d.id);
  const row = (name: string, engine: number, per: Record<string, number>): string =>
    `| ${name.padEnd(44)} | ${String(engine).padStart(7)} | ${ids.map((id) => String(per[id] ?? '').padStart(Math.max(7, id.length))).join(' | ')} |`;
  const lines = [
    `MB/s, cold (no cache), best of ${reps} passes; body: p50 of ${quick ? 100 : 300} calls; native addon (trigger pass, non-ASCII runs) ${native ? 'on' : 'OFF (JavaScript prefilter and runs: libhyperscan-dev not installed or AIRLOCK_NATIVE=0)'}`,
    `| ${'corpus'.padEnd(44)} | ${'engine'.padStart(7)} | ${ids.map((id) => id.padStart(7)).join(' | ')} |`,
    row(`Claude Code body ${body.KB} KB (${body.twoByteSegments}/${body.segments} 2-byte)`, body.engineMBps, body.perDetectorMBps),
    row(`one-byte mix ${one.MB} MB (${one.documents} docs)`, one.engineMBps, one.perDetectorMBps),
    row(`two-byte mix ${two.MB} MB (${two.twoByteDocs}/${two.documents} 2-byte)`, two.engineMBps, two.perDetectorMBps),
    `Claude Code body, whole engine cold: p50 ${body.p50ms} ms, p90 ${body.p90ms} ms (${body.findings} findings)`,
    ...(native ? [`same engine without the addon (JavaScript prefilter and runs; A/B, alternating in the same run): body p50 ${body.jsPrefilterP50ms} ms, one-byte ${one.engineJsPrefilterMBps} MB/s, two-byte ${two.engineJsPrefilterMBps} MB/s`] : []),
    `CACHED next turn (HitCache warm; same segments + one new 5 KB tool result): p50 ${body.nextTurnCachedP50ms} ms, p90 ${body.nextTurnCachedP90ms} ms`,
    `one-byte mix with an organisation's gitleaks.toml imported (${orgRules.rules} rules in gitleaks' generated shape): ${orgRules.MBps} MB/s (built-in rules alone, alternating: ${orgRules.builtinOnlyMBps} MB/s)`,
    slLine,
  ];
  console.log(lines.join('\n'));
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) void benchEngine({ quick: process.argv.includes('--quick') });

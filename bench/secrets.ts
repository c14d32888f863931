// Benchmark of the secrets detector: MB/s on ≥50 MB of generated source code, prose and JSON
// (with occasional secrets), and the same corpus through secretlint's recommended preset.
// Called by bench/run.ts; runnable alone: node --import tsx bench/secrets.ts
import { performance } from 'node:perf_hooks';
import { secrets } from '../src/core/detect/detectors/secrets.ts';

/** Deterministic PRNG (mulberry32) so every run scans the same bytes. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const AN = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
// Prose and identifiers; the credential words ('token', 'key', 'secret', 'password', 'auth') appear
// through the code templates below, at roughly the rate they do in real source files.
const WORDS = ('the of and to in is that for it as with was on be by this are from at or an which model prompt ' +
  'review config server client request response function return value error string number user session cache ' +
  'build deploy service api auth header body stream buffer index module import export default const async await').split(' ');

function chunkMaker(r: () => number) {
  const pick = <T,>(a: readonly T[]): T => a[Math.floor(r() * a.length)]!;
  const rand = (n: number, alpha = AN): string => {
    let s = '';
    for (let i = 0; i < n; i++) s += alpha[Math.floor(r() * alpha.length)];
    return s;
  };
  const sentence = (): string => {
    const n = 6 + Math.floor(r() * 14);
    const w: string[] = [];
    for (let i = 0; i < n; i++) w.push(pick(WORDS));
    return w.join(' ') + '.';
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

/** ~`mb` megabytes of mixed text, in documents of 4–64 kB (the size of typical prompt segments). */
export function buildCorpus(mb: number, seed = 42): string[] {
  const r = rng(seed);
  const m = chunkMaker(r);
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
    docs.push(Buffer.from(d, "utf8").toString("utf8"));
    total += d.length;
  }
  return docs;
}

function timeDetector(docs: readonly string[]): { seconds: number; hits: number } {
  const ctx = { options: {} };
  let hits = 0;
  // Warm-up (JIT tiers, regex compilation): about 7 MB, then the timed pass over everything.
  for (let i = 0; i < Math.min(docs.length, 200); i++) secrets.detect(docs[i]!, ctx);
  const t0 = performance.now();
  for (const d of docs) hits += secrets.detect(d, ctx).length;
  return { seconds: (performance.now() - t0) / 1000, hits };
}

async function timeSecretlint(docs: readonly string[]): Promise<{ seconds: number; messages: number } | { error: string }> {
  try {
    const { lintSource } = await import('@secretlint/core');
    const { creator } = await import('@secretlint/secretlint-rule-preset-recommend');
    const config = { rules: [{ id: '@secretlint/secretlint-rule-preset-recommend', rule: creator }] };
    let messages = 0;
    const t0 = performance.now();
    for (const d of docs) {
      const res = await lintSource({
        source: { content: d, filePath: '/bench.txt', ext: '.txt', contentType: 'text' },
        options: { config, maskSecrets: true, noPhysicFilePath: true },
      });
      messages += res.messages.length;
    }
    return { seconds: (performance.now() - t0) / 1000, messages };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

export async function benchSecrets(): Promise<Record<string, unknown>> {
  const mb = Number(process.env['AIRLOCK_BENCH_SECRETS_MB'] ?? 50);
  const docs = buildCorpus(mb);
  const bytes = docs.reduce((n, d) => n + Buffer.byteLength(d), 0);
  const ours = timeDetector(docs);
  const oursMBs = bytes / 1e6 / ours.seconds;
  // secretlint runs ~100× slower; time a representative slice (every k-th document) and extrapolate.
  const sliceMB = Number(process.env['AIRLOCK_BENCH_SECRETLINT_MB'] ?? 5);
  const step = Math.max(1, Math.round(bytes / (sliceMB * 1e6)));
  const slice = docs.filter((_, i) => i % step === 0);
  const sliceBytes = slice.reduce((n, d) => n + Buffer.byteLength(d), 0);
  const sl = await timeSecretlint(slice);
  const out: Record<string, unknown> = {
    corpusMB: +(bytes / 1e6).toFixed(1),
    documents: docs.length,
    secretsMBps: +oursMBs.toFixed(1),
    secretsHits: ours.hits,
  };
  if ('error' in sl) {
    out['secretlint'] = `unavailable: ${sl.error}`;
  } else {
    const slMBs = sliceBytes / 1e6 / sl.seconds;
    out['secretlintMBps'] = +slMBs.toFixed(2);
    out['secretlintSliceMB'] = +(sliceBytes / 1e6).toFixed(1);
    out['secretlintMessagesInSlice'] = sl.messages;
    out['ratioVsSecretlint'] = +(oursMBs / slMBs).toFixed(1);
  }
  console.log(`secrets detector: ${out['secretsMBps']} MB/s over ${out['corpusMB']} MB (${docs.length} documents, ${ours.hits} hits)`);
  if (typeof out['secretlintMBps'] === 'number') {
    console.log(
      `secretlint preset-recommend: ${out['secretlintMBps']} MB/s, timed on a ${out['secretlintSliceMB']} MB slice (every ${step}th document) and extrapolated; ratio ${out['ratioVsSecretlint']}×`,
    );
  } else console.log(`secretlint: ${String(out['secretlint'])}`);
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) void benchSecrets();

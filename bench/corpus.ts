// Precision and recall of the inspection engine on the shared labelled corpus of three peer
// scanners' own test cases (../shared/corpora/secrets/cases.jsonl, 678 cases). Negatives are
// scoped to one rule of their source, so this counts any finding on a negative as a false
// positive: a strict figure. Both the secrets detector alone and the whole engine are reported.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { secrets } from '../src/core/detect/detectors/secrets.ts';
import { inspect } from '../src/core/detect/engine.ts';

interface Case {
  id: string;
  source: string;
  label: 'positive' | 'negative';
  text: string;
}

const PATH = fileURLToPath(new URL('../../shared/corpora/secrets/cases.jsonl', import.meta.url));

export async function benchCorpus(): Promise<Record<string, unknown>> {
  if (!existsSync(PATH)) {
    process.stdout.write(`shared corpus not found at ${PATH}: skipped\n`);
    return { skipped: true };
  }
  const cases = readFileSync(PATH, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Case);
  const judge = (found: (t: string) => boolean): Record<string, { tp: number; fn: number; fp: number; tn: number; precision: number; recall: number }> => {
    const out: Record<string, { tp: number; fn: number; fp: number; tn: number; precision: number; recall: number }> = {};
    for (const c of cases) {
      for (const key of [c.source, 'overall']) {
        const s = (out[key] ??= { tp: 0, fn: 0, fp: 0, tn: 0, precision: 0, recall: 0 });
        const hit = found(c.text);
        if (c.label === 'positive') {
          if (hit) s.tp++;
          else s.fn++;
        } else if (hit) s.fp++;
        else s.tn++;
      }
    }
    for (const s of Object.values(out)) {
      s.precision = Math.round((s.tp / Math.max(1, s.tp + s.fp)) * 1000) / 1000;
      s.recall = Math.round((s.tp / Math.max(1, s.tp + s.fn)) * 1000) / 1000;
    }
    return out;
  };
  const result = {
    cases: cases.length,
    secretsDetector: judge((t) => secrets.detect(t, { options: {} }).length > 0),
    wholeEngine: judge((t) => inspect([{ role: 'user', path: [], text: t }]).findings.length > 0),
  };
  const rows = Object.entries(result.secretsDetector).map(([k, v]) => {
    const e = result.wholeEngine[k]!;
    return `| ${k.padEnd(14)} | ${String(v.recall).padStart(6)} | ${String(v.precision).padStart(9)} | ${String(e.recall).padStart(6)} | ${String(e.precision).padStart(9)} |`;
  });
  process.stdout.write(['precision counts any finding on a negative case as false (negatives are scoped to one peer rule)',
    '|                | secrets detector   | whole engine       |', '| source         | recall | precision | recall | precision |', ...rows, ''].join('\n'));
  return result;
}

// Writes docs/detectors.md from the detectors' own metadata (id, description, severity, rules).
// `--check` exits 1 when the file is out of date (test/detect/meta.test.ts runs the same check).
import { readFileSync, writeFileSync } from 'node:fs';
import { detectorDocs } from '../test/detect/detector-docs.ts';

const file = 'docs/detectors.md';
const want = detectorDocs();
if (process.argv.includes('--check')) {
  const ok = readFileSync(file, 'utf8') === want;
  process.stdout.write(ok ? `${file} is up to date\n` : `${file} is out of date: node --import tsx scripts/gen-detector-docs.ts\n`);
  process.exit(ok ? 0 : 1);
}
writeFileSync(file, want);
process.stdout.write(`wrote ${file}\n`);

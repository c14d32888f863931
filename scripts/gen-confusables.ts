// Turns the shipped Unicode confusables.txt into a compact TS module that src/core can import
// without I/O: node --import tsx scripts/gen-confusables.ts [--check]
//
// --check exits 1 when the committed module differs from what the data file produces (CI drift guard;
// test/unicode/confusables-data.test.ts does the same comparison).
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderConfusablesModule } from '../src/core/unicode/confusables-render.ts';
import { parseConfusables } from '../src/core/unicode/confusables-parse.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const dataPath = `${root}src/core/unicode/data/confusables.txt`;
const outPath = `${root}src/core/unicode/confusables-data.ts`;

const parsed = parseConfusables(readFileSync(dataPath, 'utf8'));
if (parsed.total !== null && parsed.total !== parsed.entries.length) {
  throw new Error(`confusables.txt says total ${parsed.total} but ${parsed.entries.length} entries parsed`);
}
const module = renderConfusablesModule(parsed);

if (process.argv.includes('--check')) {
  const current = readFileSync(outPath, 'utf8');
  if (current !== module) {
    console.error('src/core/unicode/confusables-data.ts is stale: run node --import tsx scripts/gen-confusables.ts');
    process.exit(1);
  }
  console.log(`confusables-data.ts is up to date (Unicode ${parsed.version}, ${parsed.entries.length} entries)`);
} else {
  writeFileSync(outPath, module);
  console.log(`wrote ${outPath}: Unicode ${parsed.version}, ${parsed.entries.length} entries, ${module.length} bytes`);
}

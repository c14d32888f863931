// Renders docs/detectors.md from the registry, so the docs cannot drift from the code.
import { DETECTORS } from '../../src/core/detect/registry.ts';
import { BUILTIN_RULES } from '../../src/core/detect/detectors/secrets.ts';

export function detectorDocs(): string {
  const out: string[] = [
    '# Detectors',
    '',
    'Generated from the detectors\' metadata by `node --import tsx scripts/gen-detector-docs.ts`;',
    '`test/detect/meta.test.ts` fails when this file is out of date. Every finding names its',
    '`detector` and `rule` as listed here; previews are always masked.',
    '',
    '| detector | default severity | rules | what it finds |',
    '| --- | --- | ---: | --- |',
    ...DETECTORS.map((d) => `| [\`${d.id}\`](#${d.id}) | ${d.severity} | ${d.rules.length} | ${d.description} |`),
    '',
  ];
  for (const d of DETECTORS) {
    out.push(`## ${d.id}`, '', d.description, '');
    if (d.id === 'secrets') {
      out.push('| rule | severity | keywords | description |', '| --- | --- | --- | --- |');
      for (const r of BUILTIN_RULES) out.push(`| \`${r.id}\` | ${r.severity} | ${r.keywords.map((k) => `\`${k}\``).join(' ')} | ${r.description.replace(/\|/g, '\\|')} |`);
    } else {
      out.push('| rule | description |', '| --- | --- |');
      for (const r of d.rules) out.push(`| \`${r.id}\` | ${r.description} |`);
    }
    out.push('');
  }
  return out.join('\n');
}

import type { Rule } from '../rule.ts';

const mb = (n: number): string => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(n / 1024))} KB`);

export const rule: Rule = {
  meta: {
    id: 'pkg-native-executable',
    category: 'package',
    severity: 'medium',
    title: 'Native executable not analysed',
    explanation:
      'The package ships a compiled program (ELF, Mach-O, PE) or WebAssembly module. This scan reads JavaScript and TypeScript only, ' +
      'so whatever the binary does is not covered by the other findings: a clean report says nothing about it. Review it from its ' +
      'vendor\'s source, or watch what it sends with `airlock probe --native`. High when the package has no code the scan could read. ' +
      'A tool compiled with Bun is not counted here: the JavaScript in it is extracted and scanned (pkg-compiled-js), and only the ' +
      'native libraries embedded beside it are listed.',
  },
  pkg(pkg, files, report) {
    const bins = (pkg.executables ?? []).filter((x) => x.embedded === undefined).sort((a, b) => b.bytes - a.bytes);
    const largest = bins[0];
    if (largest === undefined) return;
    const code = files.some((f) => f.path !== 'package.json' && f.path !== 'binding.gyp');
    const formats = [...new Set(bins.map((x) => x.format))].sort();
    const total = bins.reduce((n, x) => n + x.bytes, 0);
    const what = bins.length === 1 ? `${largest.format === 'ELF' ? 'an' : 'a'} ${largest.format} binary (${mb(largest.bytes)})` : `${bins.length} native binaries (${formats.join(', ')}; ${mb(total)} in all), the largest ${largest.path} (${mb(largest.bytes)}),`;
    // One finding per package: a tool's platform package can hold dozens of libraries.
    report({
      rule: 'pkg-native-executable',
      severity: code ? 'medium' : 'high',
      message: `ships ${what} that this scan cannot read${code ? '' : ', and no code it can: the findings cover nothing the tool runs'}.`,
      file: largest.path,
      excerpt: bins.slice(0, 5).map((x) => `${x.path} (${x.format}, ${mb(x.bytes)})`).join('; '),
      data: { count: bins.length, bytes: total, formats, files: bins.slice(0, 200).map((x) => ({ path: x.path, format: x.format, bytes: x.bytes })) },
    });
  },
};

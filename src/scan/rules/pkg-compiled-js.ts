import type { Rule } from '../rule.ts';

const mb = (n: number): string => `${(n / 1024 / 1024).toFixed(1)} MB`;

export const rule: Rule = {
  meta: {
    id: 'pkg-compiled-js',
    category: 'package',
    severity: 'info',
    title: 'JavaScript compiled into an executable',
    explanation:
      'The package ships its tool as one executable: a JavaScript runtime (Bun) with the tool\'s modules built in. The scan extracted ' +
      'those modules and analysed their code like any other file; findings in it are reported as `<executable>!/<module>`. What the ' +
      'runtime itself does is not covered, and the arguments it was built with apply on every start (a user agent, trusted certificates, ' +
      'a preloaded module): check them against what the vendor documents. Modules stored gzip- or zstd-compressed are unpacked first; ' +
      'one that does not unpack (malformed, or above 64 MB unpacked) is named as not read, never parsed as bytes.',
  },
  pkg(pkg, _files, report) {
    for (const x of pkg.executables ?? []) {
      const e = x.embedded;
      if (e === undefined) continue;
      const args = e.execArgv === '' ? 'none' : e.execArgv;
      const gap = e.unread.length === 0 ? '' : ` ${e.unread.length} compressed code module${e.unread.length === 1 ? ' was' : 's were'} not read (they do not unpack: malformed, or above 64 MB): ${e.unread.slice(0, 5).join(', ')}${e.unread.length > 5 ? ', …' : ''}.`;
      report({
        rule: 'pkg-compiled-js',
        severity: 'info',
        message: `${x.path} is a ${e.runtime}-compiled program: ${e.code} of its ${e.modules} embedded modules are code (${mb(e.codeBytes)}), extracted and scanned as ${x.path}!/…; built-in runtime arguments: ${args}.${gap}`,
        file: x.path,
        excerpt: `${x.path} (${x.format}, ${mb(x.bytes)}): entry ${e.entry ?? 'unknown'}; runtime arguments ${args}`,
        data: { runtime: e.runtime, modules: e.modules, code: e.code, codeBytes: e.codeBytes, entry: e.entry, execArgv: e.execArgv, unread: e.unread },
      });
    }
  },
};

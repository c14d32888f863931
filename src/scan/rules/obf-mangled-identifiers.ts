import type { Rule } from '../rule.ts';

const MANGLED = /^_0x[0-9a-f]{3,}$/i;

export const rule: Rule = {
  meta: {
    id: 'obf-mangled-identifiers',
    category: 'obfuscation',
    severity: 'medium',
    title: '_0x-style mangled identifiers',
    explanation:
      'Many identifiers of the form _0x1a2b3c, the signature of javascript-obfuscator. Minifiers produce short names, not these; ' +
      'the code was obfuscated on purpose.',
  },
  after(a) {
    let count = 0;
    let first = null;
    for (const [name, node] of a.w.names) {
      if (!MANGLED.test(name)) continue;
      count++;
      if (!first || node.start < first.start) first = node;
    }
    if (count < 5 || !first) return;
    a.report(rule, { node: first, message: `uses ${count} _0x-style identifiers (javascript-obfuscator).`, key: 'mangled', data: { count } });
  },
};

import type { Rule } from '../rule.ts';
import type { Node } from '../types.ts';
import { entropy } from '../classify.ts';
import { looksBase64, looksHex } from '../decode.ts';

const WORDISH = /^[A-Za-z][a-z]*(?:[-_ .][A-Za-z][a-z]*)*$/;

export const rule: Rule = {
  meta: {
    id: 'obf-string-table',
    category: 'obfuscation',
    severity: 'medium',
    title: 'High-entropy string table',
    explanation:
      'A large array of encoded-looking strings, the string table obfuscators use to hide every literal in the code (often with a ' +
      'rotation loop and an `_0x` accessor). Minification does not do this; obfuscation hides intent from review.',
  },
  visit: {
    ArrayExpression(s, a) {
      const els: Array<Node | null> = s.node.elements;
      if (els.length < 20) return;
      let strs = 0;
      let encoded = 0;
      let h = 0;
      for (const e of els) {
        if (e?.type !== 'Literal' || typeof e.value !== 'string') continue;
        strs++;
        const v = e.value;
        // Words, Title-Case and kebab-case names ("Accept-Encoding") fit the base64 alphabet too.
        if (v.length >= 4 && !WORDISH.test(v) && (looksBase64(v) || looksHex(v) || /\\x|%[0-9A-F]{2}/.test(v))) encoded++;
        h += entropy(v);
      }
      if (strs < 20 || strs / els.length < 0.9) return;
      const avg = h / strs;
      if (encoded / strs < 0.5 || avg < 3) return;
      // Tables of hashes or ids all share one length and alphabet; obfuscator tables vary.
      const lengths = new Set(els.map((e) => String((e as Node).value).length));
      if (lengths.size < 4) return;
      const mangled = [...a.w.names.keys()].some((k) => /^_0x[0-9a-f]{3,}$/i.test(k));
      a.report(rule, {
        node: s.node,
        severity: mangled ? 'high' : 'medium',
        message: `holds a table of ${strs} encoded-looking strings (mean entropy ${avg.toFixed(1)} bits/char)${mangled ? ' next to _0x-mangled names' : ''}.`,
        data: { count: strs, entropy: Number(avg.toFixed(2)) },
      });
    },
  },
};

// Shared by the dynamic-code rules: is a global (not shadowed) meant, and what does the code
// argument evaluate to.
import type { Analysis } from './analysis.ts';
import type { Node } from './types.ts';
import { lookup, type Scope } from './walk.ts';
import { definitionText } from './hidden.ts';

const DECODING = /\batob\s*\(|fromCharCode|fromCodePoint|\.reverse\s*\(|decodeURIComponent|\bunescape\s*\(|charCodeAt|["'](base64|hex)["']/;

export function isGlobal(n: Node, name: string, scope: Scope): boolean {
  let x = n;
  while (x.type === 'ParenthesizedExpression') x = x.expression;
  if (x.type === 'SequenceExpression') x = x.expressions[x.expressions.length - 1];
  if (x.type === 'Identifier') return x.name === name && !lookup(scope, name);
  if (x.type === 'MemberExpression' && !x.computed && x.property.name === name) {
    return x.object.type === 'Identifier' && ['globalThis', 'window', 'global', 'self'].includes(x.object.name) && !lookup(scope, x.object.name);
  }
  return false;
}

const NETWORK_SOURCE = /\bfetch\s*\(|\.text\s*\(\s*\)|\.json\s*\(\s*\)|\bhttps?\.(get|request)\s*\(|\baxios\b|\bgot\s*\(|XMLHttpRequest|\.responseText|\bundici\b|\.arrayBuffer\s*\(\s*\)/;

/** Whether a code string plausibly comes from the network: its definitions mention a request. */
export function fromNetwork(a: Analysis, n: Node, scope: Scope): boolean {
  const texts: string[] = [a.text.slice(n.start, Math.min(n.end, n.start + 2000))];
  const queue: Node[] = [n];
  let steps = 0;
  while (queue.length > 0 && steps++ < 12) {
    const x = queue.shift() as Node;
    if (x.type === 'Identifier') {
      const d = lookup(scope, x.name);
      for (const src of [d?.init, ...(d?.assigns ?? [])]) {
        if (!src) continue;
        texts.push(a.text.slice(src.start, Math.min(src.end, src.start + 2000)));
        queue.push(src);
      }
    } else if (x.type === 'AwaitExpression' || x.type === 'CallExpression' || x.type === 'MemberExpression') {
      const inner = x.type === 'AwaitExpression' ? x.argument : x.type === 'CallExpression' ? x.callee : x.object;
      if (inner) queue.push(inner);
    }
  }
  return NETWORK_SOURCE.test(texts.join('\n'));
}

/** The code passed to eval/Function when it is a constant, with whether it was decoded. */
export function constantCode(a: Analysis, n: Node, scope: Scope): { code: string; decoded: boolean } | null {
  const v = a.evaluate(n, scope);
  if (typeof v !== 'string') return null;
  const src = definitionText(a, n, scope);
  return { code: v, decoded: DECODING.test(src) && !src.includes(v.slice(0, 40)) };
}

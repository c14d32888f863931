// YAML text → a value validated by a zod schema, with every problem at file:line:column: zod
// issues carry a path into the document, and the yaml package's node ranges plus a LineCounter
// turn that path back into a position in the text. Used by the policy and the gateway config.
import { isMap, isNode, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { maskSecrets } from './detect/mask-secrets.ts';

export type IssuePath = (string | number)[];

export interface YamlIssue {
  level: 'error' | 'warning';
  path: IssuePath;
  message: string;
  line: number;
  col: number;
}

export type Locate = (path: IssuePath, key?: string) => { line: number; col: number };

export type YamlResult<T> = { ok: true; value: T; locate: Locate } | { ok: false; issues: YamlIssue[] };

/** `rules[2].when`; a key that holds a credential (a pasted key under `headers:`) is masked. */
export const formatPath = (p: IssuePath): string =>
  p.reduce<string>((s, k) => (typeof k === 'number' ? `${s}[${k}]` : s === '' ? maskSecrets(k) : `${s}.${maskSecrets(k)}`), '') || '(document)';

/**
 * `file:line:col: level: path: message`, with any credential in the message masked too: messages
 * quote what was found (checks after the schema's too), and go to the terminal and the log.
 */
export const formatIssue = (file: string, i: YamlIssue): string =>
  `${file}:${i.line}:${i.col}: ${i.level}: ${formatPath(i.path)}: ${maskSecrets(i.message)}`;

/** The node at a path, or the deepest existing ancestor, and whether a key was asked for. */
function nodeAt(doc: Document, path: IssuePath, key?: string): Node | null {
  let node: unknown = doc.contents;
  for (const step of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === step);
      if (pair === undefined) break;
      node = pair.value;
    } else if (isSeq(node) && typeof step === 'number') {
      const item = node.items[step];
      if (item === undefined) break;
      node = item;
    } else break;
  }
  if (key !== undefined && isMap(node)) {
    const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === key);
    if (pair !== undefined && isNode(pair.key)) return pair.key;
  }
  return isNode(node) ? node : null;
}

function found(doc: Document, path: IssuePath, text: string): string {
  const n = nodeAt(doc, path);
  if (n === null || n.range === undefined || n.range === null) return 'nothing';
  // Only report the node itself when the path exists all the way down.
  const exact = doc.getIn(path, true);
  if (exact === undefined) return 'nothing';
  // Masked before it is cut short: a key in the wrong place must not reach the error output.
  const src = maskSecrets(text.slice(n.range[0], n.range[1]).trim().replace(/\s+/g, ' '));
  return src === '' ? 'an empty value' : `'${src.length > 60 ? `${src.slice(0, 57)}...` : src}'`;
}

function zodMessage(i: z.core.$ZodIssue, doc: Document, text: string, docsRef: string): { path: IssuePath; key?: string; message: string } {
  const path = i.path.filter((k): k is string | number => typeof k !== 'symbol');
  if (i.code === 'unrecognized_keys') {
    const key = i.keys[0] ?? '';
    // Masked: a credential pasted as a key (`AKIA…:` on a line of its own) is a key too.
    return { path, key, message: `found unknown key '${maskSecrets(key)}'; expected one of the documented keys (see ${docsRef})` };
  }
  const f = found(doc, path, text);
  return { path, message: `found ${f}; ${i.message.replace(/^Invalid (?:input|option): /, '')}` };
}

/**
 * Parses and validates. `prepare` may add defaults to the plain value before validation (paths of
 * issues still point into the text); `docsRef` names where the keys are documented.
 */
export function validateYaml<S extends z.ZodType>(text: string, schema: S, docsRef: string, prepare: (v: unknown) => unknown = (v) => v): YamlResult<z.output<S>> {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const pos = (offset: number): { line: number; col: number } => lc.linePos(offset);
  const issues: YamlIssue[] = [];
  for (const e of doc.errors) {
    const { line, col } = pos(e.pos[0]);
    issues.push({ level: 'error', path: [], message: `invalid YAML: ${maskSecrets(e.message.split('\n')[0] ?? '')}`, line, col });
  }
  if (issues.length > 0) return { ok: false, issues };
  const locate: Locate = (path, key) => pos(nodeAt(doc, path, key)?.range?.[0] ?? 0);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    // An alias to no anchor, or too many aliases: the message quotes the alias (masked).
    return { ok: false, issues: [{ level: 'error', path: [], message: `invalid YAML: ${maskSecrets((e as Error).message.split('\n')[0] ?? '')}`, ...pos(0) }] };
  }
  const r = schema.safeParse(prepare(value ?? {}));
  if (!r.success) {
    for (const i of r.error.issues) {
      const m = zodMessage(i, doc, text, docsRef);
      issues.push({ level: 'error', path: m.path, message: m.message, ...locate(m.path, m.key) });
    }
    return { ok: false, issues };
  }
  return { ok: true, value: r.data, locate };
}

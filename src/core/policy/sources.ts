// Where a tool result came from, for block reasons: a tool result is linked to the tool call that
// produced it (Anthropic tool_use_id, OpenAI tool_call_id / call_id), and the call's input names
// the file (file_path, path, ...) or the tool. Only names are read, never content.
import { renderPath } from '../exchange/path.ts';
import type { Dialect, PathStep } from '../types.ts';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const FILE_KEYS = ['file_path', 'path', 'filePath', 'notebook_path', 'filename', 'file'];

function labelOf(tool: string | undefined, input: unknown): string | null {
  let args = input;
  if (typeof args === 'string') {
    try {
      args = JSON.parse(args);
    } catch {
      args = null;
    }
  }
  if (isObj(args)) {
    for (const k of FILE_KEYS) {
      const v = args[k];
      if (typeof v === 'string' && v !== '') return v.split(/[\\/]/).filter(Boolean).pop() ?? v;
    }
  }
  return tool === undefined ? null : `${tool} output`;
}

/** Tool-call id → label, and tool-result path prefix → call id, for one request body. */
export function toolResultSources(dialect: Dialect, body: Obj): (segmentPath: string) => string | null {
  const calls = new Map<string, string | null>();
  const results = new Map<string, string>(); // rendered path prefix -> call id
  const add = (path: PathStep[], id: unknown): void => {
    if (typeof id === 'string') results.set(renderPath(path), id);
  };
  if (dialect === 'openai-responses') {
    const input = Array.isArray(body['input']) ? body['input'] : [];
    input.forEach((item: unknown, i) => {
      if (!isObj(item)) return;
      if (typeof item['call_id'] !== 'string') return;
      if (String(item['type'] ?? '').endsWith('_output')) add(['input', i], item['call_id']);
      else calls.set(item['call_id'], labelOf(typeof item['name'] === 'string' ? item['name'] : undefined, item['arguments'] ?? item['input']));
    });
  } else {
    const msgs = Array.isArray(body['messages']) ? body['messages'] : [];
    msgs.forEach((m: unknown, i) => {
      if (!isObj(m)) return;
      if (dialect === 'openai-chat') {
        if (m['role'] === 'tool') add(['messages', i], m['tool_call_id']);
        for (const tc of Array.isArray(m['tool_calls']) ? m['tool_calls'] : []) {
          if (!isObj(tc) || typeof tc['id'] !== 'string') continue;
          const fn = isObj(tc['function']) ? tc['function'] : {};
          calls.set(tc['id'], labelOf(typeof fn['name'] === 'string' ? fn['name'] : undefined, fn['arguments']));
        }
        return;
      }
      const content = Array.isArray(m['content']) ? m['content'] : [];
      content.forEach((b: unknown, j) => {
        if (!isObj(b)) return;
        if (b['type'] === 'tool_use' && typeof b['id'] === 'string') calls.set(b['id'], labelOf(typeof b['name'] === 'string' ? b['name'] : undefined, b['input']));
        if (b['type'] === 'tool_result') add(['messages', i, 'content', j], b['tool_use_id']);
      });
    });
  }
  return (segmentPath) => {
    for (const [prefix, id] of results) {
      if (segmentPath === prefix || segmentPath.startsWith(`${prefix}.`) || segmentPath.startsWith(`${prefix}[`)) return calls.get(id) ?? null;
    }
    return null;
  };
}

// Where a tool result came from, for block reasons: a tool result is linked to the tool call that
// produced it (Anthropic tool_use_id, OpenAI tool_call_id / call_id), and the call's input names
// the file (file_path, path, ...) or the tool. Only names are read, never content. Asked for the
// deciding rule's findings only, so each question reads the one result its path names and looks
// for the call from the end of the conversation backwards (the call usually just precedes it),
// instead of mapping every call and result of a long conversation first.
import type { Dialect } from '../types.ts';

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

/** The rendered path of a tool result's element, by dialect: its indices, and the rest. */
const RESULT_AT: Record<Dialect, RegExp> = {
  anthropic: /^messages\[(0|[1-9]\d*)\]\.content\[(0|[1-9]\d*)\](?:$|[.[])/,
  'openai-chat': /^messages\[(0|[1-9]\d*)\](?:$|[.[])/,
  'openai-responses': /^input\[(0|[1-9]\d*)\](?:$|[.[])/,
};

const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** The call id of the tool result a segment path lies in, or null. */
function resultId(dialect: Dialect, body: Obj, segmentPath: string): string | null {
  const m = RESULT_AT[dialect].exec(segmentPath);
  if (m === null) return null;
  if (dialect === 'openai-responses') {
    const item = list(body['input'])[Number(m[1])];
    return isObj(item) && typeof item['call_id'] === 'string' && String(item['type'] ?? '').endsWith('_output') ? item['call_id'] : null;
  }
  const msg = list(body['messages'])[Number(m[1])];
  if (!isObj(msg)) return null;
  if (dialect === 'openai-chat') return msg['role'] === 'tool' && typeof msg['tool_call_id'] === 'string' ? msg['tool_call_id'] : null;
  const b = list(msg['content'])[Number(m[2])];
  return isObj(b) && b['type'] === 'tool_result' && typeof b['tool_use_id'] === 'string' ? b['tool_use_id'] : null;
}

/** The label of the last call with this id (a repeated id: the last one, in body order), or null. */
function callLabel(dialect: Dialect, body: Obj, id: string): string | null {
  if (dialect === 'openai-responses') {
    const input = list(body['input']);
    for (let i = input.length - 1; i >= 0; i--) {
      const item = input[i];
      if (!isObj(item) || item['call_id'] !== id || String(item['type'] ?? '').endsWith('_output')) continue;
      return labelOf(typeof item['name'] === 'string' ? item['name'] : undefined, item['arguments'] ?? item['input']);
    }
    return null;
  }
  const msgs = list(body['messages']);
  for (let i = msgs.length - 1; i >= 0; i--) {
    const m = msgs[i];
    if (!isObj(m)) continue;
    const blocks = list(dialect === 'openai-chat' ? m['tool_calls'] : m['content']);
    for (let j = blocks.length - 1; j >= 0; j--) {
      const b = blocks[j];
      if (!isObj(b) || b['id'] !== id) continue;
      if (dialect === 'openai-chat') {
        const fn = isObj(b['function']) ? b['function'] : {};
        return labelOf(typeof fn['name'] === 'string' ? fn['name'] : undefined, fn['arguments']);
      }
      if (b['type'] === 'tool_use') return labelOf(typeof b['name'] === 'string' ? b['name'] : undefined, b['input']);
    }
  }
  return null;
}

/** Segment path → the file or tool a tool result came from (null: not in a tool result, or no call found). */
export function toolResultSources(dialect: Dialect, body: Obj): (segmentPath: string) => string | null {
  return (segmentPath) => {
    const id = resultId(dialect, body, segmentPath);
    return id === null ? null : callLabel(dialect, body, id);
  };
}

// Turns a parsed request or response body into ordered text segments. Completeness by
// construction: the whole tree is walked and every string becomes a segment unless it is
// structural (a type tag, an id, the model name) or binary media (counted, not read).
// Dialect knowledge only decides the role of each string.
import type { Dialect, PathStep, Segment, SegmentRole } from '../types.ts';
import { isAscii } from '../unicode/ascii-runs.ts';

/** Object keys whose string values are protocol structure, not content. */
const STRUCTURAL = new Set([
  'type', 'role', 'model', 'id', 'tool_use_id', 'tool_call_id', 'call_id', 'item_id', 'response_id', 'previous_response_id',
  'media_type', 'signature', 'encrypted_content', 'object', 'status', 'finish_reason', 'stop_reason',
  'service_tier', 'reasoning_effort', 'effort', 'tool_choice', 'detail', 'format', 'mime_type', 'file_id',
  'system_fingerprint', 'stop_sequence', 'cache_control', 'ttl', 'truncation', 'include', 'voice', 'modalities',
]);

/** Block/item types that carry media; their payload is counted, not read. */
const MEDIA_TYPES = new Set(['image', 'document', 'image_url', 'input_image', 'input_audio', 'input_file', 'file', 'audio', 'redacted_thinking']);

/** Block/item types that change the role of everything inside them. */
const TYPE_ROLE: Record<string, SegmentRole> = {
  tool_use: 'tool_call',
  server_tool_use: 'tool_call',
  function_call: 'tool_call',
  custom_tool_call: 'tool_call',
  local_shell_call: 'tool_call',
  computer_call: 'tool_call',
  mcp_call: 'tool_call',
  tool_result: 'tool_result',
  web_search_tool_result: 'tool_result',
  function_call_output: 'tool_result',
  custom_tool_call_output: 'tool_result',
  local_shell_call_output: 'tool_result',
  computer_call_output: 'tool_result',
  mcp_list_tools: 'tool_result',
  thinking: 'reasoning',
  reasoning: 'reasoning',
  // Codex CLI's shorter Responses shape sends its tools as an input item instead of `tools`.
  additional_tools: 'tool_definition',
};

const MESSAGE_ROLE: Record<string, SegmentRole> = {
  system: 'system',
  developer: 'system',
  user: 'user',
  assistant: 'assistant',
  tool: 'tool_result',
  function: 'tool_result',
};

export interface WalkResult {
  segments: Segment[];
  media: number; // images, documents, audio and files seen (not read)
}

interface State {
  segments: Segment[];
  media: number;
  fix: ((s: string) => string) | undefined;
}

// Strings decoded as Latin-1 by a fast path (see gateway/body.ts) hold UTF-8 bytes as U+0080..U+00FF.
// isAscii first: on long strings it is a copy (~14 GB/s) where the class search runs at ~1.5 GB/s
// (the Claude Code fixture: ~60 → ~15 µs per request).
const LATIN1_HIGH = /[\u0080-\u00ff]/;
const fixed = (st: State, s: string): string => (st.fix !== undefined && !shortAscii(s) && !isAscii(s) && LATIN1_HIGH.test(s) ? st.fix(s) : s);

/** Short strings (most keys and values) are checked by a loop: a regex call costs more than it. */
function shortAscii(s: string): boolean {
  const n = s.length;
  if (n > 32) return false;
  for (let i = 0; i < n; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

// Object keys from JSON.parse are internalized strings (their hash is cached), so a set of keys
// known to be ASCII answers in one lookup: a request has thousands of keys and few distinct ones.
const ASCII_KEYS = new Set<string>();
function fixedKey(st: State, key: string): string {
  if (ASCII_KEYS.has(key)) return key;
  const f = fixed(st, key);
  // Unchanged means no byte to repair (a repaired string is always shorter): ASCII.
  if (f === key) {
    if (ASCII_KEYS.size >= 10_000) ASCII_KEYS.clear(); // bounded: schemas with generated names
    ASCII_KEYS.add(key);
  }
  return f;
}

// `path` is one shared stack, pushed and popped on the way down; a segment takes a copy. (A fresh
// array per node made the walk allocation-bound on large bodies.)
function walk(value: unknown, path: PathStep[], role: SegmentRole, keysAreText: boolean, st: State): void {
  if (typeof value === 'string') {
    if (value !== '') st.segments.push({ role, path: path.slice(), text: fixed(st, value) });
    return;
  }
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      path.push(i);
      walk(value[i], path, role, keysAreText, st);
      path.pop();
    }
    return;
  }
  const obj = value as Record<string, unknown>;
  const t = typeof obj['type'] === 'string' ? (obj['type'] as string) : undefined;
  if (t !== undefined && MEDIA_TYPES.has(t)) {
    st.media++;
    return;
  }
  let r = role;
  const byType = t !== undefined ? TYPE_ROLE[t] : undefined;
  const byRole = typeof obj['role'] === 'string' ? MESSAGE_ROLE[obj['role']] : undefined;
  if (byType !== undefined) r = byType;
  else if (byRole !== undefined) r = byRole;
  for (const key of Object.keys(obj)) {
    const child = obj[key];
    if (!keysAreText && typeof child === 'string' && STRUCTURAL.has(key)) continue;
    const k = st.fix === undefined ? key : fixedKey(st, key);
    path.push(k);
    if (keysAreText) st.segments.push({ role: r, path: path.slice(), text: k, isKey: true });
    // JSON schemas and tool inputs are free-form: their keys are text the provider reads.
    const cr = key === 'tool_calls' || key === 'function_call' ? 'tool_call' : r;
    const freeForm = keysAreText || key === 'input_schema' || key === 'parameters' || key === 'input' && r === 'tool_call' || key === 'arguments' && typeof child === 'object';
    walk(child, path, cr, freeForm && typeof child === 'object' && child !== null && !Array.isArray(child) ? true : keysAreText, st);
    path.pop();
  }
}

/** Top-level fields and the role their content starts with, per dialect. */
const TOP_ROLE: Record<Dialect, Record<string, SegmentRole>> = {
  anthropic: { system: 'system', messages: 'user', tools: 'tool_definition', content: 'assistant' },
  'openai-chat': { messages: 'user', tools: 'tool_definition', functions: 'tool_definition', choices: 'assistant' },
  'openai-responses': { instructions: 'system', input: 'user', tools: 'tool_definition', output: 'assistant' },
};

/**
 * Segments of a request or response body (already parsed) in one dialect. `fix` repairs strings
 * of a body that was parsed from a Latin-1 view of UTF-8 bytes (texts and path keys alike, so
 * that paths match the properly decoded raw text that redaction patches).
 */
export function segmentBody(dialect: Dialect, body: unknown, fix?: (s: string) => string): WalkResult {
  const st: State = { segments: [], media: 0, fix };
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return st;
  for (const key of Object.keys(body)) {
    const child = (body as Record<string, unknown>)[key];
    if (typeof child === 'string' && STRUCTURAL.has(key)) continue;
    walk(child, [fix === undefined ? key : fixedKey(st, key)], topRole(dialect, key), false, st); // a fresh stack per top-level field
  }
  return st;
}

/** The role a top-level field's content starts with. */
export const topRole = (dialect: Dialect, key: string): SegmentRole => TOP_ROLE[dialect][key] ?? 'metadata';

/** Whether a top-level field holding a string is protocol structure (not segmented). */
export const structuralKey = (key: string): boolean => STRUCTURAL.has(key);

/**
 * Segments of one top-level field's value, or of one element of it (`path` [field, index]), as
 * segmentBody would make them there: the same walk, started below the top.
 */
export function segmentPart(dialect: Dialect, value: unknown, path: PathStep[], fix?: (s: string) => string): WalkResult {
  const st: State = { segments: [], media: 0, fix };
  const field = path[0] as string;
  walk(value, fix === undefined ? path : [fixedKey(st, field), ...path.slice(1)], topRole(dialect, field), false, st);
  return st;
}

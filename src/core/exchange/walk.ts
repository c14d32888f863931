// Turns a parsed request or response body into ordered text segments. Completeness by
// construction: the whole tree is walked and every string becomes a segment (the model name,
// ids and protocol tags included: a client can put anything anywhere, and a provider logs what it
// refuses), except opaque blobs the provider signed and verifies, and binary media (counted, not
// read). Object keys are segments too wherever they are not the API's own field names: in tool
// schemas and inputs, in free-form maps such as `metadata`, and any key the APIs do not define.
// Dialect knowledge only decides the role of each string.
import type { Dialect, PathStep, Segment, SegmentRole } from '../types.ts';
import { isAscii } from '../unicode/ascii-runs.ts';

/** Values that are opaque, provider-signed blobs (a changed one is refused): not text. */
const OPAQUE = new Set(['signature', 'encrypted_content']);

/** Keys whose string values are protocol (tags, ids, the model): segments marked `structural`. */
const STRUCTURAL = new Set([
  'type', 'role', 'model', 'id', 'tool_use_id', 'tool_call_id', 'call_id', 'item_id', 'response_id', 'previous_response_id',
  'media_type', 'object', 'status', 'finish_reason', 'stop_reason', 'service_tier', 'reasoning_effort', 'effort', 'tool_choice', 'detail',
  'format', 'mime_type', 'file_id', 'system_fingerprint', 'stop_sequence', 'cache_control', 'ttl', 'truncation', 'include', 'voice', 'modalities',
]);

/**
 * The field names of the three APIs (requests, responses and stream events): a key among them is
 * protocol, any other key is text the provider receives. A name missing here costs one small
 * segment, never a finding missed.
 */
const PROTOCOL_KEYS = new Set([
  // Anthropic Messages
  'model', 'messages', 'system', 'max_tokens', 'metadata', 'stop_sequences', 'stream', 'temperature', 'top_k', 'top_p', 'tools',
  'tool_choice', 'thinking', 'budget_tokens', 'type', 'role', 'content', 'text', 'source', 'media_type', 'data', 'url', 'file_id', 'id',
  'name', 'input', 'tool_use_id', 'is_error', 'cache_control', 'ttl', 'citations', 'title', 'context', 'signature', 'container',
  'mcp_servers', 'service_tier', 'context_management', 'edits', 'keep', 'trigger', 'clear_at_least', 'clear_tool_inputs', 'exclude_tools',
  'output_config', 'effort', 'format', 'schema', 'disable_parallel_tool_use', 'input_schema', 'description', 'max_uses', 'allowed_domains',
  'blocked_domains', 'user_location', 'city', 'region', 'country', 'timezone', 'display_width_px', 'display_height_px', 'display_number',
  'user_id', 'anthropic_version', 'anthropic_beta', 'enabled', 'cited_text', 'document_index', 'document_title', 'start_char_index',
  'end_char_index', 'start_page_number', 'end_page_number', 'start_block_index', 'end_block_index', 'encrypted_index', 'page_age',
  'search_result_index', 'tool_use', 'server_name', 'authorization_token', 'tool_configuration', 'allowed_tools', 'inference_geo',
  'stop_reason', 'stop_sequence', 'usage', 'input_tokens', 'output_tokens', 'cache_creation_input_tokens', 'cache_read_input_tokens',
  'cache_creation', 'ephemeral_5m_input_tokens', 'ephemeral_1h_input_tokens', 'server_tool_use', 'web_search_requests', 'web_fetch_requests',
  'index', 'delta', 'partial_json', 'message', 'content_block', 'error', 'strict', 'defer_loading', 'input_examples', 'retrieved_at',
  // OpenAI Chat Completions
  'tool_calls', 'function', 'arguments', 'tool_call_id', 'frequency_penalty', 'logit_bias', 'logprobs', 'top_logprobs', 'max_completion_tokens',
  'n', 'presence_penalty', 'response_format', 'json_schema', 'seed', 'stop', 'stream_options', 'include_usage', 'parameters',
  'parallel_tool_calls', 'user', 'reasoning_effort', 'store', 'modalities', 'audio', 'voice', 'prediction', 'web_search_options',
  'search_context_size', 'image_url', 'detail', 'input_audio', 'file', 'file_data', 'filename', 'refusal', 'prompt_cache_key',
  'safety_identifier', 'verbosity', 'function_call', 'functions', 'object', 'created', 'choices', 'finish_reason', 'prompt_tokens',
  'completion_tokens', 'total_tokens', 'prompt_tokens_details', 'completion_tokens_details', 'cached_tokens', 'reasoning_tokens',
  'system_fingerprint', 'annotations', 'url_citation', 'start_index', 'end_index', 'custom', 'grammar', 'definition', 'syntax',
  'reasoning_content', 'chat_template_kwargs', 'enable_thinking', 'extra_body', 'top_a', 'min_p', 'repetition_penalty', 'vl_high_resolution_images',
  // OpenAI Responses
  'instructions', 'previous_response_id', 'reasoning', 'summary', 'include', 'max_output_tokens', 'max_tool_calls', 'truncation', 'background',
  'conversation', 'prompt', 'version', 'call_id', 'output', 'status', 'encrypted_content', 'action', 'command', 'working_directory',
  'timeout_ms', 'queries', 'results', 'server_label', 'server_url', 'server_description', 'require_approval', 'approval_request_id',
  'approve', 'reason', 'item_id', 'output_index', 'content_index', 'sequence_number', 'response', 'response_id', 'item', 'part',
  'output_text', 'incomplete_details', 'input_tokens_details', 'output_tokens_details', 'top_logprobs', 'logprob', 'bytes', 'token',
  'operation', 'path', 'diff', 'environment', 'mime_type', 'container_id', 'outputs', 'logs', 'code', 'pending_safety_checks',
  'acknowledged_safety_checks', 'filters', 'ranking_options', 'vector_store_ids', 'max_num_results', 'file_ids', 'x', 'y', 'button',
  'keys', 'scroll_x', 'scroll_y', 'client_metadata', 'thread_id', 'turn_id', 'root_turn_id', 'session_id', 'scope',
]);

/**
 * Fields whose value is a map of the client's own keys to values (metadata, environment variables,
 * prompt variables, MCP request headers): its keys are text, like the keys of tool inputs.
 */
const FREE_FORM_MAPS = new Set(['metadata', 'client_metadata', 'env', 'variables', 'headers', 'logit_bias']);

/** Block/item types that carry media; their payload is counted, not read. */
const MEDIA_TYPES = new Set(['image', 'document', 'image_url', 'input_image', 'input_audio', 'input_file', 'file', 'audio', 'redacted_thinking']);

/** Document sources whose payload is text the provider reads (Anthropic plain-text and content documents). */
const TEXT_SOURCES = new Set(['text', 'content']);

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
    // A document's title and context are text, and so is its source when it is plain text or
    // content blocks (not base64, a URL or a file id).
    if (t !== 'document') return;
    const src = obj['source'];
    const textSource = src !== null && typeof src === 'object' && !Array.isArray(src) && TEXT_SOURCES.has(String((src as Record<string, unknown>)['type']));
    for (const key of ['title', 'context', ...(textSource ? ['source'] : [])]) {
      if (obj[key] === undefined) continue;
      path.push(key);
      walk(obj[key], path, role, keysAreText, st);
      path.pop();
    }
    return;
  }
  let r = role;
  const byType = t !== undefined ? TYPE_ROLE[t] : undefined;
  const byRole = typeof obj['role'] === 'string' ? MESSAGE_ROLE[obj['role']] : undefined;
  if (byType !== undefined) r = byType;
  else if (byRole !== undefined) r = byRole;
  for (const key of Object.keys(obj)) {
    const child = obj[key];
    if (!keysAreText && typeof child === 'string' && (OPAQUE.has(key) || STRUCTURAL.has(key))) {
      if (child !== '' && !OPAQUE.has(key)) st.segments.push({ role: r, path: [...path, st.fix === undefined ? key : fixedKey(st, key)], text: fixed(st, child), structural: true });
      continue;
    }
    const k = st.fix === undefined ? key : fixedKey(st, key);
    path.push(k);
    if (keysAreText) st.segments.push({ role: r, path: path.slice(), text: k, isKey: true });
    else if (!PROTOCOL_KEYS.has(key)) st.segments.push({ role: r, path: path.slice(), text: k, isKey: true, structural: true });
    // JSON schemas, tool inputs and maps of the client's own keys are free-form: their keys are
    // text the provider reads.
    const cr = key === 'tool_calls' || key === 'function_call' ? 'tool_call' : r;
    const freeForm = keysAreText || key === 'input_schema' || key === 'parameters' || FREE_FORM_MAPS.has(key) || key === 'input' && r === 'tool_call' || key === 'arguments' && typeof child === 'object';
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
    if (typeof child === 'string' && OPAQUE.has(key)) continue;
    const k = fix === undefined ? key : fixedKey(st, key);
    if (!PROTOCOL_KEYS.has(key)) st.segments.push({ role: 'metadata', path: [k], text: k, isKey: true, structural: true });
    if (typeof child === 'string' && STRUCTURAL.has(key)) {
      if (child !== '') st.segments.push({ role: topRole(dialect, key), path: [k], text: fixed(st, child), structural: true });
      continue;
    }
    walk(child, [k], topRole(dialect, key), FREE_FORM_MAPS.has(key) && isMap(child), st); // a fresh stack per top-level field
  }
  return st;
}

const isMap = (v: unknown): boolean => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The role a top-level field's content starts with. */
export const topRole = (dialect: Dialect, key: string): SegmentRole => TOP_ROLE[dialect][key] ?? 'metadata';

/** Whether a top-level field holding a string is an opaque blob (not segmented). */
export const opaqueKey = (key: string): boolean => OPAQUE.has(key);

/** Whether a top-level key is one of the APIs' field names (else it is a segment of its own). */
export const protocolKey = (key: string): boolean => PROTOCOL_KEYS.has(key);

/**
 * Segments of one top-level field's value, or of one element of it (`path` [field, index]), as
 * segmentBody would make them there: the same walk, started below the top.
 */
export function segmentPart(dialect: Dialect, value: unknown, path: PathStep[], fix?: (s: string) => string): WalkResult {
  const st: State = { segments: [], media: 0, fix };
  const field = path[0] as string;
  const k = fix === undefined ? field : fixedKey(st, field);
  const whole = path.length === 1;
  if (whole && !PROTOCOL_KEYS.has(field)) st.segments.push({ role: 'metadata', path: [k], text: k, isKey: true, structural: true });
  if (whole && typeof value === 'string' && STRUCTURAL.has(field)) {
    if (value !== '') st.segments.push({ role: topRole(dialect, field), path: [k], text: fixed(st, value), structural: true });
    return st;
  }
  walk(value, fix === undefined ? path : [k, ...path.slice(1)], topRole(dialect, field), whole && FREE_FORM_MAPS.has(field) && isMap(value), st);
  return st;
}

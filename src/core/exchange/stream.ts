// Assembles a streamed response from its SSE events, incrementally, so that the output can be
// inspected when the stream ends without holding up any chunk. Also reads token usage.
//
// The segments are those segmentBody gives for the same content in a non-streamed response (same
// roles, same paths): deltas are concatenated at the path their text has in the complete body, and
// the complete objects a stream carries (an Anthropic content block, a Responses output item or
// content part, the final response's output) are walked with segmentPart. A complete text equal
// to what the deltas assembled at its path is not kept twice; one that differs is kept beside them,
// since a client may use either (Codex runs the tool call of `response.output_item.done`).
import type { Dialect, PathStep, Segment, SegmentRole, Usage } from '../types.ts';
import { segmentPart } from './walk.ts';

/**
 * Default bound (UTF-16 code units) on the text one stream holds for inspection, and on one line or
 * event of it: past it the rest is relayed but not assembled (`truncated`), as a non-streamed body
 * over the gateway's tee limit is not parsed.
 */
export const MAX_STREAM_CHARS = 16 * 1024 * 1024;
/** Charged per part on top of its text: a stream of one-character parts at ever new indices stays bounded too. */
const PART_COST = 64;
/** An upstream error's message is cut to this: the record needs the reason, not whatever text came with it. */
const MAX_ERROR_MESSAGE = 200;

/** An error the upstream sent inside a stream it had answered with 200: its type and a short message. */
export interface StreamError {
  type: string;
  message?: string;
}

/** An Anthropic content block being streamed: its start with the deltas applied so far. */
interface Block {
  block: Record<string, unknown>;
  /** input_json_delta pieces: parsed (or kept as text) when the block ends. */
  json: string;
  /** Citations seen (from the start and citations_delta), the index of the next one. */
  citations: number;
  /** Characters charged to the bound for this block's text. */
  held: number;
}

type Rec = Record<string, unknown>;
const obj = (v: unknown): Rec | null => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Rec) : null);
const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);
const keyOf = (path: readonly PathStep[], isKey?: boolean): string => (isKey === true ? 'k' : 'v') + JSON.stringify(path);

/**
 * Responses API events that stream one text field of an output item: `<name>.delta` carries a piece
 * of it, `<name>.done` the whole (`field`). `path` is where the field is in the response body, from
 * the event's output_index (o), content_index (c) and summary_index (s).
 */
const RESPONSES_TEXT: Record<string, { field: string; role: SegmentRole; path: (o: number, c: number, s: number) => PathStep[] }> = {
  'response.output_text': { field: 'text', role: 'assistant', path: (o, c) => ['output', o, 'content', c, 'text'] },
  'response.refusal': { field: 'refusal', role: 'assistant', path: (o, c) => ['output', o, 'content', c, 'refusal'] },
  'response.reasoning_text': { field: 'text', role: 'reasoning', path: (o, c) => ['output', o, 'content', c, 'text'] },
  'response.reasoning_summary_text': { field: 'text', role: 'reasoning', path: (o, _c, s) => ['output', o, 'summary', s, 'text'] },
  'response.function_call_arguments': { field: 'arguments', role: 'tool_call', path: (o) => ['output', o, 'arguments'] },
  'response.mcp_call_arguments': { field: 'arguments', role: 'tool_call', path: (o) => ['output', o, 'arguments'] },
  'response.custom_tool_call_input': { field: 'input', role: 'tool_call', path: (o) => ['output', o, 'input'] },
  'response.code_interpreter_call_code': { field: 'code', role: 'assistant', path: (o) => ['output', o, 'code'] },
};

export class StreamAssembler {
  readonly usage: Usage = { inputTokens: null, outputTokens: null };
  /** Set (first one only) when the upstream sent an error inside the stream. */
  upstreamError: StreamError | null = null;
  /** Set when part of the stream was not assembled: over the bound, or a line or event longer than it. */
  truncated = false;
  /** Texts growing by deltas, by path. */
  private readonly parts = new Map<string, Segment>();
  /** Complete texts (from whole objects), by path. */
  private readonly wholes = new Map<string, Segment[]>();
  private readonly blocks = new Map<number, Block>();
  /** Characters held for inspection (parts, wholes, open blocks), against `max`. */
  private held = 0;
  /** The unfinished line: appended to as chunks come (V8 concatenates lazily), read once when it ends. */
  private line = '';
  /** The unfinished line outgrew the bound: dropped up to its end. */
  private skipLine = false;
  private data: string[] = [];
  private dataLength = 0;
  /** The current event lost a line to the bound: not parsed. */
  private dropEvent = false;

  constructor(
    private readonly dialect: Dialect,
    private readonly max = MAX_STREAM_CHARS,
  ) {}

  /** Feed raw SSE text as it arrives (any chunking). */
  push(chunk: string): void {
    // Only the new text is searched for line ends: the unfinished line is never scanned again
    // (searching it from its start on every chunk made one long line quadratic).
    let from = 0;
    let nl: number;
    while ((nl = chunk.indexOf('\n', from)) >= 0) {
      const line = this.line + chunk.slice(from, nl);
      from = nl + 1;
      this.line = '';
      if (this.skipLine) this.skipLine = false;
      else this.onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
    }
    if (from === chunk.length || this.skipLine) return;
    if (this.line.length + chunk.length - from > this.max) {
      this.line = '';
      this.skipLine = true;
      this.dropEvent = true;
      this.truncated = true;
    } else this.line += from === 0 ? chunk : chunk.slice(from);
  }

  end(): void {
    if (this.line !== '' || this.skipLine) this.push('\n');
    this.dispatch();
    for (const [i, b] of this.blocks) this.closeBlock(i, b); // a stream cut inside a block
  }

  segments(): Segment[] {
    const out: Segment[] = [...this.parts.values()];
    for (const [key, list] of this.wholes) {
      const grown = this.parts.get(key)?.text;
      for (const w of list) if (w.text !== grown) out.push(w);
    }
    return out;
  }

  private onLine(line: string): void {
    if (line === '') {
      this.dispatch();
      return;
    }
    if (!line.startsWith('data:')) return;
    const d = line.slice(line.charCodeAt(5) === 32 ? 6 : 5);
    this.dataLength += d.length + 1;
    if (this.dataLength > this.max) {
      this.data = [];
      this.dropEvent = true;
      this.truncated = true;
    } else if (!this.dropEvent) this.data.push(d);
  }

  private dispatch(): void {
    const data = this.data;
    const drop = this.dropEvent;
    this.data = [];
    this.dataLength = 0;
    this.dropEvent = false;
    if (data.length === 0 || drop) return;
    const payload = data.join('\n');
    if (payload === '[DONE]') return;
    let ev: Rec | null;
    try {
      ev = obj(JSON.parse(payload));
    } catch {
      return; // not JSON: nothing to learn, the bytes were relayed anyway
    }
    if (ev === null) return;
    if (this.dialect === 'anthropic') this.anthropic(ev);
    else if (this.dialect === 'openai-chat') this.chat(ev);
    else this.responses(ev);
  }

  /** `text`, or as much of it as the bound leaves room for (then the output is marked truncated). */
  private fit(text: string, isNew: boolean): string {
    const cost = text.length + (isNew ? PART_COST : 0);
    if (this.held + cost <= this.max) {
      this.held += cost;
      return text;
    }
    this.truncated = true;
    const room = this.max - this.held - (isNew ? PART_COST : 0);
    if (room <= 0) return '';
    this.held = this.max;
    return text.slice(0, room);
  }

  /** Appends a delta to the text at `path`. */
  private grow(path: PathStep[], role: SegmentRole, text: unknown): void {
    if (typeof text !== 'string' || text === '') return;
    const key = keyOf(path);
    const p = this.parts.get(key);
    const t = this.fit(text, p === undefined);
    if (t === '') return;
    if (p !== undefined) p.text += t;
    else this.parts.set(key, { role, path, text: t });
  }

  /** Keeps a complete text, unless the same text is already held at its path. */
  private whole(s: Segment): void {
    const key = keyOf(s.path, s.isKey);
    if (this.parts.get(key)?.text === s.text) return;
    const list = this.wholes.get(key);
    if (list?.some((w) => w.text === s.text)) return;
    const text = this.fit(s.text, true);
    if (text === '') return;
    const w = text === s.text ? s : { ...s, text };
    if (list === undefined) this.wholes.set(key, [w]);
    else list.push(w);
  }

  /** The segments segmentBody would make of `value` at `path` of the response body, kept whole. */
  private walk(value: unknown, path: PathStep[], role?: SegmentRole): void {
    for (const s of segmentPart(this.dialect, value, path).segments) this.whole(role === undefined ? s : { ...s, role });
  }

  private fail(type: unknown, message: unknown): void {
    if (this.upstreamError !== null) return; // the first error is the cause
    this.upstreamError = { type: typeof type === 'string' && type !== '' ? type.slice(0, 100) : 'error' };
    if (typeof message === 'string') this.upstreamError.message = message.slice(0, MAX_ERROR_MESSAGE);
  }

  private anthropic(ev: Rec): void {
    const type = ev['type'];
    if (type === 'message_start') {
      const m = obj(ev['message']);
      const u = obj(m?.['usage']);
      if (u !== null) this.setUsage(u['input_tokens'], u['output_tokens'], u['cache_read_input_tokens'], u['cache_creation_input_tokens']);
      if (Array.isArray(m?.['content'])) this.walk(m['content'], ['content']);
    } else if (type === 'message_delta') {
      const u = obj(ev['usage']);
      if (u !== null) this.setUsage(u['input_tokens'], u['output_tokens'], u['cache_read_input_tokens'], u['cache_creation_input_tokens']);
    } else if (type === 'content_block_start') {
      const i = num(ev['index']);
      const b = obj(ev['content_block']);
      if (i === null || b === null) return;
      const open = this.blocks.get(i);
      if (open !== undefined) this.closeBlock(i, open);
      // What the start itself carries (a tool_use may come with its whole input and no deltas).
      this.walk(b, ['content', i]);
      this.blocks.set(i, { block: { ...b }, json: '', citations: Array.isArray(b['citations']) ? b['citations'].length : 0, held: 0 });
    } else if (type === 'content_block_delta') {
      const i = num(ev['index']);
      const d = obj(ev['delta']);
      if (i === null || d === null) return;
      let b = this.blocks.get(i);
      if (b === undefined) {
        // A delta without its start: the block's type as the delta implies it.
        const t = d['type'] === 'input_json_delta' ? 'tool_use' : d['type'] === 'thinking_delta' ? 'thinking' : 'text';
        b = { block: { type: t }, json: '', citations: 0, held: 0 };
        this.blocks.set(i, b);
      }
      this.applyDelta(i, b, d);
    } else if (type === 'content_block_stop') {
      const i = num(ev['index']);
      const b = i === null ? undefined : this.blocks.get(i);
      if (b !== undefined) this.closeBlock(i!, b);
    } else if (type === 'error') {
      const e = obj(ev['error']);
      this.fail(e?.['type'], e?.['message']);
    }
  }

  /**
   * Applies a content_block_delta to its block as the SDKs do: partial_json is collected, a
   * citation added to the block's citations, and any other string field (text, thinking,
   * signature, and those of delta types to come) appended to the block's field of that name.
   */
  private applyDelta(i: number, b: Block, d: Rec): void {
    for (const key of Object.keys(d)) {
      if (key === 'type') continue;
      const v = d[key];
      if (key === 'partial_json' && typeof v === 'string') b.json += this.hold(b, v);
      else if (key === 'citation' && d['type'] === 'citations_delta') this.walk(v, ['content', i, 'citations', b.citations++]);
      else if (typeof v === 'string') {
        const prev = b.block[key];
        b.block[key] = (typeof prev === 'string' ? prev : '') + this.hold(b, v);
      } else if (obj(v) !== null || Array.isArray(v)) this.walk({ type: b.block['type'], [key]: v }, ['content', i]);
    }
  }

  private hold(b: Block, text: string): string {
    const t = this.fit(text, false);
    b.held += t.length;
    return t;
  }

  /** A block is complete: its segments are those of the same block in a non-streamed message. */
  private closeBlock(i: number, b: Block): void {
    this.blocks.delete(i);
    this.held -= b.held; // charged again as segments
    if (b.json !== '') {
      try {
        b.block['input'] = JSON.parse(b.json) as unknown;
      } catch {
        b.block['input'] = b.json; // cut short: inspected as the text it is
      }
    }
    this.walk(b.block, ['content', i]);
  }

  private chat(ev: Rec): void {
    if (ev['error'] !== undefined && ev['error'] !== null) {
      const e = obj(ev['error']);
      this.fail(e?.['type'] ?? e?.['code'], e?.['message'] ?? ev['error']);
    }
    const u = obj(ev['usage']);
    if (u !== null) this.setUsage(u['prompt_tokens'], u['completion_tokens'], obj(u['prompt_tokens_details'])?.['cached_tokens']);
    const choices = ev['choices'];
    if (!Array.isArray(choices)) return;
    for (const ch of choices) {
      const c = obj(ch);
      const d = obj(c?.['delta']);
      if (d === null) continue;
      const i = num(c!['index']) ?? 0;
      // Every string of the delta is a piece of the same field of the message (content, refusal,
      // reasoning, tool_calls[].function.arguments, function_call.arguments, …); a delta lists
      // only the tool calls it continues, each with its `index` in the message.
      const calls = Array.isArray(d['tool_calls']) ? (d['tool_calls'] as unknown[]) : null;
      for (const s of segmentPart(this.dialect, d, ['choices', i, 'message']).segments) {
        if (calls !== null && s.path[3] === 'tool_calls') {
          const j = num(obj(calls[s.path[4] as number])?.['index']);
          if (j !== null) s.path[4] = j;
        }
        // Keys and protocol values (the role, a call's id and type) are not streamed in pieces:
        // one that comes again is the same value, not more of it.
        if (s.isKey === true || s.structural === true) this.whole(s);
        else this.grow(s.path, s.role, s.text);
      }
    }
  }

  private responses(ev: Rec): void {
    const type = typeof ev['type'] === 'string' ? ev['type'] : '';
    const o = num(ev['output_index']) ?? 0;
    const c = num(ev['content_index']) ?? 0;
    const dot = type.lastIndexOf('.');
    const text = RESPONSES_TEXT[type.slice(0, dot)];
    if (text !== undefined) {
      const path = text.path(o, c, num(ev['summary_index']) ?? 0);
      const suffix = type.slice(dot + 1);
      if (suffix === 'delta') this.grow(path, text.role, ev['delta']);
      else if (suffix === 'done' && typeof ev[text.field] === 'string' && ev[text.field] !== '') this.whole({ role: text.role, path, text: ev[text.field] as string });
      return;
    }
    switch (type) {
      case 'response.output_item.added':
      case 'response.output_item.done':
        this.walk(ev['item'], ['output', o]);
        break;
      case 'response.content_part.added':
      case 'response.content_part.done':
        // A part's role is its item's: reasoning_text parts are in reasoning items, the rest in messages.
        this.walk(ev['part'], ['output', o, 'content', c], obj(ev['part'])?.['type'] === 'reasoning_text' ? 'reasoning' : undefined);
        break;
      case 'response.reasoning_summary_part.added':
      case 'response.reasoning_summary_part.done':
        this.walk(ev['part'], ['output', o, 'summary', num(ev['summary_index']) ?? 0], 'reasoning');
        break;
      case 'response.output_text.annotation.added':
        this.walk(ev['annotation'], ['output', o, 'content', c, 'annotations', num(ev['annotation_index']) ?? 0]);
        break;
      case 'response.completed':
      case 'response.incomplete':
      case 'response.failed': {
        const r = obj(ev['response']);
        const u = obj(r?.['usage']);
        if (u !== null) this.setUsage(u['input_tokens'], u['output_tokens'], obj(u['input_tokens_details'])?.['cached_tokens']);
        if (Array.isArray(r?.['output'])) this.walk(r['output'], ['output']);
        if (type === 'response.failed') {
          const e = obj(r?.['error']);
          this.fail(e?.['code'] ?? 'response.failed', e?.['message']);
        }
        break;
      }
      case 'error': {
        const e = obj(ev['error']) ?? ev; // {type:'error', code, message} or {type:'error', error:{…}}
        this.fail(e['code'] ?? (e !== ev ? e['type'] : undefined), e['message']);
        break;
      }
    }
  }

  private setUsage(input: unknown, output: unknown, cacheRead?: unknown, cacheWrite?: unknown): void {
    if (typeof input === 'number') this.usage.inputTokens = input;
    if (typeof output === 'number') this.usage.outputTokens = output;
    if (typeof cacheRead === 'number') this.usage.cacheReadTokens = cacheRead;
    if (typeof cacheWrite === 'number') this.usage.cacheWriteTokens = cacheWrite;
  }
}

/** Token usage of a non-streamed response body. */
export function usageOf(dialect: Dialect, body: unknown): Usage {
  const u = (body as { usage?: Record<string, unknown> } | null)?.usage;
  if (u === undefined || u === null || typeof u !== 'object') return { inputTokens: null, outputTokens: null };
  const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);
  if (dialect === 'anthropic') {
    return { inputTokens: num(u['input_tokens']), outputTokens: num(u['output_tokens']), cacheReadTokens: num(u['cache_read_input_tokens']), cacheWriteTokens: num(u['cache_creation_input_tokens']) };
  }
  if (dialect === 'openai-chat') return { inputTokens: num(u['prompt_tokens']), outputTokens: num(u['completion_tokens']) };
  return { inputTokens: num(u['input_tokens']), outputTokens: num(u['output_tokens']) };
}

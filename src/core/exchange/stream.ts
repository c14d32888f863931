// Assembles a streamed response from its SSE events, incrementally, so that the output can be
// inspected when the stream ends without holding up any chunk. Also reads token usage.
import type { Dialect, Segment, Usage } from '../types.ts';

interface Part {
  role: Segment['role'];
  path: (string | number)[];
  text: string;
}

export class StreamAssembler {
  readonly usage: Usage = { inputTokens: null, outputTokens: null };
  private readonly parts = new Map<string, Part>();
  private buf = '';
  private data: string[] = [];
  /** Set when the upstream sent an error event inside the stream. */
  upstreamError: string | null = null;

  constructor(private readonly dialect: Dialect) {}

  /** Feed raw SSE text as it arrives (any chunking). */
  push(chunk: string): void {
    this.buf += chunk;
    let nl: number;
    while ((nl = this.buf.indexOf('\n')) >= 0) {
      let line = this.buf.slice(0, nl);
      this.buf = this.buf.slice(nl + 1);
      if (line.endsWith('\r')) line = line.slice(0, -1);
      if (line === '') this.dispatch();
      else if (line.startsWith('data:')) this.data.push(line.slice(line.charCodeAt(5) === 32 ? 6 : 5));
    }
  }

  end(): void {
    if (this.buf !== '') this.push('\n');
    this.dispatch();
  }

  segments(): Segment[] {
    return [...this.parts.values()].filter((p) => p.text !== '').map((p) => ({ role: p.role, path: p.path, text: p.text }));
  }

  private dispatch(): void {
    if (this.data.length === 0) return;
    const payload = this.data.join('\n');
    this.data = [];
    if (payload === '[DONE]') return;
    let ev: Record<string, unknown>;
    try {
      ev = JSON.parse(payload) as Record<string, unknown>;
    } catch {
      return; // not JSON: nothing to learn, the bytes were relayed anyway
    }
    if (this.dialect === 'anthropic') this.anthropic(ev);
    else if (this.dialect === 'openai-chat') this.chat(ev);
    else this.responses(ev);
  }

  private append(key: string, role: Part['role'], path: Part['path'], text: unknown): void {
    if (typeof text !== 'string' || text === '') return;
    const p = this.parts.get(key);
    if (p === undefined) this.parts.set(key, { role, path, text });
    else p.text += text;
  }

  private anthropic(ev: Record<string, unknown>): void {
    const type = ev['type'];
    if (type === 'message_start') {
      const u = (ev['message'] as { usage?: Record<string, number> } | undefined)?.usage;
      if (u !== undefined) this.setUsage(u['input_tokens'], u['output_tokens'], u['cache_read_input_tokens'], u['cache_creation_input_tokens']);
    } else if (type === 'message_delta') {
      const u = ev['usage'] as Record<string, number> | undefined;
      if (u !== undefined) this.setUsage(u['input_tokens'], u['output_tokens'], u['cache_read_input_tokens'], u['cache_creation_input_tokens']);
    } else if (type === 'content_block_start') {
      const i = ev['index'] as number;
      const b = ev['content_block'] as Record<string, unknown> | undefined;
      if (b?.['type'] === 'text') this.append(`c${i}`, 'assistant', ['content', i, 'text'], b['text']);
    } else if (type === 'content_block_delta') {
      const i = ev['index'] as number;
      const d = ev['delta'] as Record<string, unknown> | undefined;
      if (d?.['type'] === 'text_delta') this.append(`c${i}`, 'assistant', ['content', i, 'text'], d['text']);
      else if (d?.['type'] === 'input_json_delta') this.append(`c${i}`, 'tool_call', ['content', i, 'input'], d['partial_json']);
      else if (d?.['type'] === 'thinking_delta') this.append(`c${i}`, 'reasoning', ['content', i, 'thinking'], d['thinking']);
    } else if (type === 'error') {
      this.upstreamError = String((ev['error'] as { type?: string } | undefined)?.type ?? 'error');
    }
  }

  private chat(ev: Record<string, unknown>): void {
    if (ev['error'] !== undefined) this.upstreamError = 'error';
    const u = ev['usage'] as Record<string, number> | null | undefined;
    if (u) this.setUsage(u['prompt_tokens'], u['completion_tokens'], (u['prompt_tokens_details'] as unknown as Record<string, number> | undefined)?.['cached_tokens']);
    const choices = ev['choices'] as Record<string, unknown>[] | undefined;
    if (!Array.isArray(choices)) return;
    for (const ch of choices) {
      const i = (ch['index'] as number | undefined) ?? 0;
      const d = ch['delta'] as Record<string, unknown> | undefined;
      if (d === undefined) continue;
      this.append(`m${i}`, 'assistant', ['choices', i, 'message', 'content'], d['content']);
      this.append(`r${i}`, 'reasoning', ['choices', i, 'message', 'reasoning_content'], d['reasoning_content']);
      const calls = d['tool_calls'] as Record<string, unknown>[] | undefined;
      if (Array.isArray(calls)) {
        for (const c of calls) {
          const j = (c['index'] as number | undefined) ?? 0;
          const f = c['function'] as Record<string, unknown> | undefined;
          this.append(`t${i}.${j}`, 'tool_call', ['choices', i, 'message', 'tool_calls', j, 'function', 'arguments'], f?.['arguments']);
        }
      }
    }
  }

  private responses(ev: Record<string, unknown>): void {
    const type = ev['type'];
    const i = (ev['output_index'] as number | undefined) ?? 0;
    if (type === 'response.output_text.delta') {
      this.append(`o${i}.${String(ev['content_index'] ?? 0)}`, 'assistant', ['output', i, 'content', (ev['content_index'] as number | undefined) ?? 0, 'text'], ev['delta']);
    } else if (type === 'response.function_call_arguments.delta') {
      this.append(`f${i}`, 'tool_call', ['output', i, 'arguments'], ev['delta']);
    } else if (type === 'response.reasoning_summary_text.delta') {
      this.append(`s${i}`, 'reasoning', ['output', i, 'summary'], ev['delta']);
    } else if (type === 'response.completed' || type === 'response.incomplete' || type === 'response.failed') {
      const u = (ev['response'] as { usage?: Record<string, number> } | undefined)?.usage;
      if (u) this.setUsage(u['input_tokens'], u['output_tokens'], (u['input_tokens_details'] as unknown as Record<string, number> | undefined)?.['cached_tokens']);
      if (type === 'response.failed') this.upstreamError = 'response.failed';
    } else if (type === 'error') {
      this.upstreamError = String(ev['code'] ?? 'error');
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

// Names the places of a request that can be compared between users or runs. Tool definitions are
// keyed by tool name, not position, so that a tool list in another order (or with a user's extra
// MCP tool) still lines up; everything else keeps its JSON path.
import { renderPath } from '../exchange/path.ts';
import type { PathStep } from '../types.ts';

/** Name of tool i of a request body's `tools` array (Anthropic, OpenAI chat and Responses shapes). */
export function toolName(tool: unknown): string | null {
  if (tool === null || typeof tool !== 'object') return null;
  const t = tool as { name?: unknown; function?: { name?: unknown } };
  if (typeof t.name === 'string') return t.name;
  if (t.function && typeof t.function.name === 'string') return t.function.name;
  return null;
}

/** `tools[Bash].input_schema.properties` for ['tools', 3, 'input_schema', 'properties'] when tool 3 is Bash. */
export function fieldName(path: readonly PathStep[], names: readonly (string | null)[] | null): string {
  if (path[0] === 'tools' && typeof path[1] === 'number' && names !== null) {
    const n = names[path[1]];
    if (n !== null && n !== undefined) return `tools[${JSON.stringify(n)}]${renderPath(['x', ...path.slice(2)]).slice(1)}`;
  }
  return renderPath(path);
}

/**
 * Every leaf of a JSON body as field name → text: strings as they are, other scalars as JSON,
 * object keys under `k:` so that a key that changes (a space in a schema property name) shows.
 */
export function flattenBody(body: unknown): Map<string, string> {
  const out = new Map<string, string>();
  const tools = body !== null && typeof body === 'object' && Array.isArray((body as { tools?: unknown }).tools) ? ((body as { tools: unknown[] }).tools.map(toolName)) : null;
  const walk = (v: unknown, path: PathStep[]): void => {
    if (v === null || typeof v !== 'object') {
      out.set(fieldName(path, tools), typeof v === 'string' ? v : JSON.stringify(v));
      return;
    }
    if (Array.isArray(v)) {
      if (v.length === 0) out.set(fieldName(path, tools), '[]');
      v.forEach((x, i) => walk(x, [...path, i]));
      return;
    }
    const keys = Object.keys(v);
    if (keys.length === 0) out.set(fieldName(path, tools), '{}');
    // Key order is part of what a tool sends: record it once per object.
    if (keys.length > 1) out.set(`${fieldName(path, tools) || '(body)'}#keys`, keys.join('\n'));
    for (const k of keys) walk((v as Record<string, unknown>)[k], [...path, k]);
  };
  walk(body, []);
  // Tools are keyed by name above; their order is one more thing a tool could vary.
  if (tools !== null) out.set('tools#order', tools.map((n, i) => n ?? `#${i}`).join('\n'));
  return out;
}


// The API surface: method + path -> dialect and what kind of call it is.
import type { IncomingHttpHeaders } from 'node:http';
import type { Dialect } from '../core/types.ts';

export interface Route {
  name: string; // e.g. 'POST /v1/messages'
  dialect: Dialect;
  /** true when the request has a JSON body to parse and inspect. */
  hasBody: boolean;
  /** true for calls that generate (the prompt baselines learn from these, not from token counts). */
  modelCall: boolean;
}

const POST_ROUTES: Record<string, Route> = {
  '/v1/messages': { name: 'POST /v1/messages', dialect: 'anthropic', hasBody: true, modelCall: true },
  '/v1/messages/count_tokens': { name: 'POST /v1/messages/count_tokens', dialect: 'anthropic', hasBody: true, modelCall: false },
  '/v1/chat/completions': { name: 'POST /v1/chat/completions', dialect: 'openai-chat', hasBody: true, modelCall: true },
  '/v1/responses': { name: 'POST /v1/responses', dialect: 'openai-responses', hasBody: true, modelCall: true },
};

/** Dialect of a bodiless call (GET /v1/models): Anthropic clients send anthropic-version or x-api-key. */
export const guessDialect = (h: IncomingHttpHeaders): Dialect =>
  h['anthropic-version'] !== undefined || (h['x-api-key'] !== undefined && h['authorization'] === undefined) ? 'anthropic' : 'openai-chat';

/** A WebSocket upgrade (Codex CLI asks for one on the Responses route before it uses HTTP). */
export const isWebSocketUpgrade = (h: IncomingHttpHeaders): boolean => /\bwebsocket\b/i.test(String(h['upgrade'] ?? ''));

/** One segment of a model id: `claude-sonnet-4-5-20250929`, `gpt-4o`, `ft:gpt-4o-mini:org::id`, `claude-3-5-sonnet@20240620`. */
const MODEL_ID_SEGMENT = /^[A-Za-z0-9._:@-]+$/;
const DOTS = /^\.+$/;

/**
 * Whether `id` (the path after `/v1/models/`, as received) names a model. The path is forwarded
 * as is, with the gateway's provider key, so it must not reach anything but a model: each
 * `/`-separated segment (OpenAI-compatible servers such as vLLM serve `org/model` ids) is made of
 * the characters of model ids, and none is empty or only dots (`.`, `..`: a step out of
 * `/v1/models/`). `%2F` separates segments like `/` (the SDKs encode the `/` of `org/model` that
 * way, and an upstream may decode it); no other percent-encoding (`%2e`) and no backslash, which
 * an upstream may decode or normalise into a dot segment.
 */
export function isModelIdPath(id: string): boolean {
  if (id.length === 0) return false;
  for (const s of id.split(/\/|%2f/i)) if (!MODEL_ID_SEGMENT.test(s) || DOTS.test(s)) return false;
  return true;
}

/** Returns the route, 'method' if the path exists with another method, or null. */
export function matchRoute(method: string, pathname: string, h: IncomingHttpHeaders): Route | 'method' | null {
  const p = pathname.length > 1 && pathname.endsWith('/') ? pathname.slice(0, -1) : pathname;
  if (p === '/v1/models' || (p.startsWith('/v1/models/') && isModelIdPath(p.slice('/v1/models/'.length)))) {
    if (method !== 'GET') return 'method';
    return { name: p === '/v1/models' ? 'GET /v1/models' : 'GET /v1/models/{id}', dialect: guessDialect(h), hasBody: false, modelCall: false };
  }
  const r = POST_ROUTES[p];
  if (r === undefined) return null;
  return method === 'POST' ? r : 'method';
}

import { AirlockError } from '../errors.ts';
import type { Dialect, Segment } from '../types.ts';
import { segmentBody } from './walk.ts';
import { checkKeysAndDepth } from './json-keys.ts';

export { renderPath, pathKey } from './path.ts';
export { locateLiterals, locateSegments, rawOffset } from './locate.ts';
export { segmentBody } from './walk.ts';
export { StreamAssembler, usageOf } from './stream.ts';

export interface ParsedRequest {
  dialect: Dialect;
  /** The parsed body; read-only (the element cache shares its parts between requests). */
  body: Record<string, unknown>;
  model: string | null;
  stream: boolean;
  segments: Segment[];
  media: number;
  /**
   * The segments again, part by part (a message, a tool, a top-level field), when the element cache
   * made them: a part it found again is the very array it gave before (never modified), so the
   * engine's result cache can find that part's results by the array alone (detect/cache.ts).
   */
  parts?: (readonly Segment[])[];
  /**
   * The byte range in the body of the top-level field or array element that holds a segment (set
   * by the element cache, which has them from its shape pass): redaction looks for the segment's
   * literal there instead of in the whole body.
   */
  byteRange?: (seg: Segment) => readonly [number, number] | undefined;
}

/**
 * Parses a request body of a dialect; throws AirlockError for bodies that are not requests.
 * `fix`, when given, repairs strings of a text that is a Latin-1 view of UTF-8 bytes (a fast path
 * of the gateway: JSON.parse of a one-byte string is several times faster than of a two-byte one).
 * `segments: false` skips segmentation (nothing will be inspected).
 */
export function parseRequest(dialect: Dialect, text: string, fix?: (s: string) => string, opts: { segments?: boolean } = {}): ParsedRequest {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (e) {
    // V8's message quotes the body around the error, which may hold a secret: keep only the position.
    const pos = /position (\d+)/.exec((e as Error).message)?.[1];
    throw new AirlockError('AIRLOCK_ERR_BAD_JSON', `The request body is not valid JSON${pos !== undefined ? ` (error at byte offset ${pos})` : ''}.`);
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new AirlockError('AIRLOCK_ERR_BAD_REQUEST', 'The request body must be a JSON object.');
  }
  checkKeysAndDepth(text, body);
  const obj = body as Record<string, unknown>;
  // Without inspection the gateway needs only the model and stream flag: no walk.
  const { segments, media } = opts.segments === false ? { segments: [], media: 0 } : segmentBody(dialect, obj, fix);
  const model = typeof obj['model'] === 'string' ? obj['model'] : null;
  return {
    dialect,
    body: obj,
    model: model !== null && fix !== undefined ? fix(model) : model,
    stream: obj['stream'] === true,
    segments,
    media,
  };
}

/** Guesses the dialect of a request body read from a file (the gateway knows it from the route). */
export function guessBodyDialect(body: unknown): Dialect | null {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return null;
  const o = body as Record<string, unknown>;
  if ('input' in o || 'instructions' in o) return 'openai-responses';
  if (!Array.isArray(o['messages'])) return null;
  if ('system' in o || 'anthropic_version' in o) return 'anthropic';
  const text = JSON.stringify(o['messages']).slice(0, 200_000);
  if (/"type":"(?:tool_use|tool_result|thinking)"/.test(text)) return 'anthropic';
  if (/"role":"(?:system|developer|tool)"|"tool_calls"|"image_url"/.test(text)) return 'openai-chat';
  return Array.isArray(o['tools']) && (o['tools'] as { type?: string }[]).some((t) => t.type === 'function') ? 'openai-chat' : 'anthropic';
}

// Request headers as segments: a header the gateway forwards reaches the provider as surely as the
// body does (a token in a custom header, a user name in a client's tracing header, a covert flag),
// so every forwarded value is inspected like a body string. Which headers are forwarded is the
// caller's to say (the gateway drops hop-by-hop fields and credentials it replaces).
import type { Segment } from '../types.ts';

export type HeaderMap = Readonly<Record<string, string | readonly string[] | undefined>>;

/** One segment per forwarded header, in name order; path ['headers', name]. */
export function headerSegments(headers: HeaderMap, forwarded: (name: string) => boolean): Segment[] {
  const out: Segment[] = [];
  for (const name of Object.keys(headers).sort()) {
    const v = headers[name];
    if (v === undefined || !forwarded(name)) continue;
    const text = typeof v === 'string' ? v : v.join(', ');
    if (text !== '') out.push({ role: 'header', path: ['headers', name], text });
  }
  return out;
}

/** Header values longer than this are not kept (a lookup would hash the whole value). */
const MAX_KEPT = 1024;

/**
 * Header segments as the same objects every time a header comes back with the same value (a
 * client's user agent, API version, session id), each in a one-segment array of its own: passed to
 * the engine as parts, a repeated header's results are found by that array in the result cache
 * (detect/cache.ts), as a resent message's are. Bounded by entries: when full, it starts over.
 */
export class HeaderParts {
  private readonly kept = new Map<string, readonly Segment[]>();

  constructor(readonly maxEntries = 1024) {}

  /** The segments (kept objects where seen before) and each one's part, in the same order. */
  of(segments: readonly Segment[]): { segments: Segment[]; parts: (readonly Segment[])[] } {
    const out: Segment[] = [];
    const parts: (readonly Segment[])[] = [];
    for (const s of segments) {
      let part: readonly Segment[] | undefined;
      if (s.text.length <= MAX_KEPT) {
        // Names and values hold no line breaks (HTTP forbids them), so the key is unambiguous.
        const key = `${String(s.path[1])}\n${s.text}`;
        part = this.kept.get(key);
        if (part === undefined || part[0]!.role !== s.role) {
          if (this.kept.size >= this.maxEntries) this.kept.clear();
          part = [s];
          this.kept.set(key, part);
        }
      } else part = [s];
      out.push(part[0]!);
      parts.push(part);
    }
    return { segments: out, parts };
  }

  get size(): number {
    return this.kept.size;
  }
}

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

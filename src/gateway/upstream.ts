// Upstream calls: one keep-alive undici Pool per named upstream; headers are rebuilt from the
// client's so that hop-by-hop headers and the Airlock key never leave, and the provider key is
// the gateway's (managed) or the client's own (passthrough).
import type { IncomingHttpHeaders } from 'node:http';
import { Pool } from 'undici';
import { AirlockError } from '../core/errors.ts';
import { maskSecrets } from '../core/detect/mask-secrets.ts';
import type { Dialect } from '../core/types.ts';
import type { Credentials } from './auth.ts';
import type { GatewayConfig, UpstreamConfig } from './config.ts';

// RFC 9110 §7.6.1 hop-by-hop fields, plus what the gateway sets itself.
const DROP_REQUEST = new Set([
  'host', 'connection', 'keep-alive', 'proxy-connection', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade',
  'content-length', 'accept-encoding', 'authorization', 'x-api-key', 'x-airlock-key', 'expect',
]);
/** Whether a client's request header goes upstream (what the gateway inspects as headers). */
export const forwardsHeader = (name: string): boolean => !DROP_REQUEST.has(name);
export const DROP_RESPONSE = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

export interface UpstreamTarget {
  config: UpstreamConfig;
  pool: Pool;
  basePath: string;
  /** Provider key held by the gateway, or null in passthrough mode. */
  managedKey: string | null;
}

export class Upstreams {
  private readonly targets = new Map<string, UpstreamTarget>();

  constructor(cfg: GatewayConfig, env: NodeJS.ProcessEnv) {
    for (const u of cfg.upstreams) {
      const url = new URL(u.baseUrl);
      const envKey = u.apiKeyEnv !== undefined ? env[u.apiKeyEnv] : undefined;
      if (u.auth === 'managed' && (envKey === undefined || envKey === '')) {
        // Masked: a provider key pasted where its variable's name goes must not reach the output.
        throw new Error(maskSecrets(`upstream '${u.name}' is managed but ${u.apiKeyEnv ?? 'apiKeyEnv'} is not set`));
      }
      const managedKey = u.auth === 'passthrough' ? null : envKey !== undefined && envKey !== '' ? envKey : null;
      const pool = new Pool(url.origin, {
        connections: u.connections,
        pipelining: 1,
        connectTimeout: cfg.limits.connectTimeoutMs,
        headersTimeout: cfg.limits.headersTimeoutMs,
        bodyTimeout: cfg.limits.bodyTimeoutMs,
        keepAliveTimeout: 30_000,
      });
      this.targets.set(u.name, { config: u, pool, basePath: url.pathname.replace(/\/$/, ''), managedKey });
    }
  }

  get(name: string): UpstreamTarget {
    const t = this.targets.get(name);
    if (t === undefined) throw new AirlockError('AIRLOCK_ERR_NO_UPSTREAM', `No upstream named '${name}'.`);
    return t;
  }

  list(): UpstreamTarget[] {
    return [...this.targets.values()];
  }

  async close(): Promise<void> {
    await Promise.all([...this.targets.values()].map((t) => t.pool.close().catch(() => undefined)));
  }
}

/**
 * Headers for the upstream request: the client's (with `patched` values where redaction changed
 * them), then the upstream's configured headers, then the provider key.
 */
export function upstreamHeaders(
  t: UpstreamTarget,
  dialect: Dialect,
  h: IncomingHttpHeaders,
  creds: Credentials,
  bodyLength: number | null,
  patched: Readonly<Record<string, string>> | null = null,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k in h) {
    if (DROP_REQUEST.has(k)) continue;
    const v = h[k];
    if (v === undefined) continue;
    out[k] = patched?.[k] ?? (Array.isArray(v) ? v.join(', ') : v);
  }
  Object.assign(out, t.config.headers);
  // The gateway reads what it relays (usage, inspection): the response must come uncompressed. Left
  // out, the header lets a server pick any coding (RFC 9110, 12.5.3).
  out['accept-encoding'] = 'identity';
  const key = t.managedKey ?? creds.providerKey;
  if (key !== null) {
    if (dialect === 'anthropic') {
      // Keep the client's scheme in passthrough (Claude Code's OAuth tokens go as Bearer).
      if (t.managedKey === null && typeof h['authorization'] === 'string' && !h['authorization'].includes('alk_')) out['authorization'] = h['authorization'];
      else out['x-api-key'] = key;
    } else {
      out['authorization'] = `Bearer ${key}`;
    }
  }
  if (bodyLength !== null) out['content-length'] = String(bodyLength);
  return out;
}

// Authentication: the Airlock key is accepted where each client puts it (x-api-key,
// Authorization: Bearer, or x-airlock-key when the provider key is passed through, or both keys
// in one value, `alk_…:<provider key>`, for clients that can send only one).
import type { IncomingHttpHeaders } from 'node:http';
import { AirlockError } from '../core/errors.ts';
import type { Identity } from '../core/types.ts';
import { identityOf } from '../store/index.ts';
import { KEY_PREFIX, hashKey, isWellFormedKey } from '../store/keys.ts';
import type { ApiKeyRow, Store } from '../store/types.ts';

export interface Credentials {
  /** The Airlock key, if one was presented. */
  airlockKey: string | null;
  /** A provider key the client sent (x-api-key or bearer that is not an Airlock key). */
  providerKey: string | null;
}

const first = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);

export function readCredentials(h: IncomingHttpHeaders): Credentials {
  const explicit = first(h['x-airlock-key']);
  const xApiKey = first(h['x-api-key']);
  const authz = first(h['authorization']);
  const bearer = authz !== undefined && /^bearer /i.test(authz) ? authz.slice(7).trim() : undefined;
  let airlockKey: string | null = explicit ?? null;
  let providerKey: string | null = null;
  for (const k of [xApiKey, bearer]) {
    if (k === undefined || k === '') continue;
    if (k.startsWith(KEY_PREFIX)) {
      // `alk_…:<provider key>`: both in the one variable a client has (OPENAI_API_KEY), for
      // pass-through upstreams. Airlock keys are base62, so the first ':' ends the Airlock key.
      const colon = k.indexOf(':');
      if (colon > 0) {
        airlockKey ??= k.slice(0, colon);
        if (colon + 1 < k.length) providerKey ??= k.slice(colon + 1);
      } else airlockKey ??= k;
    } else providerKey ??= k;
  }
  return { airlockKey, providerKey };
}

/** Resolves Airlock keys to identities through the store, with a short cache on the hot path. */
export class Authenticator {
  private readonly cache = new Map<string, { row: ApiKeyRow | null; until: number }>();

  constructor(private readonly store: Store, private readonly cacheMs: number) {}

  async identify(creds: Credentials): Promise<Identity> {
    if (creds.airlockKey === null) {
      throw new AirlockError('AIRLOCK_ERR_MISSING_KEY', creds.providerKey !== null
        ? 'A provider key was presented but no Airlock key: send the Airlock key as x-api-key / Bearer, or as x-airlock-key when passing your own provider key through.'
        : 'No Airlock key was presented: send it as x-api-key or Authorization: Bearer.');
    }
    // A mistyped or made-up key fails its checksum without a store lookup.
    if (!isWellFormedKey(creds.airlockKey)) throw new AirlockError('AIRLOCK_ERR_UNKNOWN_KEY', 'The Airlock key is malformed (wrong length or checksum).');
    const h = hashKey(creds.airlockKey);
    const now = Date.now();
    let hit = this.cache.get(h);
    if (hit === undefined || hit.until < now) {
      hit = { row: await this.store.findKeyByHash(h), until: now + this.cacheMs };
      if (this.cacheMs > 0) {
        if (this.cache.size > 10_000) this.cache.clear();
        this.cache.set(h, hit);
      }
    }
    const row = hit.row;
    if (row === null) throw new AirlockError('AIRLOCK_ERR_UNKNOWN_KEY', 'The Airlock key is not known to this gateway (was it created with `airlock keys create`?).');
    if (row.revokedAt !== null) throw new AirlockError('AIRLOCK_ERR_REVOKED_KEY', `The Airlock key ${row.keyId} was revoked at ${row.revokedAt}.`);
    return identityOf(row);
  }
}

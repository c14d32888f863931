// `airlock keys create | list | revoke`: manage virtual keys. The key itself is printed once, at
// creation; the store keeps only its hash, so a lost key is revoked and replaced, never recovered.

import type { ParseArgsConfig } from 'node:util';
import { isRole, ROLES } from '../store/keys.ts';
import type { ApiKeyRow, Store } from '../store/types.ts';
import { renderTable, safeCell, shortTime } from './io.ts';
import { subcommands, usageError, withStore, type CliIo, type Values } from './store-command.ts';
import { clientSetup } from './client-setup.ts';

const USAGE = `Usage: airlock keys <command> [--store URL]

Commands:
  create --user NAME [--team TEAM] [--role developer|auditor|admin] [--json]
                            Create a key; it is shown once, only its hash is stored
  list [--json]             All keys (never the keys themselves)
  revoke <keyId|prefix>     Revoke a key; requests with it are refused from then on

--store defaults to $AIRLOCK_STORE or sqlite:./data/airlock.db
`;

type Options = NonNullable<ParseArgsConfig['options']>;

/** The gateway's default listen address (gateway/config.ts); AIRLOCK_URL overrides it in the hint. */
const DEFAULT_GATEWAY_URL = 'http://127.0.0.1:8787';

const CREATE_OPTIONS: Options = {
  user: { type: 'string' },
  team: { type: 'string' },
  role: { type: 'string', default: 'developer' },
  json: { type: 'boolean', default: false },
};

export const run = (args: string[], io: CliIo): Promise<number> =>
  subcommands(args, io, USAGE, {
    create: (rest) => withStore(rest, CREATE_OPTIONS, io, (store, v, pos) => create(store, v, pos, io), { create: true }),
    list: (rest) => withStore(rest, { json: { type: 'boolean', default: false } }, io, (store, v, pos) => list(store, v, pos, io)),
    revoke: (rest) => withStore(rest, {}, io, (store, _v, pos) => revoke(store, pos, io)),
  });

async function create(store: Store, v: Values, pos: string[], io: CliIo): Promise<number> {
  if (pos.length > 0) throw usageError(`Unexpected argument: ${pos[0]}`);
  const user = typeof v.user === 'string' ? v.user.trim() : '';
  if (!user) throw usageError('keys create needs --user NAME');
  const team = typeof v.team === 'string' && v.team.trim() ? v.team.trim() : null;
  if (!isRole(v.role)) throw usageError(`--role must be one of ${ROLES.join(', ')}`);
  const { key, row } = await store.createKey({ user, team, role: v.role });
  if (v.json) {
    io.out(JSON.stringify({ key, ...row }));
    return 0;
  }
  const base = io.env.AIRLOCK_URL?.replace(/\/+$/, '') || DEFAULT_GATEWAY_URL;
  io.out(
    [
      `Created ${row.keyId} for ${safeCell(row.user)}${row.team ? ` (team ${safeCell(row.team)})` : ''}, role ${row.role}.`,
      '',
      `  ${key}`,
      '',
      'This is the only time the key is shown: Airlock stores only its hash. Hand it over now.',
      '',
      `Point a tool at the gateway (${base}${io.env.AIRLOCK_URL ? '' : '; set AIRLOCK_URL if it listens elsewhere'}):`,
      ...clientSetup(base, key, { anthropicManaged: true, openaiManaged: true }),
      'When the gateway passes your own provider key through, keep *_API_KEY as that key and send',
      `this one as header x-airlock-key (Claude Code: export ANTHROPIC_CUSTOM_HEADERS="x-airlock-key: ${key}").`,
    ].join('\n'),
  );
  return 0;
}

async function list(store: Store, v: Values, pos: string[], io: CliIo): Promise<number> {
  if (pos.length > 0) throw usageError(`Unexpected argument: ${pos[0]}`);
  const keys = await store.listKeys();
  if (v.json) {
    for (const k of keys) io.out(JSON.stringify(k));
    return 0;
  }
  if (keys.length === 0) {
    io.out('No keys. Create one with: airlock keys create --user NAME [--team TEAM]');
    return 0;
  }
  const rows = keys.map((k) => [k.keyId, `${k.prefix}…`, safeCell(k.user, 32), safeCell(k.team ?? '-', 32), k.role, shortTime(k.createdAt), k.revokedAt ? shortTime(k.revokedAt) : '-']);
  io.out(renderTable(['KEY ID', 'PREFIX', 'USER', 'TEAM', 'ROLE', 'CREATED', 'REVOKED'], rows).text);
  return 0;
}

async function revoke(store: Store, pos: string[], io: CliIo): Promise<number> {
  const [target, ...extra] = pos;
  if (!target || extra.length > 0) throw usageError('keys revoke takes exactly one keyId (or key prefix)');
  const before = await store.listKeys();
  if (await store.revokeKey(target)) {
    const k = before.find((r) => r.keyId === target) ?? before.find((r) => r.prefix === target && !r.revokedAt);
    io.out(`Revoked ${k?.keyId ?? target}${k ? ` (${safeCell(k.user)})` : ''}.`);
    return 0;
  }
  // Say why nothing happened: the store's boolean does not distinguish these.
  const matches: ApiKeyRow[] = before.filter((r) => r.keyId === target || r.prefix === target);
  if (matches.length === 0) {
    io.err(`No key ${safeCell(target)}. See: airlock keys list`);
    return 1;
  }
  const active = matches.filter((r) => !r.revokedAt);
  if (active.length > 1) {
    io.err(`Prefix ${safeCell(target)} matches ${active.length} active keys; revoke by keyId: ${active.map((r) => r.keyId).join(', ')}`);
    return 1;
  }
  io.out(`${matches[0]!.keyId} was already revoked at ${matches[0]!.revokedAt}.`);
  return 0;
}

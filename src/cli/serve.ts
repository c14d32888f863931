// `airlock serve`: starts the gateway. With no options it runs on the embedded defaults: a
// SQLite file under ./data, listening on loopback, and prints what to give a client.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { pino } from 'pino';
import { loadConfig, type GatewayConfig } from '../gateway/config.ts';
import { Gateway } from '../gateway/server.ts';
import { PolicyHolder } from '../gateway/policy-loader.ts';
import { openStore, parseStoreUrl } from '../store/index.ts';
import type { Store } from '../store/types.ts';
import { parseCli, type CliIO } from './io.ts';
import { clientSetup } from './client-setup.ts';
import { nativeAvailable } from '../core/detect/native.ts';
import { BUILTIN_RULES } from '../core/detect/secrets/index.ts';
import { loadSecretRules } from '../gateway/secret-rules.ts';

const HELP = `usage: airlock serve [--config FILE] [--policy FILE] [--host H] [--port N] [--store URL]

  --config FILE   gateway configuration (YAML); default: $AIRLOCK_CONFIG or the embedded defaults;
                  read again when it or one of its gitleaks files changes and on SIGHUP: the
                  inspection settings apply at once, the rest takes a restart (an invalid edit
                  is refused)
  --policy FILE   policy (YAML, docs/policy.md); default: $AIRLOCK_POLICY or the config's policy;
                  reloaded when the file changes and on SIGHUP (an invalid edit is refused)
  --store URL     sqlite:<file> or postgres://…; default: $AIRLOCK_STORE or sqlite:<dataDir>/airlock.db
  --host, --port  where to listen (default 127.0.0.1:8787)`;

/** A per-installation secret for keyed hashes of matched values; kept beside the data. */
export function hashSecret(cfg: Pick<GatewayConfig, 'dataDir'>, env: NodeJS.ProcessEnv): string {
  if (env['AIRLOCK_HASH_SECRET'] !== undefined && env['AIRLOCK_HASH_SECRET'] !== '') return env['AIRLOCK_HASH_SECRET'];
  const file = join(cfg.dataDir, 'hash.secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(cfg.dataDir, { recursive: true });
  const s = randomBytes(32).toString('hex');
  writeFileSync(file, s, { mode: 0o600 });
  return s;
}

/**
 * The store URL the gateway's worker threads open (audit appends, inspection), or null to keep
 * that work on the gateway's thread: an in-memory SQLite database cannot be opened a second time.
 */
export function workerStoreUrl(storeUrl: string): string | null {
  const loc = parseStoreUrl(storeUrl);
  return loc.kind === 'sqlite' && loc.path === ':memory:' ? null : storeUrl;
}

async function bootstrapKey(store: Store, env: NodeJS.ProcessEnv): Promise<string | null> {
  if ((await store.listKeys()).length > 0) return null;
  const user = env['USER'] ?? env['USERNAME'] ?? 'admin';
  return (await store.createKey({ user, team: null, role: 'admin' })).key;
}

/**
 * V8's old-generation limit for a long-running gateway: twice the live heap after each full
 * collection. V8's own choice, for a heap of ~22 MB that takes in steady garbage, left less
 * headroom than its young generation, so it began marking again right after each full
 * collection: under steady 100 KB traffic, one full collection every ~0.1 s once the first had
 * run (after ~3,000 requests) and a third more CPU per request (measured: 2.05-2.42 → 1.48-1.51 ms
 * of process CPU per request; README, "Running the gateway"). Applied unless the process was
 * started with its own setting; the flag is read at each full collection, so setting it here works.
 */
export function tuneHeap(execArgv: readonly string[], nodeOptions: string | undefined): boolean {
  if ([...execArgv, nodeOptions ?? ''].some((a) => /heap[-_]growing[-_]percent/.test(a))) return false;
  setFlagsFromString('--heap-growing-percent=100');
  return true;
}

export async function run(args: string[], io: CliIO): Promise<number> {
  const { flags } = parseCli(args, { config: { type: 'string' }, host: { type: 'string' }, port: { type: 'string' }, store: { type: 'string' }, policy: { type: 'string' } });
  if (flags['help'] === true) {
    io.out(HELP);
    return 0;
  }
  tuneHeap(process.execArgv, io.env['NODE_OPTIONS']);
  const file = typeof flags['config'] === 'string' ? flags['config'] : io.env['AIRLOCK_CONFIG'];
  // The command line's listen address overrides the file's, at start and when it is read again.
  const load = (): GatewayConfig => {
    const c = loadConfig(file);
    if (typeof flags['host'] === 'string') c.listen.host = flags['host'];
    if (typeof flags['port'] === 'string') c.listen.port = Number(flags['port']);
    return c;
  };
  const config = load();
  const storeUrl = (typeof flags['store'] === 'string' ? flags['store'] : undefined) ?? io.env['AIRLOCK_STORE'] ?? config.store ?? `sqlite:${join(config.dataDir, 'airlock.db')}`;
  const logLevel = io.env['AIRLOCK_LOG_LEVEL'] ?? 'info';
  const logger = pino({ level: logLevel, base: { service: 'airlock' } });
  const store = await openStore(storeUrl);
  await store.migrate();
  const policyFile = (typeof flags['policy'] === 'string' ? flags['policy'] : undefined) ?? io.env['AIRLOCK_POLICY'] ?? config.policy;
  let policy: PolicyHolder | undefined;
  if (policyFile !== undefined) {
    policy = new PolicyHolder(policyFile, {
      logger,
      upstreams: config.upstreams.map((u) => u.name),
      // Keep every version's text so `airlock policy explain` can re-run the decision it made.
      onLoad: (p) => void store.savePolicyVersion({ hash: p.hash, source: p.file, text: p.text }).catch((e: unknown) => logger.warn({ err: (e as Error).message }, 'policy version not stored')),
    }).watch({ signals: true });
  }
  const shared = workerStoreUrl(storeUrl);
  const gateway = new Gateway({
    config, store, logger, logLevel, env: io.env, hashSecret: hashSecret(config, io.env),
    ...(policy !== undefined ? { policy } : {}),
    ...(shared !== null ? { storeUrl: shared } : {}),
  });
  const addr = await gateway.listen();
  gateway.watch(file !== undefined ? { path: file, load } : undefined);
  const base = gateway.url;
  const firstKey = await bootstrapKey(store, io.env);
  const managed = config.upstreams.filter((u) => u.auth === 'managed' || (u.auth === 'auto' && u.apiKeyEnv !== undefined && (io.env[u.apiKeyEnv] ?? '') !== ''));
  const key = firstKey ?? '<an Airlock key: airlock keys create --user NAME --team TEAM>';
  io.out(`Airlock gateway listening on ${base} (store: ${store.kind}, upstreams: ${config.upstreams.map((u) => u.name).join(', ')}${policy !== undefined ? `, policy: ${policy.file} ${policy.current.hash.slice(0, 12)}` : ''})`);
  io.out(nativeAvailable()
    ? 'Inspection engine: native trigger pass (Hyperscan)'
    : 'Inspection engine: JavaScript prefilter (same findings; for about twice the speed: apt-get install libhyperscan-dev && npm run build:native)');
  if (config.inspection.gitleaks.length > 0) {
    // Read again (the configuration checked that they import): what was left out goes to the log.
    const imported = loadSecretRules(config.inspection.gitleaks);
    for (const u of imported.untranslatable) logger.warn({ file: u.file, rule: u.id, reason: u.reason }, 'gitleaks rule or allowlist not imported as written');
    io.out(`Secret rules: ${BUILTIN_RULES.length} built-in + ${imported.rules.length} from ${config.inspection.gitleaks.join(', ')}` +
      `${imported.untranslatable.length > 0 ? ` (${imported.untranslatable.length} rule(s) or allowlist(s) not imported as written: see the log)` : ''}`);
  }
  if (firstKey !== null) io.out(`\nFirst start: created an admin key (shown once, keep it safe):\n  ${firstKey}`);
  io.out('\nPoint your tools at the gateway:');
  const anthropicManaged = managed.some((u) => u.dialects.includes('anthropic'));
  const openaiManaged = managed.some((u) => u.dialects.includes('openai-chat'));
  io.out(clientSetup(base, key, { anthropicManaged, openaiManaged }).join('\n'));
  logger.info({ port: addr.port, host: addr.address, store: store.kind }, 'gateway started');

  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: string): void => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal, inFlight: gateway.inFlight }, 'draining');
      policy?.close();
      gateway.close().then(() => store.close()).then(() => {
        logger.info({}, 'stopped; audit trail flushed');
        resolve();
      }, (e: unknown) => {
        logger.error({ err: e instanceof Error ? e.message : String(e) }, 'shutdown failed');
        resolve();
      });
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  return 0;
}

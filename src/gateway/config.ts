// Gateway configuration: a YAML file validated with zod, or the embedded defaults. Every object
// is strict: in a security gateway a misspelt `redact: true` that is silently ignored is a
// hole, so an unknown key is an error at file:line:column.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { loadSecretRules } from './secret-rules.ts';
import { maskSecrets } from '../core/detect/mask-secrets.ts';
import { z } from 'zod';
import { formatIssue, validateYaml, type YamlIssue } from '../core/yaml-validate.ts';
import type { Dialect } from '../core/types.ts';

const DIALECTS = ['anthropic', 'openai-chat', 'openai-responses'] as const;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const upstreamSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'lower-case letters, digits, - and _'),
  baseUrl: z.string().url(),
  dialects: z.array(z.enum(DIALECTS)).min(1),
  /** Model name globs this upstream serves (first matching upstream wins); default: all. */
  models: z.array(z.string()).optional(),
  /**
   * managed: the gateway holds the provider key (apiKeyEnv); passthrough: the client's own
   * provider key is forwarded; auto: managed when apiKeyEnv is set in the environment.
   */
  auth: z.enum(['managed', 'passthrough', 'auto']).default('auto'),
  /**
   * The NAME of the environment variable holding the provider key, never the key itself: a key
   * pasted here is refused (the error shows it masked, like every value a config error quotes).
   */
  apiKeyEnv: z.string()
    .refine((v) => ENV_NAME.test(v) && maskSecrets(v) === v, 'expected the name of the environment variable that holds the provider key (letters, digits and _, e.g. ANTHROPIC_API_KEY), not the key itself')
    .optional(),
  /** Extra headers sent upstream (e.g. an in-house server's routing header). */
  headers: z.record(z.string(), z.string()).default({}),
  connections: z.number().int().positive().default(128),
});

export const configSchema = z.strictObject({
  listen: z.strictObject({ host: z.string().default('127.0.0.1'), port: z.number().int().min(0).max(65535).default(8787) }).default({ host: '127.0.0.1', port: 8787 }),
  dataDir: z.string().default('./data'),
  /** sqlite:<file> or postgres://…; default sqlite under dataDir. */
  store: z.string().optional(),
  limits: z.strictObject({
    maxBodyBytes: z.number().int().positive().default(32 * 1024 * 1024),
    connectTimeoutMs: z.number().int().positive().default(10_000),
    headersTimeoutMs: z.number().int().positive().default(300_000),
    bodyTimeoutMs: z.number().int().positive().default(300_000),
    drainMs: z.number().int().nonnegative().default(30_000),
    /** Longest a client may take to send its whole request (headers and body); slow senders are cut off. */
    requestTimeoutMs: z.number().int().positive().default(120_000),
  }).default({ maxBodyBytes: 32 * 1024 * 1024, connectTimeoutMs: 10_000, headersTimeoutMs: 300_000, bodyTimeoutMs: 300_000, drainMs: 30_000, requestTimeoutMs: 120_000 }),
  audit: z.strictObject({
    /** Opt-in: keep the request body with every finding redacted. Off by default: no prompt text. */
    storeRedactedBodies: z.boolean().default(false),
    flushMs: z.number().int().positive().default(50),
    maxBatch: z.number().int().positive().default(500),
    /**
     * Records waiting for the store beyond which new requests are refused (503
     * AIRLOCK_ERR_AUDIT_BACKLOG) until the store catches up: the gateway fails closed rather than
     * forward exchanges it cannot record, and its memory stays bounded while the store is down.
     */
    maxPending: z.number().int().positive().default(100_000),
    /**
     * Append records from a worker thread with its own store connection, so that hashing the chain
     * and inserting never stall a request. Off: appended on the gateway's thread.
     */
    thread: z.boolean().default(true),
  }).default({ storeRedactedBodies: false, flushMs: 50, maxBatch: 500, maxPending: 100_000, thread: true }),
  inspection: z.strictObject({
    enabled: z.boolean().default(true),
    /** Inspect responses (assembled from SSE when streamed) after they are relayed. */
    responses: z.boolean().default(true),
    /** Redact findings in requests before they leave (until a policy decides per rule). */
    redact: z.boolean().default(false),
    detectors: z.array(z.string()).optional(),
    /** Per-detector time budget per exchange (ms); a detector over it counts as failed for policy. */
    budgetMs: z.number().positive().default(250),
    /** Passive covert-channel detection: learn each tool version's prompt and flag hidden variants. */
    baselines: z.boolean().default(true),
    /**
     * Memory for each of the two caches of what was seen before (system prompts, tools, earlier
     * turns): inspection results, and the parsed parts of request bodies (when the addon is built).
     */
    cacheMegabytes: z.number().nonnegative().default(64),
    /**
     * When nothing before forwarding depends on findings (no policy, no redaction), inspect after
     * the response in a worker thread, which then also holds the prompt baselines. Off: on the
     * gateway's thread.
     */
    thread: z.boolean().default(true),
    /**
     * gitleaks.toml files whose rules join the built-in secret rules (paths relative to this
     * file); rules that cannot apply to prompt text are listed in the log at start.
     */
    gitleaks: z.array(z.string().min(1)).default([]),
    /** Values never reported by the secrets and personal-data detectors: exact strings, or regexes as 're:…'. */
    allow: z.array(z.string().min(1)).default([]),
    internal: z.strictObject({
      domains: z.array(z.string()).default([]),
      hosts: z.array(z.string()).default([]),
      cidrs: z.array(z.string()).default([]),
      users: z.array(z.string()).default([]),
    }).optional(),
  }).default({ enabled: true, responses: true, redact: false, budgetMs: 250, baselines: true, cacheMegabytes: 64, thread: true, gitleaks: [], allow: [] }),
  auth: z.strictObject({
    /** Seconds a key lookup is cached; a revoked key stops working within this time. */
    cacheSeconds: z.number().nonnegative().default(2),
  }).default({ cacheSeconds: 2 }),
  upstreams: z.array(upstreamSchema).min(1),
  /** Policy file (YAML, docs/policy.md); reloaded on change and on SIGHUP. Default: none. */
  policy: z.string().optional(),
});

export type GatewayConfig = z.infer<typeof configSchema>;
export type UpstreamConfig = z.infer<typeof upstreamSchema>;

export const DEFAULT_UPSTREAMS: z.input<typeof upstreamSchema>[] = [
  { name: 'anthropic', baseUrl: 'https://api.anthropic.com', dialects: ['anthropic'], apiKeyEnv: 'ANTHROPIC_API_KEY' },
  { name: 'openai', baseUrl: 'https://api.openai.com', dialects: ['openai-chat', 'openai-responses'], apiKeyEnv: 'OPENAI_API_KEY' },
];

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const withDefaultUpstreams = (v: unknown): unknown =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? { upstreams: DEFAULT_UPSTREAMS, ...v } : v;

/** Checks zod cannot make: upstream names are unique. */
function duplicateUpstream(cfg: GatewayConfig): number {
  const seen = new Set<string>();
  for (let i = 0; i < cfg.upstreams.length; i++) {
    const name = cfg.upstreams[i]!.name;
    if (seen.has(name)) return i;
    seen.add(name);
  }
  return -1;
}

/** Validates a config object; errors name each offending field. */
export function parseConfig(input: unknown, source = 'config'): GatewayConfig {
  const r = configSchema.safeParse(withDefaultUpstreams(input ?? {}));
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ConfigError(`${source} is invalid:\n${lines.join('\n')}`);
  }
  const dup = duplicateUpstream(r.data);
  if (dup >= 0) throw new ConfigError(`${source} is invalid:\n  upstreams[${dup}].name: duplicate name '${r.data.upstreams[dup]!.name}'`);
  return r.data;
}

/** A YAML config file: each problem at file:line:column, with what was found and what was expected. */
export function loadConfig(file: string | undefined): GatewayConfig {
  if (file === undefined) return parseConfig({}, 'defaults');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`cannot read ${file}: ${(e as Error).message}`);
  }
  const r = validateYaml(text, configSchema, 'the configuration reference in README.md', withDefaultUpstreams);
  const fail = (issues: YamlIssue[]): never => {
    throw new ConfigError(`${file} is not a valid configuration:\n${issues.map((i) => `  ${formatIssue(file, i)}`).join('\n')}`);
  };
  if (!r.ok) return fail(r.issues);
  const dup = duplicateUpstream(r.value);
  if (dup >= 0) fail([{ level: 'error', path: ['upstreams', dup, 'name'], message: `found '${r.value.upstreams[dup]!.name}'; expected a name no other upstream has`, ...r.locate(['upstreams', dup, 'name']) }]);
  // Rule files are relative to the configuration file, and must import now, not at the first request.
  const rules = r.value.inspection.gitleaks.map((f) => resolve(dirname(file), f));
  for (let i = 0; i < rules.length; i++) {
    try {
      loadSecretRules([rules[i]!]);
    } catch (e) {
      const path = ['inspection', 'gitleaks', i];
      fail([{ level: 'error', path, message: `${(e as Error).message}; expected a readable gitleaks.toml`, ...r.locate(path) }]);
    }
  }
  r.value.inspection.gitleaks = rules;
  return r.value;
}

/** An inspection setting, by its key. */
export type InspectionKey = keyof GatewayConfig['inspection'];

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * The key paths whose values differ between two configurations (`inspection.internal.domains`,
 * `upstreams`): objects are compared key by key, lists and values whole. Paths only, never
 * values: an allowed value or an internal name is confidential, and these go to the log.
 */
export function changedKeys(a: unknown, b: unknown, path = ''): string[] {
  if (isRecord(a) && isRecord(b)) {
    const out: string[] = [];
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) out.push(...changedKeys(a[k], b[k], path === '' ? k : `${path}.${k}`));
    return out;
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [path];
}

export interface ReloadPlan {
  /** The inspection section to apply: the new one, with the settings held for a restart as they are. */
  inspection: GatewayConfig['inspection'];
  /** Key paths applied at once. */
  applied: string[];
  /** Key paths changed in the file that take a restart, and are not applied (not even in part). */
  restart: string[];
}

/**
 * What a configuration read again may change in a running gateway: the inspection section, which
 * each exchange takes as a whole when it starts, but for `held` (its worker thread, and whatever
 * the caller knows would start or stop it). Everything else (listen address, data directory,
 * store, upstreams, limits, audit, auth, policy) was built into long-lived objects at start.
 */
export function reloadPlan(current: GatewayConfig, next: GatewayConfig, held: readonly InspectionKey[]): ReloadPlan {
  const inspection = { ...next.inspection };
  for (const k of held) (inspection as Record<string, unknown>)[k] = current.inspection[k];
  const live = (p: string): boolean => p.startsWith('inspection.') && !held.some((k) => p === `inspection.${k}` || p.startsWith(`inspection.${k}.`));
  const changed = changedKeys(current, next);
  return { inspection, applied: changed.filter(live), restart: changed.filter((p) => !live(p)) };
}

const globs = new Map<string, RegExp>();
const globToRegExp = (g: string): RegExp => {
  let re = globs.get(g);
  if (re === undefined) {
    re = new RegExp(`^${g.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
    globs.set(g, re);
  }
  return re;
};

/** The first upstream that serves this dialect and model. */
export function pickUpstream(cfg: GatewayConfig, dialect: Dialect, model: string | null): UpstreamConfig | null {
  for (const u of cfg.upstreams) {
    if (!u.dialects.includes(dialect)) continue;
    if (u.models === undefined || model === null) return u;
    if (u.models.some((g) => globToRegExp(g).test(model))) return u;
  }
  return null;
}

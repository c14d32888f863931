// The inspection worker (late-inspection.ts): inspects exchanges after their response, one at a
// time, with its own result cache and prompt baselines. The baselines are loaded from and saved to
// the gateway's store over a connection of the worker's own, as the gateway's thread would do.
import { parentPort, workerData } from 'node:worker_threads';
import pino from 'pino';
import { openStore } from '../store/index.ts';
import type { Store } from '../store/types.ts';
import { serveRequests } from '../store/worker-client.ts';
import { BaselineObserver } from './baselines.ts';
import { inspectLate, inspectionOptions, warmInspection, type LateRequest, type LateResult, type LateWorkerData } from './late-inspection.ts';
import { loadNative } from '../native/load.ts';
import { importSecretRules, type RuleSource } from './secret-rules.ts';
import type { SecretRule } from '../core/detect/secrets/types.ts';

loadNative();

const data = workerData as LateWorkerData;
// The rules the gateway's thread read and accepted (never the files: see LateWorkerData.gitleaks).
const rulesOf = (sources: readonly RuleSource[]): SecretRule[] => importSecretRules(sources).rules;
let opts = inspectionOptions(data.inspection, data.hashSecret, rulesOf(data.gitleaks));
warmInspection(opts);
const logger = data.logLevel !== undefined ? pino({ level: data.logLevel, base: { service: 'airlock', thread: 'inspection' } }) : null;
// Baseline sync failures are logged; the next sync retries.
const warn = (e: unknown): void => logger?.warn({ err: e instanceof Error ? e.message : String(e) }, 'prompt baseline sync failed');
// The store is opened on first use and again after a failure: a database that was unreachable
// when the worker started gets the baselines once it is back (the gateway migrated it already).
let opened: Promise<Store> | null = null;
const open = (url: string): Promise<Store> => (opened ??= openStore(url, { migrate: false }).catch((e: unknown) => {
  opened = null;
  throw e;
}));
const url = data.storeUrl;
const store = url === null ? null : {
  saveBaselineVariants: async (...a: Parameters<Store['saveBaselineVariants']>) => (await open(url)).saveBaselineVariants(...a),
  loadBaselineVariants: async (...a: Parameters<Store['loadBaselineVariants']>) => (await open(url)).loadBaselineVariants(...a),
};
// The inspection settings in force (`inspection.baselines` may be switched on or off by a reload).
let settings = data.inspection;
let baselines: BaselineObserver | undefined;
/** The prompt baselines, started (loaded from the store) the first time they are switched on. */
async function startBaselines(): Promise<void> {
  if (baselines !== undefined) return;
  baselines = new BaselineObserver(store, { onError: warn, ...(data.baselineSyncMs !== undefined ? { syncMs: data.baselineSyncMs } : {}) });
  await baselines.start().catch(warn);
}
if (settings.baselines) await startBaselines();

// A batch of jobs, or a reload: the organisation's secret rules from the texts the gateway's thread
// read and accepted, and the inspection settings, with fresh caches (results cached under the old
// settings would hide new findings). Requests are served one at a time: a batch sees one set.
async function reload(q: Exclude<LateRequest, unknown[]>): Promise<LateResult[]> {
  const nextSettings = q.inspection ?? settings;
  const next = inspectionOptions(nextSettings, data.hashSecret, rulesOf(q.reload));
  warmInspection(next);
  if (nextSettings.baselines) await startBaselines();
  settings = nextSettings;
  opts = next;
  return [];
}
serveRequests<LateRequest, LateResult[]>(parentPort!, (q) => {
  if (!Array.isArray(q)) return reload(q);
  // Switched off, the baselines are kept (not compared, nothing learnt) in case they come back.
  const compare = settings.baselines ? baselines : undefined;
  return q.map((job) => inspectLate(job, opts, compare));
}, async () => {
  await baselines?.close();
  if (opened !== null) await (await opened.catch(() => null))?.close();
});

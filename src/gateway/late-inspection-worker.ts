// The inspection worker (late-inspection.ts): inspects exchanges after their response, one at a
// time, with its own result cache and prompt baselines. The baselines are loaded from and saved to
// the gateway's store over a connection of the worker's own, as the gateway's thread would do.
import { parentPort, workerData } from 'node:worker_threads';
import pino from 'pino';
import { openStore } from '../store/index.ts';
import { serveRequests } from '../store/worker-client.ts';
import { BaselineObserver } from './baselines.ts';
import { inspectLate, inspectionOptions, type LateJob, type LateResult, type LateWorkerData } from './late-inspection.ts';

const data = workerData as LateWorkerData;
const opts = inspectionOptions(data.inspection, data.hashSecret);
const logger = data.logLevel !== undefined ? pino({ level: data.logLevel, base: { service: 'airlock', thread: 'inspection' } }) : null;
// Baseline sync failures are logged; the next sync retries.
const warn = (e: unknown): void => logger?.warn({ err: e instanceof Error ? e.message : String(e) }, 'prompt baseline sync failed');
let baselines: BaselineObserver | undefined;
// The gateway migrated the store before starting.
const store = data.storeUrl !== null && data.inspection.baselines ? await openStore(data.storeUrl, { migrate: false }).catch(() => null) : null;
if (data.inspection.baselines) {
  baselines = new BaselineObserver(store, { onError: warn });
  await baselines.start().catch(warn);
}

serveRequests<LateJob[], LateResult[]>(parentPort!, (jobs) => jobs.map((job) => inspectLate(job, opts, baselines)), async () => {
  await baselines?.close();
  await store?.close();
});

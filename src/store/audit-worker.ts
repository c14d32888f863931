// The worker side of ThreadedAppender (audit-thread.ts): opens the gateway's store once and
// appends each batch it is sent, in order, replying when the batch is committed (and, between
// batches, the rate limiter's counters and new prompt-baseline variants). Store errors are
// sent back as failures (the store's own text, which names no record content) for the writer to
// report and retry.
import { parentPort, workerData } from 'node:worker_threads';
import type { StoreJob } from './audit-thread.ts';
import { openStore } from './index.ts';
import type { Store } from './types.ts';
import { serveRequests } from './worker-client.ts';

const { storeUrl } = workerData as { storeUrl: string };
// The gateway migrated the store before starting; opening it again must not race that.
let store: Promise<Store> | null = null;
const open = (): Promise<Store> => (store ??= openStore(storeUrl, { migrate: false }).catch((e: unknown) => {
  store = null; // the next batch tries again (a database that was down may be back)
  throw e;
}));

// One batch at a time: batches land in the order the writer sent them.
serveRequests<StoreJob, null | number[] | number>(parentPort!, async (job) => {
  const s = await open();
  if ('bump' in job) return s.bumpCounters(job.bump);
  if ('prune' in job) return s.pruneCounters(job.prune);
  if ('variants' in job) {
    await s.saveBaselineVariants(job.variants);
    return null;
  }
  await s.appendAudit(job.append);
  return null;
}, async () => {
  if (store !== null) await (await store.catch(() => null))?.close();
});

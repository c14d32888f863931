// The worker side of ThreadedAppender (audit-thread.ts): opens the gateway's store once and
// appends each batch it is sent, in order, replying when the batch is committed. Store errors are
// sent back as messages (the store's own text, which names no record content) for the writer to
// report and retry.
import { parentPort, workerData } from 'node:worker_threads';
import { openStore } from './index.ts';
import type { Store } from './types.ts';
import type { FromWorker, ToWorker } from './audit-thread.ts';

const port = parentPort!;
const { storeUrl } = workerData as { storeUrl: string };
// The gateway migrated the store before starting; opening it again must not race that.
let store: Promise<Store> | null = null;
const open = (): Promise<Store> => (store ??= openStore(storeUrl, { migrate: false }).catch((e: unknown) => {
  store = null; // the next batch tries again (a database that was down may be back)
  throw e;
}));

// One message at a time: batches must land in the order the writer sent them.
let chain = Promise.resolve();
port.on('message', (m: ToWorker) => {
  chain = chain.then(() => handle(m));
});

async function handle(m: ToWorker): Promise<void> {
  if (m.type === 'close') {
    if (store !== null) await (await store.catch(() => null))?.close().catch(() => {});
    port.postMessage({ type: 'closed' } satisfies FromWorker);
    port.close();
    return;
  }
  try {
    await (await open()).appendAudit(m.entries);
    port.postMessage({ type: 'appended', id: m.id } satisfies FromWorker);
  } catch (e) {
    port.postMessage({ type: 'failed', id: m.id, message: e instanceof Error ? e.message : String(e) } satisfies FromWorker);
  }
}

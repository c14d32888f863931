// Waits until the gateway's audit writer has flushed (the trail stops growing and nothing is in
// flight: an exchange is in flight until its record is written, after any inspection in the
// worker), then returns every record.
import type { AuditRecord } from '../../src/core/types.ts';
import type { Gateway } from '../../src/gateway/server.ts';
import type { Store } from '../../src/store/types.ts';

export async function settledRecords(store: Store, gw: Gateway): Promise<AuditRecord[]> {
  let last = -1;
  for (let i = 0; i < 500; i++) {
    await new Promise((r) => setTimeout(r, 20));
    const n = (await store.readAudit({ limit: 100_000 })).length;
    if (n === last && gw.inFlight === 0 && gw.auditPending === 0) break;
    last = n;
  }
  return store.readAudit({ limit: 100_000 });
}

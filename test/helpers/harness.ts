// Starts a real gateway on a real socket in front of a real mock provider, with a real SQLite
// store in a temp dir. Tests talk to it with the official SDKs or plain HTTP.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig, type GatewayConfig } from '../../src/gateway/config.ts';
import { Gateway } from '../../src/gateway/server.ts';
import type { Decider, Logger } from '../../src/gateway/pipeline.ts';
import { openStore } from '../../src/store/index.ts';
import type { Store } from '../../src/store/types.ts';
import { MockProvider, type MockOptions } from '../../src/probe/mock-provider.ts';
import type { AuditRecord } from '../../src/core/types.ts';
import { settledRecords } from './records.ts';

export const PROVIDER_KEY = 'sk-provider-test-key-held-by-gateway';

export interface Harness {
  gw: Gateway;
  mock: MockProvider;
  store: Store;
  key: string;
  keyId: string;
  url: string;
  dir: string;
  logs: { level: string; obj: object; msg?: string }[];
  /** Flushes the audit writer and returns all records. */
  records(): Promise<AuditRecord[]>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  config?: Record<string, unknown>;
  mock?: MockOptions;
  passthrough?: boolean;
  decider?: Decider;
  store?: Store;
  /** Upstreams tried before the two defaults (e.g. one for a model family). */
  extraUpstreams?: Record<string, unknown>[];
  /** Worker threads (audit appends, inspection after the response) open this store URL, as under `serve`. */
  storeUrl?: string;
  /** Worker threads on the harness's own SQLite file. */
  workers?: boolean;
}

export async function startHarness(o: HarnessOptions = {}): Promise<Harness> {
  const mock = new MockProvider(o.mock);
  const mockUrl = await mock.listen();
  const dir = mkdtempSync(join(tmpdir(), 'airlock-test-'));
  const ownUrl = `sqlite:${join(dir, 'airlock.db')}`;
  const store = o.store ?? (await openStore(ownUrl));
  const storeUrl = o.storeUrl ?? (o.workers === true ? ownUrl : undefined);
  await store.migrate();
  const auth = o.passthrough === true ? 'passthrough' : 'managed';
  const config: GatewayConfig = parseConfig({
    listen: { host: '127.0.0.1', port: 0 },
    dataDir: dir,
    audit: { flushMs: 5, maxBatch: 100, storeRedactedBodies: false },
    upstreams: [
      ...(o.extraUpstreams ?? []),
      { name: 'anthropic', baseUrl: mockUrl, dialects: ['anthropic'], auth, apiKeyEnv: 'TEST_PROVIDER_KEY' },
      { name: 'openai', baseUrl: mockUrl, dialects: ['openai-chat', 'openai-responses'], auth, apiKeyEnv: 'TEST_PROVIDER_KEY' },
    ],
    ...o.config,
  });
  const logs: Harness['logs'] = [];
  const logger: Logger = {
    info: (obj, msg) => logs.push({ level: 'info', obj, msg }),
    warn: (obj, msg) => logs.push({ level: 'warn', obj, msg }),
    error: (obj, msg) => logs.push({ level: 'error', obj, msg }),
  };
  const gw = new Gateway({ config, store, logger, env: { TEST_PROVIDER_KEY: PROVIDER_KEY }, decider: o.decider, hashSecret: 'test-secret', ...(storeUrl !== undefined ? { storeUrl } : {}) });
  await gw.listen(0, '127.0.0.1');
  const { key, row } = await store.createKey({ user: 'alice', team: 'payments', role: 'developer' });
  let closed = false;
  return {
    gw, mock, store, key, keyId: row.keyId, url: gw.url, dir, logs,
    records: () => settledRecords(store, gw),
    async close() {
      if (closed) return;
      closed = true;
      await gw.close(2_000);
      await mock.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Raw HTTP call with full control of bytes and headers. */
export async function rawPost(url: string, path: string, body: string | Buffer, headers: Record<string, string>): Promise<{ status: number; headers: Headers; text: string }> {
  const res = await fetch(url + path, { method: 'POST', body, headers });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

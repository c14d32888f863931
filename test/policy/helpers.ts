// A real gateway with a policy file on disk, in front of one or two mock providers, over real
// sockets with a real store (SQLite by default). Policy tests talk to it with the official SDKs.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Finding } from '../../src/core/types.ts';
import { parseConfig } from '../../src/gateway/config.ts';
import type { Logger } from '../../src/gateway/pipeline.ts';
import { PolicyHolder } from '../../src/gateway/policy-loader.ts';
import { Gateway } from '../../src/gateway/server.ts';
import { MockProvider, type MockOptions } from '../../src/probe/mock-provider.ts';
import { openStore } from '../../src/store/index.ts';
import type { Store } from '../../src/store/types.ts';
import type { AuditRecord } from '../../src/core/types.ts';
import { settledRecords } from '../helpers/records.ts';

export interface PolicyGateway {
  gw: Gateway;
  mock: MockProvider;
  inhouse: MockProvider;
  store: Store;
  policy: PolicyHolder;
  policyFile: string;
  url: string;
  dir: string;
  logs: { level: string; obj: object; msg?: string }[];
  key(user: string, team: string | null, role?: 'admin' | 'auditor' | 'developer'): Promise<string>;
  records(): Promise<AuditRecord[]>;
  close(): Promise<void>;
}

/** `threads`: the audit worker of `serve` (given the store's URL), which on SQLite also writes the rate limiter's counters. */
export async function startPolicyGateway(policyText: string, o: { store?: Store; mock?: MockOptions; config?: Record<string, unknown>; keepStore?: boolean; threads?: boolean } = {}): Promise<PolicyGateway> {
  const mock = new MockProvider(o.mock);
  const inhouse = new MockProvider({ reply: 'Hello from the in-house model.' });
  const [mockUrl, inhouseUrl] = await Promise.all([mock.listen(), inhouse.listen()]);
  const dir = mkdtempSync(join(tmpdir(), 'airlock-policy-'));
  const storeUrl = `sqlite:${join(dir, 'airlock.db')}`;
  const store = o.store ?? (await openStore(storeUrl));
  await store.migrate();
  const config = parseConfig({
    listen: { host: '127.0.0.1', port: 0 },
    dataDir: dir,
    audit: { flushMs: 5, maxBatch: 100, storeRedactedBodies: false, thread: o.threads === true },
    upstreams: [
      { name: 'anthropic', baseUrl: mockUrl, dialects: ['anthropic'], auth: 'managed', apiKeyEnv: 'TEST_PROVIDER_KEY' },
      { name: 'openai', baseUrl: mockUrl, dialects: ['openai-chat', 'openai-responses'], auth: 'managed', apiKeyEnv: 'TEST_PROVIDER_KEY' },
      { name: 'inhouse', baseUrl: inhouseUrl, dialects: ['anthropic', 'openai-chat', 'openai-responses'], models: ['inhouse-*'], auth: 'managed', apiKeyEnv: 'TEST_PROVIDER_KEY' },
    ],
    ...o.config,
  });
  const logs: PolicyGateway['logs'] = [];
  const logger: Logger = {
    info: (obj, msg) => logs.push({ level: 'info', obj, msg }),
    warn: (obj, msg) => logs.push({ level: 'warn', obj, msg }),
    error: (obj, msg) => logs.push({ level: 'error', obj, msg }),
  };
  const policyFile = join(dir, 'policy.yaml');
  writeFileSync(policyFile, policyText);
  const policy = new PolicyHolder(policyFile, {
    logger,
    upstreams: config.upstreams.map((u) => u.name),
    debounceMs: 20,
    onLoad: (p) => void store.savePolicyVersion({ hash: p.hash, source: p.file, text: p.text }),
  });
  const gw = new Gateway({ config, store, logger, env: { TEST_PROVIDER_KEY: 'sk-provider-test' }, hashSecret: 'test-secret', policy, ...(o.threads === true && o.store === undefined ? { storeUrl } : {}) });
  await gw.listen(0, '127.0.0.1');
  let closed = false;
  return {
    gw, mock, inhouse, store, policy, policyFile, url: gw.url, dir, logs,
    async key(user, team, role = 'developer') {
      return (await store.createKey({ user, team, role })).key;
    },
    records: () => settledRecords(store, gw),
    async close() {
      if (closed) return;
      closed = true;
      policy.close();
      await gw.close(2_000);
      await Promise.all([mock.close(), inhouse.close()]);
      if (o.keepStore !== true) await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A finding as the engine would report it (for tests that do not depend on the detectors). */
export function finding(over: Partial<Finding> = {}): Finding {
  return { detector: 'secrets', rule: 'aws-secret-key', severity: 'critical', role: 'tool_result', segmentPath: 'messages[2].content[0].content', start: 0, end: 40, preview: 'hJ8s… (40 chars)', confidence: 0.9, ...over };
}

/**
 * A policy that blocks a secret found in one part of the request (`query`, `header`) for team
 * research under rule `blockId`, and redacts secrets everywhere else (rule secrets-redacted).
 */
export const blockSecretsIn = (segment: 'query' | 'header', blockId: string): string => `version: 1
clients:
  unknown: allow
rules:
  - id: ${blockId}
    when: { detectors: [secrets], segments: [${segment}], teams: [research] }
    action: block
  - id: secrets-redacted
    when: { detectors: [secrets] }
    action: redact
`;

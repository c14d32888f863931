// Inspection after the response in a worker thread (no policy, no redaction): the records say
// exactly what inspection on the gateway's thread says; a crashed worker, a failing worker, a full
// queue and a shutdown with jobs in flight lose no record and skip no check.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Worker } from 'node:worker_threads';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../src/store/index.ts';
import Anthropic from '@anthropic-ai/sdk';
import { startHarness, type Harness } from '../helpers/harness.ts';
import { InspectionThread, type LateJob } from '../../src/gateway/late-inspection.ts';
import { parseConfig } from '../../src/gateway/config.ts';
import type { AuditRecord } from '../../src/core/types.ts';

const SECRET = 'AWS_SECRET_ACCESS_KEY=hJ8sK2mZp4Lq9WvX1tYb7NcR5eF3gD6aQ0uIoPzE';
// The answer holds personal data: response findings come from the worker too.
const mock = { reply: 'Ask jane.doe@acme-corp.io for access.' };

async function exchange(h: Harness, i: number, stream = false): Promise<void> {
  const client = new Anthropic({ baseURL: h.url, apiKey: h.key, maxRetries: 0, defaultHeaders: { 'user-agent': 'claude-cli/2.1.90 (external, cli)', 'x-user-email': 'bob.smith@acme-corp.io' } });
  const params = {
    model: 'claude-x', max_tokens: 16, system: 'You are a coding agent.',
    messages: [
      { role: 'user' as const, content: `read .env #${i}` },
      { role: 'assistant' as const, content: [{ type: 'tool_use' as const, id: 'toolu_1', name: 'Read', input: { path: '.env' } }] },
      { role: 'user' as const, content: [{ type: 'tool_result' as const, tool_use_id: 'toolu_1', content: SECRET }] },
    ],
  };
  if (stream) await client.messages.stream(params).finalMessage();
  else await client.messages.create(params);
}

/** What a record says about inspection, in a comparable form. */
const said = (r: AuditRecord): unknown => ({
  findings: r.findings.map((f) => ({ ...f })).sort((a, b) => `${a.segmentPath}${a.rule}`.localeCompare(`${b.segmentPath}${b.rule}`)),
  decision: r.decision,
});

describe('inspection in the worker', () => {
  let inline: Harness;
  let worker: Harness;
  before(async () => {
    inline = await startHarness({ mock });
    worker = await startHarness({ mock, workers: true });
  });
  after(async () => {
    await inline.close();
    await worker.close();
  });

  test('records the same findings and decision as inspection on the gateway thread, streamed or not', async () => {
    for (const stream of [false, true]) {
      await exchange(inline, 1, stream);
      await exchange(worker, 1, stream);
    }
    const a = await inline.records();
    const b = await worker.records();
    assert.equal(b.length, 2);
    assert.deepEqual(b.map(said), a.map(said));
    const rules = b[0]!.findings.map((f) => `${f.detector}/${f.rule}@${f.segmentPath}`);
    assert.ok(rules.some((r) => r.startsWith('secrets/aws-secret-key@messages[2].content')), rules.join(', '));
    assert.ok(rules.some((r) => r.startsWith('pii/email@response.')), 'the response is inspected in the worker');
    assert.ok(rules.includes('pii/email@headers["x-user-email"]'), 'and the forwarded headers');
    assert.equal(b[0]!.decision?.action, 'alert');
    assert.ok(!JSON.stringify(b).includes('hJ8sK2mZp4Lq9WvX1tYb7NcR5eF3gD6aQ0uIoPzE'), 'masked previews only');
    // The worker hashes the body for the record: the same hash as the gateway thread's.
    assert.deepEqual(b.map((r) => r.requestSha256), a.map((r) => r.requestSha256));
    const sent = worker.mock.requests.at(-1)!.body;
    assert.equal(b[1]!.requestSha256, createHash('sha256').update(sent).digest('hex'), 'the body as forwarded (unchanged)');
  });

  test('a worker that dies is replaced: the exchange it held is inspected by the next one', async () => {
    const thread = (worker.gw as unknown as { inspection: { client: { worker: Worker | null } } }).inspection;
    const before = (await worker.records()).length;
    const w = thread.client.worker;
    assert.ok(w !== null, 'the worker was started');
    // The job reaches a thread that is going (no more JS runs there once terminate() is called).
    const dying = w.terminate();
    await exchange(worker, 2);
    await dying;
    const recs = await worker.records();
    assert.equal(recs.length, before + 1);
    assert.ok(recs.at(-1)!.findings.some((f) => f.rule === 'aws-secret-key'), 'inspected by the fresh worker');
    assert.notEqual(thread.client.worker, w);
  });

  test('a job the worker cannot finish is inspected on the gateway thread, and the log says baselines were skipped', async () => {
    const thread = (worker.gw as unknown as { inspection: InspectionThread }).inspection;
    const real = thread.inspect.bind(thread);
    thread.inspect = () => Promise.reject(new Error('inspection worker exited (code 1)'));
    try {
      await exchange(worker, 3);
      const rec = (await worker.records()).at(-1)!;
      assert.ok(rec.findings.some((f) => f.rule === 'aws-secret-key'), 'still inspected');
      assert.ok(rec.findings.some((f) => f.segmentPath.startsWith('response.')), 'the response too');
      assert.equal(rec.decision?.action, 'alert');
      assert.ok(worker.logs.some((l) => l.level === 'warn' && /inspected on the gateway thread, without prompt baselines/.test(l.msg ?? '')));
      assert.deepEqual(rec.gaps, [{ part: 'request', detector: 'covert', reason: 'prompt baselines not compared: the inspection worker failed' }]);
    } finally {
      thread.inspect = real;
    }
  });

  test('a job neither the worker nor the gateway thread can inspect is recorded as not inspected, never as clean', async () => {
    const thread = (worker.gw as unknown as { inspection: InspectionThread }).inspection;
    const pipeline = (worker.gw as unknown as { pipeline: { inspection: { request: unknown } } }).pipeline;
    const real = thread.inspect.bind(thread);
    const opts = pipeline.inspection;
    thread.inspect = () => Promise.reject(new Error('inspection worker exited (code 1)'));
    // The fallback's engine options, broken: inspecting on the gateway thread throws.
    pipeline.inspection = { ...opts, get request(): never { throw new Error('engine unavailable'); } };
    try {
      await exchange(worker, 5);
      const rec = (await worker.records()).at(-1)!;
      assert.deepEqual(rec.findings, []);
      assert.equal(rec.decision?.action, 'alert', 'the default decision alerts on a detector failure');
      assert.deepEqual(rec.gaps?.map((g) => [g.part, g.detector]), [['request', 'engine'], ['response', 'engine']]);
      assert.match(rec.gaps![0]!.reason, /could not be inspected: engine unavailable/);
    } finally {
      thread.inspect = real;
      pipeline.inspection = opts;
    }
  });

  test('a worker that stays full past the request\'s time limit: 503 AIRLOCK_ERR_INSPECTION_BACKLOG in the caller\'s format, recorded, nothing forwarded', async () => {
    const thread = (worker.gw as unknown as { inspection: InspectionThread }).inspection;
    const waits: number[] = [];
    Object.defineProperty(thread, 'full', { configurable: true, get: () => true });
    thread.room = (ms: number) => (waits.push(ms), Promise.resolve(false));
    const sent = worker.mock.requests.length;
    try {
      await assert.rejects(exchange(worker, 4), (e: unknown) => {
        const err = e as { status?: number; error?: { error?: { type?: string; message?: string } }; headers?: Headers };
        assert.equal(err.status, 503);
        assert.equal(err.error?.error?.type, 'overloaded_error');
        assert.match(err.error?.error?.message ?? '', /AIRLOCK_ERR_INSPECTION_BACKLOG/);
        return true;
      });
    } finally {
      delete (thread as unknown as { full?: boolean }).full;
      thread.room = InspectionThread.prototype.room.bind(thread);
    }
    assert.equal(worker.mock.requests.length, sent, 'nothing forwarded');
    assert.ok(waits[0]! > 100_000 && waits[0]! < 120_000, `the wait is bounded by the request's time limit (${waits[0]} ms)`);
    const rec = (await worker.records()).at(-1)!;
    assert.equal(rec.errorCode, 'AIRLOCK_ERR_INSPECTION_BACKLOG');
    assert.equal(rec.status, 503);
  });

  test('on shutdown every exchange still being inspected is recorded before the trail closes', async () => {
    const h = await startHarness({ mock, workers: true });
    const n = 24;
    await Promise.all(Array.from({ length: n }, (_, i) => exchange(h, 100 + i, i % 2 === 0)));
    // Closing at once: inspections queued in the worker must finish and be recorded.
    await h.gw.close(2_000);
    const recs = await h.store.readAudit({ limit: 1000 });
    assert.equal(recs.length, n);
    for (const r of recs) assert.ok(r.findings.some((f) => f.rule === 'aws-secret-key'), r.id);
    assert.equal((await h.store.verifyAudit()).ok, true);
    await h.close();
  });
});

test('back-pressure: past the bound of queued bodies, room() waits until the worker catches up', async () => {
  const cfg = parseConfig({});
  const t = new InspectionThread({ inspection: cfg.inspection, hashSecret: 's', storeUrl: null, gitleaks: [] }, 1024);
  const body = Buffer.from(JSON.stringify({ model: 'm', messages: [{ role: 'user', content: `${'x'.repeat(2000)} ${SECRET}` }] }));
  const job: LateJob = { dialect: 'anthropic', body, tool: 't', version: null, user: 'u', headers: {}, search: '', modelCall: true, output: [] };
  try {
    assert.equal(t.full, false);
    assert.equal(await t.room(1), true, 'room now: at once');
    const pending = t.inspect(job);
    assert.equal(t.full, true, '2 KB queued against a 1 KB bound');
    // A wait is bounded: the worker is still starting (~100 ms), 1 ms is not enough.
    assert.equal(await t.room(1), false);
    let roomy = false;
    const room = t.room(60_000).then((ok) => (roomy = ok));
    await new Promise((r) => setImmediate(r));
    assert.equal(roomy, false, 'a new request waits');
    const r = await pending;
    await room;
    assert.equal(roomy, true);
    assert.equal(t.full, false);
    assert.ok(r.findings.some((f) => f.rule === 'aws-secret-key'));
    assert.equal(body.toString().includes(SECRET), true, "the caller's body is untouched (the worker got a copy)");
  } finally {
    await t.close();
  }
});

test('jobs of one event-loop turn travel in one message, each gets its own result', async () => {
  const cfg = parseConfig({});
  const t = new InspectionThread({ inspection: cfg.inspection, hashSecret: 's', storeUrl: null, gitleaks: [] });
  const job = (content: string): LateJob => ({
    dialect: 'anthropic', body: Buffer.from(JSON.stringify({ model: 'm', messages: [{ role: 'user', content }] })),
    tool: 't', version: null, user: 'u', headers: {}, search: '', modelCall: true, output: [],
  });
  try {
    const jobs = [job(SECRET), job('nothing to see'), job('mail jane.doe@acme-corp.io')];
    const results = jobs.map((j) => t.inspect(j));
    await new Promise((r) => setImmediate(r));
    assert.equal(t.pending, 1, 'one message for the three jobs');
    const [a, b, c] = await Promise.all(results);
    assert.deepEqual(a!.findings.map((f) => f.rule), ['aws-secret-key']);
    assert.deepEqual(b!.findings, []);
    assert.deepEqual(c!.findings.map((f) => f.rule), ['email']);
    assert.equal(c!.requestSha256, createHash('sha256').update(jobs[2]!.body).digest('hex'));
  } finally {
    await t.close();
  }
});

test('a store that cannot be opened when the worker starts gets its baselines once it can', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-late-'));
  const file = join(dir, 'b.db');
  mkdirSync(file); // a directory where the database should be: opening fails
  const cfg = parseConfig({});
  const t = new InspectionThread({ inspection: cfg.inspection, hashSecret: 's', storeUrl: `sqlite:${file}`, baselineSyncMs: 50, gitleaks: [] });
  try {
    const body = Buffer.from(JSON.stringify({ model: 'm', system: 'You are Acme Code, a coding agent.', messages: [{ role: 'user', content: 'hi' }] }));
    await t.inspect({ dialect: 'anthropic', body, tool: 'acme-cli', version: '1.0.0', user: 'ann', headers: {}, search: '', modelCall: true, output: [] });
    await new Promise((r) => setTimeout(r, 200)); // syncs fail meanwhile
    rmSync(file, { recursive: true });
    // The worker retries its store every 50 ms and may open the new file while this thread creates
    // and migrates it: SQLite can then answer SQLITE_BUSY at once (switching a new file to WAL, a
    // snapshot that moved); like the worker, the test tries again.
    const busy = async <T>(f: () => Promise<T>): Promise<T> => {
      for (let i = 0; ; i++) {
        try { return await f(); } catch (e) { if ((e as { code?: string }).code !== 'SQLITE_BUSY' || i >= 50) throw e; }
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    const store = await busy(() => openStore(`sqlite:${file}`));
    await busy(() => store.migrate());
    try {
      let rows: unknown[] = [];
      for (let i = 0; i < 100 && rows.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 50));
        rows = (await busy(() => store.loadBaselineVariants({ afterRev: 0, limit: 100 }))).rows;
      }
      assert.ok(rows.length > 0, 'the variant learned while the store was missing is saved');
    } finally {
      await store.close();
    }
  } finally {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

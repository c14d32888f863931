// Inspection after the response (alert-only: no policy, no redaction), and the worker thread that
// does it. When nothing before forwarding depends on findings, the client waits for none of the
// inspection; on the gateway's thread it still delayed every request behind it (with 100 KB
// bodies at concurrency 32, throughput halved). A worker with its own prompt baselines, result
// cache and store connection parses, inspects and compares the exchange; the gateway's thread only
// copies the body into a message and records what comes back.
//
// Nothing is skipped: past `maxQueuedBytes` of bodies waiting, new requests wait for room before
// their body is read (back-pressure, not refusal), and a job the worker could not finish (it
// crashed twice) is inspected on the gateway's thread, without the prompt baselines that live in
// the worker, and the record says so.
import { createHmac, hash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { inspect, type InspectOptions, type InspectResult } from '../core/detect/engine.ts';
import { HitCache } from '../core/detect/cache.ts';
import { HeaderParts, headerSegments, type HeaderMap } from '../core/exchange/headers.ts';
import { querySegments } from '../core/exchange/query.ts';
import type { Dialect, Finding, Segment } from '../core/types.ts';
import { WorkerClient, spawnWorker } from '../store/worker-client.ts';
import type { ObserveInput } from './baselines.ts';
import { parseBody } from './body.ts';
import type { RuleSource } from './secret-rules.ts';
import type { SecretRule } from '../core/detect/secrets/types.ts';
import { ElementCache, shapeAvailable } from '../core/exchange/elements.ts';
import { forwardsHeader } from './upstream.ts';
import type { GatewayConfig } from './config.ts';

/** What inspection after the response needs of an exchange. */
export interface LateJob {
  dialect: Dialect;
  /** The request body as received (valid UTF-8 JSON: the gateway parsed it before forwarding). */
  body: Uint8Array;
  tool: string;
  version: string | null;
  user: string;
  headers: Record<string, string | string[] | undefined>;
  /** The request target's query ('?…' or ''). */
  search: string;
  /** Whether the route is a model call (prompt baselines compare only those). */
  modelCall: boolean;
  /** The response's text segments, assembled from the stream. */
  output: Segment[];
}

export interface LateResult {
  /** Request findings, then response findings (paths under `response.`), then covert findings. */
  findings: Finding[];
  /** Detector failures on the request (its body, headers and query): the decision weighs them. */
  errors: InspectResult['errors'];
  /** Detector failures on the response (for the record). */
  outputErrors: InspectResult['errors'];
  /** SHA-256 of the body, for the record (hashed where the body already is). */
  requestSha256: string;
}

export interface InspectionOptions {
  /** Requests: one result cache (agents resend the conversation every turn), time budgets. */
  request: InspectOptions;
  /**
   * Request headers: time budgets and a small result cache, which finds a repeated header's results
   * by its kept segment (headerParts); a value new every request (a request id) is scanned, and
   * its entry soon evicted.
   */
  headers: InspectOptions;
  headerParts: HeaderParts;
  /** Responses: new each time, no cache. */
  output: InspectOptions;
  /** Parsed parts of request bodies seen before, by their bytes (null without the native addon). */
  elements: ElementCache | null;
}

/** The engine's options for a gateway: keyed value hashes, the configured detectors and budgets. */
export function inspectionOptions(cfg: GatewayConfig['inspection'], hashSecret: string, rules: readonly SecretRule[]): InspectionOptions {
  const hashValue = (v: string): string => createHmac('sha256', hashSecret).update(v).digest('hex').slice(0, 32);
  // The organisation's gitleaks rules (imported by the Gateway from `cfg.gitleaks`) and allowed
  // values: one long-lived list each, so the secrets detector builds its scanner once (it keys
  // scanners by the list).
  const extra = rules.length > 0 ? (rules as SecretRule[]) : undefined;
  const allow = (cfg.allow ?? []).length > 0 ? cfg.allow : undefined;
  const base = { detectors: cfg.detectors, internal: cfg.internal, hashValue, ...(extra !== undefined ? { extraSecretRules: extra } : {}), ...(allow !== undefined ? { allow } : {}) };
  const headers = { ...base, clock: () => performance.now(), budgetMs: cfg.budgetMs };
  return {
    request: { ...headers, cache: new HitCache(cfg.cacheMegabytes * 1024 * 1024) },
    headers: { ...headers, cache: new HitCache(256 * 1024) },
    headerParts: new HeaderParts(),
    output: base,
    elements: shapeAvailable() ? new ElementCache(cfg.cacheMegabytes * 1024 * 1024) : null,
  };
}

/**
 * Runs the engine once over a made-up text that wakes every detector, so that its one-time costs
 * (compiling the native trigger databases and the rules' regular expressions: ~150 ms in a fresh
 * process) are paid when the gateway starts, not by its first exchange. No cache is touched.
 */
export function warmInspection(opts: InspectionOptions): void {
  const text = `${WARM_LINE}\n`.repeat(16); // over 1,024 units: the native pass runs too
  inspect([{ role: 'user', path: ['messages', 0, 'content'], text }], opts.output);
}
const WARM_LINE = 'export const apiToken = "not-a-real-value"; // mail ops@example.invalid, call +1 555 0100 999, host 10.0.0.1 — “ok” ✓ café';

/** The headers and the query parameters the provider will receive, as segments, and their inspection. */
export function inspectHeaders(headers: HeaderMap, opts: InspectionOptions, search = ''): { segments: Segment[]; result: InspectResult } {
  const { segments, parts } = opts.headerParts.of(headerSegments(headers, forwardsHeader).concat(querySegments(search)));
  return { segments, result: inspect(segments, opts.headers, parts) };
}

/**
 * Response findings, their paths under `response.`. The response's protocol values (its id, the
 * model, stop reasons: segments marked structural) are the provider's own, not inspected.
 */
export function inspectOutput(output: readonly Segment[], opts: InspectOptions): Pick<InspectResult, 'findings' | 'errors'> {
  const none = { findings: [], errors: [] };
  if (output.length === 0) return none;
  let text = output;
  for (const s of output) {
    if (s.structural === true) {
      text = output.filter((x) => x.structural !== true);
      break;
    }
  }
  if (text.length === 0) return none;
  const out = inspect(text, opts);
  for (const f of out.findings) f.segmentPath = `response.${f.segmentPath}`;
  return out;
}

/** Parses, inspects and compares one exchange (the worker's job; the gateway's fallback). */
export function inspectLate(job: LateJob, opts: InspectionOptions, baselines?: { observe(input: ObserveInput): Finding[] }): LateResult {
  const { parsed } = parseBody(job.dialect, Buffer.from(job.body.buffer, job.body.byteOffset, job.body.byteLength), opts.elements);
  const r = inspect(parsed.segments, opts.request, parsed.parts);
  const h = inspectHeaders(job.headers, opts, job.search).result;
  const o = inspectOutput(job.output, opts.output);
  const findings = r.findings.concat(h.findings, o.findings);
  if (baselines !== undefined && job.modelCall) {
    for (const f of baselines.observe({ tool: job.tool, version: job.version, user: job.user, segments: parsed.segments, headers: job.headers })) findings.push(f);
  }
  return { findings, errors: r.errors.concat(h.errors), outputErrors: o.errors, requestSha256: hash('sha256', job.body) };
}

/**
 * What the worker is asked: a batch of jobs, or to take the organisation's secret rules anew (the
 * files' texts) and, when the configuration was read again, the inspection settings in force.
 */
export type LateRequest = LateJob[] | { reload: RuleSource[]; inspection?: GatewayConfig['inspection'] };

/** What the worker is started with. */
export interface LateWorkerData {
  inspection: GatewayConfig['inspection'];
  hashSecret: string;
  /** The gateway's store, for the prompt baselines (null: baselines in memory only). */
  storeUrl: string | null;
  /** pino level for the worker's own log lines (baseline sync failures); none: silent. */
  logLevel?: string;
  /** How often the baselines are saved and loaded (default 5000 ms). */
  baselineSyncMs?: number;
  /**
   * The organisation's gitleaks files as the gateway's thread last read and accepted them: the
   * worker imports these texts, never the files (a worker started again after a crash, or during
   * an edit, takes the rules in force, not what the disk holds at that moment).
   */
  gitleaks: RuleSource[];
}

/** The gateway's side of the inspection worker (late-inspection-worker.ts). */
export class InspectionThread {
  private readonly client: WorkerClient<LateRequest, LateResult[]>;
  private queuedBytes = 0;
  private waiters: (() => void)[] = [];
  /** Jobs of this turn of the event loop, sent as one message (see inspect()). */
  private batch: { job: LateJob; resolve: (r: LateResult) => void; reject: (e: Error) => void }[] = [];
  private scheduled = false;

  constructor(private data: LateWorkerData, private readonly maxQueuedBytes = 64 * 1024 * 1024) {
    this.client = new WorkerClient(() => spawnWorker(import.meta.url, 'late-inspection-worker', this.data), 'inspection');
  }

  /** Starts the worker now (loading the detectors and baselines takes a moment). */
  warm(): void {
    this.client.warm();
  }

  /**
   * Has the worker import the organisation's secret rules from these texts, and take these
   * inspection settings (default: those it has), with fresh caches; a worker started later gets
   * them too. Rejects, the worker's settings staying, when it cannot.
   */
  async reload(sources: RuleSource[], inspection = this.data.inspection): Promise<void> {
    await this.client.request({ reload: sources, inspection });
    this.data = { ...this.data, gitleaks: sources, inspection };
  }

  /** Messages (batches of jobs) sent and not yet answered. */
  get pending(): number {
    return this.client.pending;
  }

  /** Whether a new request should wait (room()) before its body is read. */
  get full(): boolean {
    return this.queuedBytes >= this.maxQueuedBytes;
  }

  /**
   * Resolves with true when the bodies waiting for the worker are under the bound again, or with
   * false after `timeoutMs` (the caller refuses the request then: a wait without end is a hang).
   */
  room(timeoutMs: number): Promise<boolean> {
    if (!this.full) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter = (): void => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(false);
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /**
   * Inspects in the worker; a job lost with a crashed worker is sent once more to a fresh one.
   * Jobs that arrive in one turn of the event loop travel in one message: under load a message
   * per small exchange cost the gateway's thread more than inspecting it there (measured at
   * concurrency 32 with 2 KB bodies).
   */
  async inspect(job: LateJob): Promise<LateResult> {
    const size = job.body.byteLength;
    this.queuedBytes += size;
    try {
      try {
        return await this.enqueue(job);
      } catch (e) {
        if (!/worker (?:exited|failed)/.test((e as Error).message)) throw e;
        return await this.enqueue(job);
      }
    } finally {
      this.queuedBytes -= size;
      if (!this.full) for (const w of this.waiters.splice(0)) w();
    }
  }

  private enqueue(job: LateJob): Promise<LateResult> {
    return new Promise((resolve, reject) => {
      this.batch.push({ job, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const items = this.batch.splice(0);
    if (items.length === 0) return;
    // Each attempt sends its own copy of each body, moved (not cloned) into the message: the
    // caller's bytes stay whole for a retry, the fallback and the record's hash.
    const bodies = items.map((it) => new Uint8Array(it.job.body)); // copies (a Buffer's slice() would be a view)
    this.client.request(items.map((it, k) => ({ ...it.job, body: bodies[k]! })), bodies.map((b) => b.buffer as ArrayBuffer)).then(
      (rs) => items.forEach((it, k) => it.resolve(rs[k]!)),
      (e: Error) => items.forEach((it) => it.reject(e)),
    );
  }

  /** Saves the worker's prompt baselines and ends it (after the last job). */
  close(): Promise<void> {
    this.flush(); // jobs of this turn go before the close message
    return this.client.close();
  }
}

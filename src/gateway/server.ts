// The gateway's HTTP server: wires config, store, audit writer and pipeline, and shuts down
// gracefully (stop accepting, let in-flight streams finish within drainMs, flush every record).
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { AuditWriter } from '../store/audit-writer.ts';
import { ThreadedAppender } from '../store/audit-thread.ts';
import { parseStoreUrl } from '../store/index.ts';
import type { Store } from '../store/types.ts';
import type { Identity } from '../core/types.ts';
import { AirlockError } from '../core/errors.ts';
import { Authenticator } from './auth.ts';
import type { GatewayConfig } from './config.ts';
import { Pipeline, defaultDecider, type Decider, type Logger } from './pipeline.ts';
import { policyActsOnCovert, policyDecider, policyLimits } from './policy-decider.ts';
import type { PolicyHolder } from './policy-loader.ts';
import { RateLimiter } from './ratelimit.ts';
import { Upstreams } from './upstream.ts';
import { BaselineObserver, type ObserveInput } from './baselines.ts';
import { InspectionThread } from './late-inspection.ts';
import { loadNative } from '../native/load.ts';
import { importSecretRules, readSecretRuleFiles } from './secret-rules.ts';
import { Reloader, type ConfigFile } from './reload.ts';

export type { ConfigFile } from './reload.ts';

loadNative();

/** The answer to a request whose headers did not arrive in time: no route is known, so a neutral JSON error. */
const TIMEOUT_408 = ((): string => {
  const body = JSON.stringify({ error: { code: 'AIRLOCK_ERR_REQUEST_TIMEOUT', message: 'The request was not received within the configured time (AIRLOCK_ERR_REQUEST_TIMEOUT).' } });
  return `HTTP/1.1 408 Request Timeout\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
})();
const BAD_400 = 'HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n';
/** How long the error events of exchanges ended at shutdown may take to reach their clients. */
const SHUTDOWN_FLUSH_MS = 1_000;

export interface GatewayOptions {
  config: GatewayConfig;
  store: Store;
  logger: Logger;
  env?: NodeJS.ProcessEnv;
  decider?: Decider;
  hashSecret?: string;
  /** The policy in force (hot-reloaded by its holder): decides, limits, and names its hash in every record. */
  policy?: PolicyHolder;
  /** Log level for worker threads' own log lines (the inspection worker's baseline sync). */
  logLevel?: string;
  /**
   * The store's URL, for worker threads with connections of their own: audit appends
   * (`audit.thread`) and inspection after the response (`inspection.thread`). Without it both run
   * on the gateway's thread, through `store`.
   */
  storeUrl?: string;
}

export class Gateway {
  readonly server: Server;
  private readonly writer: AuditWriter;
  private readonly appender: ThreadedAppender | null;
  private readonly limiter: RateLimiter | null;
  private readonly upstreams: Upstreams;
  /** Prompt baselines on this thread (none with an inspection worker); started when first switched on. */
  private baselines: BaselineObserver | null;
  private readonly inspection: InspectionThread | null;
  private readonly pipeline: Pipeline;
  private inflight = 0;
  /** Responses of the exchanges under way (those still open when the drain ends are ended by the gateway). */
  private readonly open = new Set<ServerResponse>();
  /** The configuration in force and its reloads (SIGHUP, file changes). */
  private readonly reloader: Reloader;
  private readonly newBaselines: () => BaselineObserver;
  private draining = false;
  private idle: (() => void) | null = null;

  constructor(private readonly opts: GatewayOptions) {
    const { config, store, logger, policy } = opts;
    this.upstreams = new Upstreams(config, opts.env ?? process.env);
    this.appender = opts.storeUrl !== undefined && config.audit.thread ? new ThreadedAppender(opts.storeUrl) : null;
    this.writer = new AuditWriter(this.appender ?? store, {
      maxBatch: config.audit.maxBatch,
      flushMs: config.audit.flushMs,
      onError: (e: unknown) => logger.error({ err: e instanceof Error ? e.message : String(e) }, 'audit write failed; records kept in memory and retried'),
    });
    const hashSecret = opts.hashSecret ?? randomBytes(32).toString('hex');
    // The organisation's gitleaks files, read once here: this thread and the inspection worker
    // import the same texts (the configuration checked at load that they import).
    const ruleSources = readSecretRuleFiles(config.inspection.gitleaks);
    const secretRules = importSecretRules(ruleSources).rules;
    // A decider or a policy always decides on findings; `inspection.redact` may be reloaded.
    const decides = opts.decider !== undefined || policy !== undefined;
    const late = this.lateFor(config.inspection);
    // Inspection waits for the response only when nothing before forwarding depends on findings;
    // then it runs in a worker, which holds the prompt baselines too.
    this.inspection = late
      ? new InspectionThread({ inspection: config.inspection, hashSecret, storeUrl: opts.storeUrl!, gitleaks: ruleSources, ...(opts.logLevel !== undefined ? { logLevel: opts.logLevel } : {}) })
      : null;
    // On SQLite the gateway's writes go through the audit worker's connection: a write transaction
    // on this thread would wait for the worker's, with the event loop blocked (store/audit-thread.ts).
    const writes = this.appender !== null && parseStoreUrl(opts.storeUrl!).kind === 'sqlite' ? this.appender : null;
    this.newBaselines = () => new BaselineObserver(writes !== null ? { saveBaselineVariants: (rows) => writes.saveBaselineVariants(rows), loadBaselineVariants: (q) => store.loadBaselineVariants(q) } : store, {
      onError: (e: unknown) => logger.warn({ err: e instanceof Error ? e.message : String(e) }, 'prompt baseline sync failed'),
    });
    this.reloader = new Reloader({
      logger,
      worker: this.inspection,
      lateFor: (i) => this.lateFor(i),
      startBaselines: async (i) => {
        // Switched on with no worker: started (other instances' variants loaded) before the switch.
        if (this.inspection !== null || !i.enabled || !i.baselines || this.baselines !== null) return;
        const b = this.newBaselines();
        await b.start().catch((e: unknown) => logger.warn({ err: e instanceof Error ? e.message : String(e) }, 'prompt baseline sync failed'));
        this.baselines = b;
      },
      apply: (rules, i) => this.pipeline.reloadInspection(rules, i),
    }, config, ruleSources);
    this.baselines = !late && this.baselinesOn() ? this.newBaselines() : null;
    // Without a worker, the comparison follows the settings in force (a reload may switch it).
    const observer = { observe: (input: ObserveInput) => (this.baselines !== null && this.baselinesOn() ? this.baselines.observe(input) : []) };
    // The configured decision follows a reloaded `inspection.redact`.
    const alerting = defaultDecider(false);
    const redacting = defaultDecider(true);
    const redact = (): boolean => this.reloader.config.inspection.redact;
    const configured: Decider = (input) => (redact() ? redacting : alerting)(input);
    this.limiter = policy !== undefined ? new RateLimiter({ store: writes ?? store, limits: policyLimits(policy), logger }) : null;
    const pipeline = (this.pipeline = new Pipeline({
      config,
      auth: new Authenticator(store, config.auth.cacheSeconds * 1000),
      upstreams: this.upstreams,
      audit: this.writer,
      logger,
      decider: opts.decider ?? (policy !== undefined ? policyDecider(policy) : configured),
      hashSecret,
      secretRules,
      policyHash: () => policy?.current.hash ?? null,
      get decisionUsesFindings(): boolean {
        return decides || redact();
      },
      // Without a policy, covert findings never change what is forwarded (the default decider
      // alerts on them; it redacts only other findings). An unknown decider is asked before forwarding.
      covertEarly: opts.decider !== undefined ? () => true : policy !== undefined ? policyActsOnCovert(policy) : () => false,
      ...(!late ? { baselines: observer } : {}),
      ...(this.inspection !== null ? { late: this.inspection } : {}),
      ...(policy !== undefined && this.limiter !== null ? {
        limiter: this.limiter,
        resolveIdentity: (id: Identity) => policy.current.policy.resolveIdentity(id),
      } : {}),
    }));
    // requestTimeout bounds receiving a request (a client trickling its body cannot hold a socket
    // forever); it does not limit how long a response may stream.
    const requestTimeout = config.limits.requestTimeoutMs;
    // The body has a timer of its own (readBody, from the server's requestTimeout), answered in
    // the caller's format and recorded; Node's check of the same bound is the backstop.
    this.server = createServer({ keepAliveTimeout: 65_000, requestTimeout, headersTimeout: Math.min(60_000, requestTimeout) }, (req, res) => {
      this.inflight++;
      this.open.add(res);
      pipeline.handle(req, res, this.draining).finally(() => {
        this.open.delete(res);
        // A 408 leaves the rest of the body unread: the connection cannot carry another request.
        if (res.statusCode === 408 && !req.complete) req.socket.destroySoon();
        this.inflight--;
        if (this.inflight === 0 && this.idle !== null) this.idle();
      });
    });
    this.server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
      const res = (socket as Duplex & { _httpMessage?: ServerResponse | null })._httpMessage ?? null;
      const timeout = err.code === 'ERR_HTTP_REQUEST_TIMEOUT';
      // Node's request timeout (checked every 30 s) on a request an exchange holds and has not
      // answered: the exchange answers it (readBody's timer: 408 in the caller's format, recorded).
      if (timeout && res !== null && !res.headersSent) return;
      // A malformed request line or header, or headers that did not arrive in time, never reach
      // the pipeline: answer 400 or 408 and close (unless a response is under way on the socket).
      if (socket.writable && (res === null || !res.headersSent)) socket.end(timeout ? TIMEOUT_408 : BAD_400);
      else socket.destroy(err);
    });
  }

  async listen(port = this.opts.config.listen.port, host = this.opts.config.listen.host): Promise<AddressInfo> {
    // Baselines other instances learned are loaded before the first exchange.
    await this.baselines?.start();
    this.appender?.warm();
    this.inspection?.warm();
    this.pipeline.warm();
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve(this.server.address() as AddressInfo);
      });
    });
  }

  get url(): string {
    const a = this.server.address() as AddressInfo;
    return `http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}`;
  }

  /** The configuration in force: as at start, but for the inspection settings a reload applied. */
  get config(): GatewayConfig {
    return this.reloader.config;
  }

  get inFlight(): number {
    return this.inflight;
  }

  /** Records written and not yet in the store. */
  get auditPending(): number {
    return this.writer.pending;
  }

  private waitIdle(ms: number): Promise<void> {
    if (this.inflight === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      timer.unref();
      this.idle = () => {
        clearTimeout(timer);
        this.idle = null;
        resolve();
      };
    });
  }

  /**
   * Ends the exchanges still under way when the drain is over, as the gateway's doing rather than
   * by cutting their connections: every upstream call fails with AIRLOCK_ERR_SHUTTING_DOWN, which
   * the relay turns into an SSE error event in the caller's format (then ends the stream), or a
   * 503 when no response had started; the record names the code. The upstream stops generating.
   * The error events then get a moment to reach their clients before the sockets close.
   */
  private async endInFlight(drainMs: number): Promise<void> {
    const open = [...this.open];
    const err = new AirlockError('AIRLOCK_ERR_SHUTTING_DOWN', `The gateway is shutting down; the exchange was ended after ${drainMs} ms of draining.`);
    await Promise.all(this.upstreams.list().map((t) => t.pool.destroy(err).catch(() => undefined)));
    await new Promise<void>((r) => setImmediate(r));
    const ending = open.filter((res) => res.writableEnded && !res.writableFinished && !res.destroyed);
    if (ending.length === 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, SHUTDOWN_FLUSH_MS);
      timer.unref();
      let left = ending.length;
      for (const res of ending) {
        res.once('close', () => {
          if (--left > 0) return;
          clearTimeout(timer);
          resolve();
        });
      }
    });
  }

  /** Whether inspection runs after the response in a worker under these settings: decided at start, kept to the end. */
  private lateFor(i: GatewayConfig['inspection']): boolean {
    const { opts } = this;
    const decides = opts.decider !== undefined || opts.policy !== undefined || i.redact;
    return opts.storeUrl !== undefined && i.thread && i.enabled && !decides && !opts.config.audit.storeRedactedBodies;
  }

  private baselinesOn(): boolean {
    const i = this.reloader.config.inspection;
    return i.enabled && i.baselines;
  }

  /** Reads the gitleaks files again and applies them (Reloader.reloadSecretRules). */
  reloadSecretRules(trigger: string): Promise<boolean> {
    return this.reloader.reloadSecretRules(trigger);
  }

  /** Reads the configuration file again and applies what can change under way (Reloader.reloadConfig). */
  reloadConfig(trigger: string, file?: ConfigFile | null): Promise<boolean> {
    return file === undefined ? this.reloader.reloadConfig(trigger) : this.reloader.reloadConfig(trigger, file);
  }

  /** Reloads on SIGHUP and when the configuration file or a gitleaks file changes. */
  watch(config?: ConfigFile): this {
    this.reloader.watch(config);
    return this;
  }

  /** Graceful stop: refuse new work, wait for in-flight exchanges (bounded), flush the audit trail. */
  async close(drainMs = this.reloader.config.limits.drainMs): Promise<void> {
    this.draining = true;
    this.reloader.close();
    const closed = new Promise<void>((r) => this.server.close(() => r()));
    this.server.closeIdleConnections();
    await this.waitIdle(drainMs);
    if (this.inflight > 0) await this.endInFlight(drainMs);
    this.server.closeAllConnections();
    await closed;
    // Exchanges cut off above still write their records; give them a moment before flushing.
    // (An exchange's handler ends once its record is written, after its inspection in the worker.)
    await this.waitIdle(1_000);
    await this.inspection?.close();
    await this.waitIdle(1_000); // the last inspected exchanges write their records
    await this.writer.close();
    // Requests counted locally since the last sync reach the store (other instances go on counting),
    // and new prompt variants; on SQLite through the audit worker, which closes after them.
    await this.limiter?.close().catch(() => undefined);
    await this.baselines?.close();
    await this.appender?.close();
    await this.upstreams.close();
  }
}

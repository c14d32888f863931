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
import { loadConfig, reloadPlan, type GatewayConfig, type InspectionKey } from './config.ts';
import { Pipeline, defaultDecider, type Decider, type Logger } from './pipeline.ts';
import { policyActsOnCovert, policyDecider, policyLimits } from './policy-decider.ts';
import type { PolicyHolder } from './policy-loader.ts';
import { RateLimiter } from './ratelimit.ts';
import { Upstreams } from './upstream.ts';
import { BaselineObserver, type ObserveInput } from './baselines.ts';
import { InspectionThread } from './late-inspection.ts';
import { loadNative } from '../native/load.ts';
import { FileWatch } from './file-watch.ts';
import { importSecretRules, readSecretRuleFiles, type RuleSource } from './secret-rules.ts';

loadNative();

/** The answer to a request whose headers did not arrive in time: no route is known, so a neutral JSON error. */
const TIMEOUT_408 = ((): string => {
  const body = JSON.stringify({ error: { code: 'AIRLOCK_ERR_REQUEST_TIMEOUT', message: 'The request was not received within the configured time (AIRLOCK_ERR_REQUEST_TIMEOUT).' } });
  return `HTTP/1.1 408 Request Timeout\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
})();
const BAD_400 = 'HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n';
/** An error's message on one line (a configuration error lists each problem at file:line:column on a line of its own). */
const oneLine = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split('\n').map((l) => l.trim()).filter((l) => l !== '').join(' ');

const sameSources = (a: readonly RuleSource[], b: readonly RuleSource[]): boolean =>
  a.length === b.length && a.every((s, i) => s.file === b[i]!.file && s.text === b[i]!.text);

/** How long the error events of exchanges ended at shutdown may take to reach their clients. */
const SHUTDOWN_FLUSH_MS = 1_000;

/** The organisation's gitleaks files as read (the texts the worker imports) and as imported here. */
interface Rules {
  sources: RuleSource[];
  loaded: ReturnType<typeof importSecretRules>;
}
/** Reads and imports the gitleaks files once; throws when one does not read or parse. */
const readRules = (files: readonly string[]): Rules => {
  const sources = readSecretRuleFiles(files);
  return { sources, loaded: importSecretRules(sources) };
};

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

/** The configuration file, read again on SIGHUP and when it changes (Gateway.watch). */
export interface ConfigFile {
  path: string;
  /** Reads and validates it (default: loadConfig), with whatever the command line overrides. */
  load?: () => GatewayConfig;
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
  /** The configuration in force: as at start, but for the inspection settings a reload applied. */
  private inForce: GatewayConfig;
  /** The gitleaks files' texts in force (this thread and the worker import the same). */
  private ruleSources: RuleSource[];
  /** Whether, and which, files are watched (watch()). */
  private watching = false;
  private configFile: ConfigFile | null = null;
  private configWatch: FileWatch | null = null;
  private ruleWatches: FileWatch[] = [];
  /** Reloads run one at a time (a file change and SIGHUP may come together). */
  private reloads: Promise<unknown> = Promise.resolve();
  private readonly onHup = (): void => void this.reloadConfig('SIGHUP');
  private readonly newBaselines: () => BaselineObserver;
  private draining = false;
  private idle: (() => void) | null = null;

  constructor(private readonly opts: GatewayOptions) {
    const { config, store, logger, policy } = opts;
    this.inForce = config;
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
    const ruleSources = (this.ruleSources = readSecretRuleFiles(config.inspection.gitleaks));
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
    this.baselines = !late && this.baselinesOn() ? this.newBaselines() : null;
    // Without a worker, the comparison follows the settings in force (a reload may switch it).
    const observer = { observe: (input: ObserveInput) => (this.baselines !== null && this.baselinesOn() ? this.baselines.observe(input) : []) };
    // The configured decision follows a reloaded `inspection.redact`.
    const alerting = defaultDecider(false);
    const redacting = defaultDecider(true);
    const redact = (): boolean => this.inForce.inspection.redact;
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
    return this.inForce;
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
    return opts.storeUrl !== undefined && i.thread && i.enabled && !decides && !this.inForce.audit.storeRedactedBodies;
  }

  private baselinesOn(): boolean {
    return this.inForce.inspection.enabled && this.inForce.inspection.baselines;
  }

  /** Runs reloads one at a time, in the order asked. */
  private serial<T>(reload: () => Promise<T>): Promise<T> {
    const run = this.reloads.then(reload);
    this.reloads = run.catch(() => undefined);
    return run;
  }

  /**
   * Imports the organisation's gitleaks files (`inspection.gitleaks`) again, on this thread and in
   * the inspection worker, with fresh result caches. A file that does not read or parse is
   * refused with a log line, and the rules in force stay.
   */
  reloadSecretRules(trigger: string): Promise<boolean> {
    return this.serial(async () => {
      const { logger } = this.opts;
      const files = this.inForce.inspection.gitleaks;
      let rules: Rules;
      try {
        rules = readRules(files);
        // The worker first; this thread switches once it has (so the two never hold different rules).
        await this.inspection?.reload(rules.sources);
      } catch (e) {
        logger.error({ trigger, err: oneLine(e) }, 'secret rules reload rejected; the rules in force stay');
        return false;
      }
      this.switchRules(rules, this.inForce.inspection);
      logger.info({ trigger, files, rules: rules.loaded.rules.length }, 'secret rules reloaded');
      return true;
    });
  }

  /**
   * Reads the configuration file again (`file`, default the one watch() was given; with none, only
   * the gitleaks files are read again) and applies what can change while exchanges are under way:
   * the inspection settings and the rule files they name, on this thread and in the inspection
   * worker, with fresh caches. What takes a restart is named in one warning and not applied at
   * all; an invalid file is refused with one log line and the configuration in force stays.
   * Resolves with whether the file was accepted.
   */
  reloadConfig(trigger: string, file: ConfigFile | null = this.configFile): Promise<boolean> {
    if (file === null) return this.reloadSecretRules(trigger);
    return this.serial(() => this.applyConfig(trigger, file));
  }

  private async applyConfig(trigger: string, file: ConfigFile): Promise<boolean> {
    const { logger } = this.opts;
    const refuse = (e: unknown): false => {
      logger.error({ trigger, file: file.path, err: oneLine(e) }, 'configuration reload rejected; the configuration in force stays');
      return false;
    };
    let next: GatewayConfig;
    try {
      next = (file.load ?? (() => loadConfig(file.path)))();
    } catch (e) {
      return refuse(e);
    }
    const cur = this.inForce.inspection;
    // The inspection worker runs from start to close: a change that would start or stop it
    // (switching inspection on or off, or redaction, which needs findings before forwarding)
    // takes a restart, like its `thread` setting.
    const held: InspectionKey[] = ['thread'];
    if (this.lateFor({ ...next.inspection, thread: cur.thread }) !== (this.inspection !== null)) held.push('enabled', 'redact');
    const plan = reloadPlan(this.inForce, next, held);
    // The rule files the new list names, read and imported once (the worker imports the same texts).
    let rules: Rules;
    try {
      rules = readRules(plan.inspection.gitleaks);
    } catch (e) {
      return refuse(e);
    }
    const rulesChanged = !sameSources(rules.sources, this.ruleSources);
    const changed = rulesChanged && !plan.applied.includes('inspection.gitleaks') ? [...plan.applied, 'inspection.gitleaks'] : plan.applied;
    if (changed.length > 0) {
      try {
        // The worker first; this thread switches once it has, so the two never differ for long.
        await this.inspection?.reload(rules.sources, plan.inspection);
      } catch (e) {
        return refuse(e);
      }
      if (this.inspection === null && plan.inspection.enabled && plan.inspection.baselines && this.baselines === null) {
        // Switched on with no worker: started (other instances' variants loaded) before the switch.
        const b = this.newBaselines();
        await b.start().catch((e: unknown) => logger.warn({ err: e instanceof Error ? e.message : String(e) }, 'prompt baseline sync failed'));
        this.baselines = b;
      }
      this.inForce = { ...this.inForce, inspection: plan.inspection };
      this.switchRules(rules, plan.inspection, rulesChanged);
      if (this.watching && plan.applied.includes('inspection.gitleaks')) this.watchRules();
    }
    if (plan.restart.length > 0) logger.warn({ trigger, file: file.path, keys: plan.restart }, 'configuration changes need a restart to apply; not applied');
    // Key paths only: an allowed value or an internal name is confidential.
    logger.info({ trigger, file: file.path, changed }, changed.length > 0 ? 'configuration reloaded' : 'configuration reloaded; nothing to apply');
    return true;
  }

  /** This thread takes rules read anew and the inspection settings (the worker already has them), with fresh caches. */
  private switchRules(rules: Rules, inspection: GatewayConfig['inspection'], warn = true): void {
    this.ruleSources = rules.sources;
    this.pipeline.reloadInspection(rules.loaded.rules, inspection);
    if (warn) for (const u of rules.loaded.untranslatable) this.opts.logger.warn({ file: u.file, rule: u.id, reason: u.reason }, 'gitleaks rule or allowlist not imported as written');
  }

  /**
   * Reloads on SIGHUP and when a file changes: the configuration file when given (reloadConfig),
   * and the organisation's gitleaks files (reloadSecretRules), whose list may change with it.
   */
  watch(config?: ConfigFile): this {
    if (this.watching) return this;
    this.watching = true;
    if (config !== undefined) {
      this.configFile = config;
      this.configWatch = new FileWatch(config.path, () => void this.reloadConfig('file change'), {
        onError: (e) => this.opts.logger.warn({ file: config.path, err: e.message }, 'configuration watch failed; reload with SIGHUP'),
      }).start();
    }
    this.watchRules();
    // Without a file to read again, SIGHUP keeps its default (ending the process) as before.
    if (config !== undefined || this.inForce.inspection.gitleaks.length > 0) process.on('SIGHUP', this.onHup);
    return this;
  }

  /** Watches the gitleaks files in force (again, when their list changed). */
  private watchRules(): void {
    for (const w of this.ruleWatches) w.close();
    this.ruleWatches = this.inForce.inspection.gitleaks.map((f) => new FileWatch(f, () => void this.reloadSecretRules('file change'), {
      onError: (e) => this.opts.logger.warn({ file: f, err: e.message }, 'secret rules watch failed; reload with SIGHUP'),
    }).start());
  }

  /** Graceful stop: refuse new work, wait for in-flight exchanges (bounded), flush the audit trail. */
  async close(drainMs = this.inForce.limits.drainMs): Promise<void> {
    this.draining = true;
    for (const w of this.ruleWatches) w.close();
    this.configWatch?.close();
    process.off('SIGHUP', this.onHup);
    this.ruleWatches = [];
    this.configWatch = null;
    this.watching = false;
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

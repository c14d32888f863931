// The request pipeline, one named phase each (docs/ARCHITECTURE.md draws it):
//   route → authenticate → identify → limit → read → parse → inspect → decide → transform → forward → relay → record
// Every phase either fills the exchange context or throws an AirlockError, which is rendered in
// the caller's dialect and recorded like any other exchange.
import { hash, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isUtf8 } from 'node:buffer';
import { performance } from 'node:perf_hooks';
import { AirlockError, toAirlockError } from '../core/errors.ts';
import { maskSecrets } from '../core/detect/mask-secrets.ts';
import { inspect, type InspectResult } from '../core/detect/engine.ts';
import type { ObserveInput } from '../core/covert/baseline.ts';
import { ACTION_RANK, type PolicyInput } from '../core/policy/types.ts';
import { toolResultSources } from '../core/policy/sources.ts';
import type { ParsedRequest } from '../core/exchange/index.ts';
import { placeholderNamer, planByteRedaction, redact, redactHeaders, redactQuery, type PlaceholderNamer, type SegmentOf } from '../core/redact.ts';
import type { ClientInfo, Decision, Dialect, Finding, Identity, InspectionGap, Outcome, Segment, Usage } from '../core/types.ts';
import { readCredentials, type Authenticator, type Credentials } from './auth.ts';
import { parseBody, patchBytes, readBody } from './body.ts';
import { identifyClient } from './client-id.ts';
import type { SecretRule } from '../core/detect/secrets/types.ts';
import { inspectHeaders, inspectLate, inspectionOptions, inspectOutput, warmInspection, type InspectionOptions, type LateJob, type LateResult } from './late-inspection.ts';
import { pickUpstream, type GatewayConfig } from './config.ts';
import { errorBody } from './errors.ts';
import { proxy, upstreamError } from './proxy.ts';
import { guessDialect, isWebSocketUpgrade, matchRoute, type Route } from './routes.ts';
import { upstreamHeaders, type Upstreams, type UpstreamTarget } from './upstream.ts';
import type { AuditDraft } from '../store/audit-writer.ts';

export interface AuditSink {
  /** A record; `requestBody` (requestSha256 null) is hashed where it is written (AuditDraft). */
  write(entry: AuditDraft): void;
  /** Records queued and not yet stored (back-pressure). */
  readonly pending?: number;
}

export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** What the decide phase sees (the policy engine's input; the default decider reads only findings). */
export type DecideInput = PolicyInput;

/** A decision plus what the transform and record phases need from the policy that made it. */
export interface DecideOutcome {
  decision: Decision;
  /** Findings to redact (default: all findings when the action is redact). */
  redact?: readonly Finding[];
  /** Hash of the policy version that decided; recorded with the exchange. */
  policyHash?: string | null;
  /** The identity as the policy sees it (its identities section may set team and role). */
  identity?: Identity;
  /** Rules that saw a detector failure and failed open (logged). */
  failedOpen?: readonly string[];
}
export type Decider = (input: DecideInput) => Decision | DecideOutcome;

/** Checks and counts a request against rate limits and budgets; charges tokens after the response. */
export interface Limiter {
  check(identity: Identity): Promise<void>;
  charge(identity: Identity, tokens: number): void;
}

/** Until a policy is loaded: alert on findings, or redact them when configured. */
export const defaultDecider = (redactFindings: boolean): Decider => ({ findings: all, detectorErrors = [] }) => {
  // Informational findings (a tool version's first prompt) are recorded, not acted on.
  const findings = all.filter((f) => f.severity !== 'info');
  // A detector that failed may have missed something: an alert, never "no findings".
  const failed = detectorErrors.length > 0 ? `; ${detectorErrors.length} detector failure(s): ${detectorErrors.map((e) => e.detector).join(', ')}` : '';
  if (findings.length === 0 && failed !== '') return { action: 'alert', ruleId: 'config:inspection.alert', reason: `no findings${failed}` };
  if (findings.length === 0) return { action: 'allow', ruleId: null, reason: all.length === 0 ? 'no findings' : 'informational findings only' };
  return redactFindings && findings.some((f) => f.detector !== 'covert')
    ? { action: 'redact', ruleId: 'config:inspection.redact', reason: `${findings.length} finding(s) redacted${failed}` }
    : { action: 'alert', ruleId: 'config:inspection.alert', reason: `${findings.length} finding(s) recorded${failed}` };
};

interface Ctx {
  id: string;
  t0: number;
  time: string;
  route: Route | null;
  pathname: string;
  routeName: string;
  dialect: Dialect;
  client: ClientInfo;
  creds: Credentials | null;
  identity: Identity | null;
  parsed: ParsedRequest | null;
  /** Where each request finding was made (set by inspection). */
  segmentOf: InspectResult['segmentOf'] | null;
  /** The forwarded request headers as segments (set by inspection), and their redacted values. */
  headerSegments: Segment[];
  /** Where each header and query finding was made (set by inspection). */
  headerSegmentOf: InspectResult['segmentOf'] | null;
  headerPatches: Record<string, string> | null;
  /** The request target's query ('?…' or ''; redacted in place before forwarding; its segments are among headerSegments). */
  search: string;
  /** Response segments for the inspection worker (inspected there, after the response). */
  output: Segment[];
  /** The worker's inspection and the decision on it, settled before the record is written. */
  late: Promise<void> | null;
  /** What the decide phase was asked (request findings); set when the prompt comparison waits for the response. */
  covertLater: DecideInput | null;
  upstream: UpstreamTarget | null;
  requestBytes: number;
  /** The body as the client sent it; hashed for the record after the response, off the hot path. */
  rawBody: Buffer | null;
  /** Its SHA-256 when the inspection worker computed it. */
  requestSha256: string | null;
  findings: Finding[];
  /** What was not (wholly) inspected, and why (the record's `gaps`). */
  gaps: InspectionGap[];
  decision: Decision | null;
  /** Set by the decide phase: the policy version that decided (undefined: none decided). */
  policyHash?: string | null;
  redactedBody: string | null;
  status: number;
  outcome: Outcome;
  errorCode: string | null;
  ttfbMs: number | null;
  responseBytes: number;
  usage: Usage;
}

export interface PipelineDeps {
  /** Read at each exchange; its inspection section is replaced by reloadInspection. */
  config: GatewayConfig;
  auth: Authenticator;
  upstreams: Upstreams;
  audit: AuditSink;
  logger: Logger;
  decider: Decider;
  /** Secret for keyed hashes of matched values (exceptions, de-duplication); never a value itself. */
  hashSecret: string;
  /** The organisation's secret rules, imported from `inspection.gitleaks` (Gateway: its one reader). */
  secretRules: readonly SecretRule[];
  policyHash: () => string | null;
  /**
   * Whether the decision can change what is forwarded because of findings (a policy, or redaction
   * by configuration). When not, inspection runs after the response has been relayed: the record
   * is the same, the client waits for none of it. Read at each exchange: it may follow a reloaded
   * `inspection.redact` (never while an inspection worker runs: the gateway holds that for a restart).
   */
  readonly decisionUsesFindings: boolean;
  /** Passive covert-channel detection: compares system prompts and tools with the tool version's baseline. */
  baselines?: { observe(input: ObserveInput): Finding[] };
  /**
   * Whether the decision in force may act on covert findings (default: yes). When it cannot, the
   * prompt comparison waits until the response has been relayed and its findings join the record.
   */
  covertEarly?: () => boolean;
  /**
   * Inspection after the response in a worker thread (late-inspection.ts), when nothing before
   * forwarding depends on findings; it then holds the prompt baselines too.
   */
  late?: { inspect(job: LateJob): Promise<LateResult>; readonly full: boolean; room(timeoutMs: number): Promise<boolean> };
  /** Rate limits and budgets (limit phase); none when no policy sets limits. */
  limiter?: Limiter;
  /** The identity as the policy sees it, applied right after authentication. */
  resolveIdentity?: (id: Identity) => Identity;
}

/**
 * The body with every finding redacted, or an internal error: a finding that cannot be placed in
 * the body is never forwarded unredacted (fail closed).
 */
function redactAll(text: string, located: SegmentOf | readonly Segment[], findings: readonly Finding[], name?: PlaceholderNamer): string {
  const r = redact(text, located, findings, name);
  if (r.placeholders.includes(null)) throw new AirlockError('AIRLOCK_ERR_INTERNAL', 'A finding could not be located in the request body for redaction; the request was not forwarded.');
  return r.body;
}

/**
 * The model name as recorded: the client's text, masked like any other (a key pasted into it must
 * not reach the trail). Clients send a handful of names: the answers are kept.
 */
const MODELS = new Map<string, string>();
function recordedModel(model: string | null): string | null {
  if (model === null) return null;
  let m = MODELS.get(model);
  if (m === undefined) {
    m = maskSecrets(model.slice(0, 200));
    if (MODELS.size >= 256) MODELS.clear();
    MODELS.set(model, m);
  }
  return m;
}

const guessDialectFromPath = (p: string): Dialect => (p.includes('/messages') ? 'anthropic' : p.includes('/responses') ? 'openai-responses' : 'openai-chat');

export class Pipeline {
  private inspection: InspectionOptions;
  /** Inspection waits for the response and runs in the worker (deps.late). */
  private readonly threaded: boolean;
  /** Refusals not queued because the audit queue is at its hard bound (logged, counted). */
  private unrecorded = 0;

  constructor(private readonly deps: PipelineDeps) {
    this.inspection = inspectionOptions(deps.config.inspection, deps.hashSecret, deps.secretRules);
    this.threaded = deps.late !== undefined;
    // The worker holds the prompt baselines: given one, inspection must be late and enabled, or
    // the baselines would be compared nowhere.
    if (this.threaded && (this.early() || !deps.config.inspection.enabled || deps.baselines !== undefined)) {
      throw new Error('Pipeline: an inspection worker is only for late inspection, and then it holds the baselines');
    }
  }

  /**
   * Takes the organisation's secret rules anew and, from a configuration read again, the inspection
   * settings (default: those in force), and starts over with fresh caches (results cached under
   * the old rules or settings would hide new findings). An exchange under way finishes with
   * either set. The caller keeps what would start or stop the inspection worker as it is.
   */
  reloadInspection(rules: readonly SecretRule[], inspection: GatewayConfig['inspection'] = this.deps.config.inspection): void {
    const next = inspectionOptions(inspection, this.deps.hashSecret, rules);
    if (inspection.enabled && !this.threaded) warmInspection(next);
    this.inspection = next;
    if (inspection !== this.deps.config.inspection) this.deps.config = { ...this.deps.config, inspection };
  }

  /** Pays the engine's one-time costs now (at start), where this thread inspects exchanges. */
  warm(): void {
    if (this.deps.config.inspection.enabled && !this.threaded) warmInspection(this.inspection);
  }

  /** Whether inspection runs before forwarding: something before forwarding depends on findings. */
  private early(): boolean {
    return this.deps.decisionUsesFindings || this.deps.config.audit.storeRedactedBodies;
  }

  async handle(req: IncomingMessage, res: ServerResponse, draining: boolean): Promise<void> {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const pathname = q < 0 ? url : url.slice(0, q);
    const ctx: Ctx = {
      id: randomUUID(),
      t0: performance.now(),
      time: new Date().toISOString(),
      route: null,
      pathname,
      routeName: `${req.method ?? '?'} ${pathname.slice(0, 200)}`,
      // The models routes serve both APIs: an error there (an id refused) is worded for the caller's.
      dialect: pathname.startsWith('/v1/models') ? guessDialect(req.headers) : guessDialectFromPath(pathname),
      client: identifyClient(req.headers),
      creds: null,
      identity: null,
      parsed: null,
      segmentOf: null,
      headerSegments: [],
      headerSegmentOf: null,
      headerPatches: null,
      search: url.slice(pathname.length),
      output: [],
      late: null,
      covertLater: null,
      upstream: null,
      requestBytes: 0,
      rawBody: null,
      requestSha256: null,
      findings: [],
      gaps: [],
      decision: null,
      redactedBody: null,
      status: 0,
      outcome: 'ok',
      errorCode: null,
      ttfbMs: null,
      responseBytes: 0,
      usage: { inputTokens: null, outputTokens: null },
    };
    // Liveness for load balancers and for clients that probe the base URL before their first
    // call (Claude Code sends HEAD /): no auth, no record.
    const backlog = this.backlog();
    if ((pathname === '/' || pathname === '/healthz') && (req.method === 'GET' || req.method === 'HEAD')) {
      const state = draining ? 'draining' : backlog ? 'audit-backlog' : 'ok';
      const status = state === 'ok' ? 200 : 503;
      const payload = JSON.stringify({ status: state, service: 'airlock' });
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
      res.end(req.method === 'HEAD' ? undefined : payload);
      return;
    }
    try {
      if (draining) throw new AirlockError('AIRLOCK_ERR_SHUTTING_DOWN');
      if (backlog) {
        throw new AirlockError('AIRLOCK_ERR_AUDIT_BACKLOG', `Airlock cannot record exchanges right now (${this.deps.audit.pending ?? 0} records are waiting for the audit store), so it refuses them; retry shortly.`, { headers: { 'retry-after': '5' } });
      }
      await this.run(ctx, req, res);
    } catch (e) {
      this.fail(ctx, res, toAirlockError(e));
    } finally {
      // The record is written whatever happened to the late inspection (it cannot throw today).
      if (ctx.late !== null) await ctx.late.catch((e: unknown) => this.deps.logger.error({ exchange: ctx.id, err: e instanceof Error ? e.stack : String(e) }, 'late inspection failed'));
      if (ctx.covertLater !== null) this.compareLate(ctx, req, ctx.covertLater);
      this.record(ctx);
    }
  }

  private async run(ctx: Ctx, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const cfg = this.deps.config;
    // route
    const m = matchRoute(req.method ?? 'GET', ctx.pathname, req.headers);
    if (m === null) {
      ctx.routeName = maskSecrets(ctx.routeName);
      throw new AirlockError('AIRLOCK_ERR_UNKNOWN_ROUTE', `No API route ${ctx.routeName}.`);
    }
    if (m === 'method') {
      ctx.routeName = maskSecrets(ctx.routeName);
      // Codex CLI's built-in provider opens the Responses API as a WebSocket first and uses HTTP
      // after a 426; after a 404 it retries the upgrade several times with back-off.
      if (isWebSocketUpgrade(req.headers)) {
        throw new AirlockError('AIRLOCK_ERR_NO_WEBSOCKET', `${ctx.routeName}: Airlock does not carry this API over WebSocket; send it as an HTTP POST.`);
      }
      throw new AirlockError('AIRLOCK_ERR_UNKNOWN_ROUTE', `${ctx.routeName}: method not supported on this path.`);
    }
    ctx.route = m;
    ctx.routeName = m.name;
    ctx.dialect = m.dialect;
    // authenticate
    ctx.creds = readCredentials(req.headers);
    ctx.identity = await this.deps.auth.identify(ctx.creds);
    if (this.deps.resolveIdentity !== undefined) ctx.identity = this.deps.resolveIdentity(ctx.identity);
    // limit: before the body is read, so a client over its limit costs almost nothing
    if (this.deps.limiter !== undefined) await this.deps.limiter.check(ctx.identity);
    // back-pressure: bodies waiting for the inspection worker are bounded. The wait and the body's
    // read share the request's time limit (the HTTP server's own counts from its start too).
    const deadline = ctx.t0 + cfg.limits.requestTimeoutMs;
    if (this.threaded && this.deps.late!.full && !(await this.deps.late!.room(Math.max(1, Math.round(deadline - performance.now() - 1_000))))) {
      throw new AirlockError('AIRLOCK_ERR_INSPECTION_BACKLOG', undefined, { headers: { 'retry-after': '5' } });
    }
    // read + parse
    let body: Buffer | null = null;
    let byteView: string | Buffer | null = null;
    if (m.hasBody) {
      const ctype = req.headers['content-type'] ?? '';
      if (!/^application\/(?:[\w.+-]*\+)?json\b/i.test(ctype)) {
        throw new AirlockError('AIRLOCK_ERR_BAD_CONTENT_TYPE', `Content-Type must be application/json, got '${ctype.slice(0, 60)}'.`);
      }
      // A compressed body cannot be inspected as sent (and no API client compresses requests).
      const enc = req.headers['content-encoding'];
      if (enc !== undefined && enc.trim().toLowerCase() !== 'identity') {
        throw new AirlockError('AIRLOCK_ERR_BAD_CONTENT_TYPE', `Content-Encoding '${enc.slice(0, 40)}' is not supported: send the request body uncompressed.`);
      }
      body = await readBody(req, cfg.limits.maxBodyBytes, Math.max(1, Math.round(deadline - performance.now())));
      ctx.requestBytes = body.length;
      ctx.rawBody = body;
      if (!isUtf8(body)) throw new AirlockError('AIRLOCK_ERR_INVALID_UTF8');
      // Identical bytes sent before (the resent conversation) are not parsed again.
      const p = parseBody(m.dialect, body, this.inspection.elements, { segments: cfg.inspection.enabled && !this.threaded });
      ctx.parsed = p.parsed;
      byteView = p.view;
    }
    const model = ctx.parsed?.model ?? null;
    const up = pickUpstream(cfg, m.dialect, model);
    if (up === null) throw new AirlockError('AIRLOCK_ERR_NO_UPSTREAM', `No upstream serves ${m.dialect}${model !== null ? ` model '${recordedModel(model)}'` : ''}.`);
    ctx.upstream = this.deps.upstreams.get(up.name);
    // inspect (now, or after the response when nothing before forwarding depends on findings)
    const early = this.early();
    let detectorErrors: InspectResult['errors'] = [];
    const covertNow = !early || (this.deps.covertEarly?.() ?? true);
    if (early) detectorErrors = this.inspectRequest(ctx, req, m, covertNow);
    // decide
    const parsed = ctx.parsed;
    let sources: ((p: string) => string | null) | null = null;
    const sourceOf = (p: string): string | null => (parsed === null ? null : (sources ??= toolResultSources(m.dialect, parsed.body))(p));
    const input: DecideInput = { identity: ctx.identity, client: ctx.client, dialect: m.dialect, upstream: up.name, model, findings: ctx.findings, detectorErrors, sourceOf };
    if (!covertNow && this.deps.baselines !== undefined && m.modelCall && ctx.parsed !== null) ctx.covertLater = { ...input, findings: ctx.findings.slice() };
    const out = this.deps.decider(input);
    const outcome: DecideOutcome = 'decision' in out ? out : { decision: out };
    ctx.decision = outcome.decision;
    if (outcome.policyHash !== undefined) ctx.policyHash = outcome.policyHash;
    if (outcome.identity !== undefined) ctx.identity = outcome.identity;
    if (outcome.failedOpen !== undefined && outcome.failedOpen.length > 0) this.deps.logger.warn({ exchange: ctx.id, rules: outcome.failedOpen }, 'detector failure: rules failed open');
    if (ctx.decision.action === 'block') throw new AirlockError('AIRLOCK_ERR_BLOCKED', ctx.decision.reason);
    if (ctx.decision.action === 'route' && ctx.decision.upstream !== undefined) {
      const target = this.deps.upstreams.get(ctx.decision.upstream);
      // A route the target cannot take (another dialect) fails closed: the policy sent the
      // exchange away from the upstream it was picked for, so that one must not get it either.
      if (!target.config.dialects.includes(m.dialect)) {
        const reason = `Rule ${ctx.decision.ruleId ?? '(none)'} routes this exchange to upstream '${target.config.name}', which does not serve the ${m.dialect} API, so it was sent nowhere; ask the policy's authors to route it to an upstream that serves ${m.dialect}.`;
        ctx.decision = { action: 'block', ruleId: ctx.decision.ruleId, reason };
        throw new AirlockError('AIRLOCK_ERR_BLOCKED', reason);
      }
      ctx.decision = { ...ctx.decision, from: up.name };
      ctx.upstream = target;
    }
    // transform: the policy names the findings to redact (a routed exchange may be redacted too)
    // Covert findings describe the tool's prompt, not data to remove from it.
    // Header findings are patched in the forwarded headers, body findings in the body.
    const content = ctx.findings.filter((f) => f.detector !== 'covert' && f.role !== 'header' && f.role !== 'query');
    const named = (outcome.redact ?? (ctx.decision.action === 'redact' ? ctx.findings : [])).filter((f) => f.detector !== 'covert');
    const toRedact = named.filter((f) => f.role !== 'header' && f.role !== 'query');
    const name = placeholderNamer();
    // Where each finding was made (the engine says; the segments by path when it did not run here).
    const located: SegmentOf | readonly Segment[] = ctx.segmentOf ?? ctx.parsed?.segments ?? [];
    // Fast path: patch the body's bytes where the literals are found in its one-byte view.
    const plan = toRedact.length > 0 && body !== null && ctx.parsed !== null && byteView !== null && !cfg.audit.storeRedactedBodies
      ? planByteRedaction(byteView, located, toRedact, name, ctx.parsed.byteRange)
      : null;
    if (plan !== null && body !== null) {
      body = patchBytes(body, plan.patches);
    } else if (body !== null && ctx.parsed !== null && (toRedact.length > 0 || (content.length > 0 && cfg.audit.storeRedactedBodies))) {
      const text = body.toString('utf8');
      const patched = toRedact.length > 0 ? redactAll(text, located, toRedact, name) : text;
      if (cfg.audit.storeRedactedBodies) ctx.redactedBody = toRedact.length === content.length ? patched : redactAll(text, located, content);
      if (toRedact.length > 0) body = Buffer.from(patched, 'utf8');
    } else if (cfg.audit.storeRedactedBodies && body !== null) {
      ctx.redactedBody = body.toString('utf8');
    }
    const inHeaders = named.filter((f) => f.role === 'header');
    if (inHeaders.length > 0) {
      const r = redactHeaders(ctx.headerSegmentOf ?? ctx.headerSegments, inHeaders, name, req.headers);
      if (r.missing > 0) throw new AirlockError('AIRLOCK_ERR_INTERNAL', 'A finding could not be located in the request headers for redaction; the request was not forwarded.');
      ctx.headerPatches = r.headers;
    }
    const inQuery = named.filter((f) => f.role === 'query');
    if (inQuery.length > 0) {
      const r = redactQuery(ctx.search, ctx.headerSegmentOf ?? ctx.headerSegments, inQuery, name);
      if (r.missing > 0) throw new AirlockError('AIRLOCK_ERR_INTERNAL', 'A finding could not be located in the request query for redaction; the request was not forwarded.');
      ctx.search = r.search;
    }
    // forward
    try {
      await this.forward(ctx, req, res, body);
    } finally {
      if (!early) {
        // Alert-only: the client has its response (or its error); inspect and decide for the record.
        const identity = ctx.identity;
        const decide = (errors: InspectResult['errors']): void => {
          const late = this.deps.decider({ identity, client: ctx.client, dialect: m.dialect, upstream: up.name, model, findings: ctx.findings, detectorErrors: errors, sourceOf });
          ctx.decision = 'decision' in late ? late.decision : late;
        };
        if (this.threaded && ctx.rawBody !== null) ctx.late = this.inspectInWorker(ctx, req, m).then(decide);
        else decide(this.inspectRequest(ctx, req, m, true));
      }
    }
  }

  /**
   * The request and response inspected in the worker; findings in ctx, failures returned. A job the
   * worker could not finish is inspected here, without the prompt baselines (they live in the worker).
   */
  private async inspectInWorker(ctx: Ctx, req: IncomingMessage, m: Route): Promise<InspectResult['errors']> {
    const job: LateJob = {
      dialect: m.dialect, body: ctx.rawBody!, tool: ctx.client.tool, version: ctx.client.version, user: ctx.identity!.user,
      headers: req.headers, search: ctx.search, modelCall: m.modelCall, output: ctx.output,
    };
    let r: LateResult;
    try {
      r = await this.deps.late!.inspect(job);
    } catch (e) {
      this.deps.logger.warn({ exchange: ctx.id, err: e instanceof Error ? e.message : String(e) }, 'inspection worker failed; exchange inspected on the gateway thread, without prompt baselines');
      try {
        r = inspectLate(job, this.inspection);
        r.errors.push({ detector: 'covert', message: 'prompt baselines not compared: the inspection worker failed' });
      } catch (e2) {
        // Not inspected at all: the record says so (a detector failure), never "no findings".
        const message = `the exchange could not be inspected: ${e2 instanceof Error ? e2.message : String(e2)}`.slice(0, 300);
        r = { findings: [], errors: [{ detector: 'engine', message }], outputErrors: [{ detector: 'engine', message }], requestSha256: hash('sha256', ctx.rawBody!) };
      }
    }
    ctx.findings = r.findings;
    ctx.requestSha256 = r.requestSha256;
    for (const err of r.errors) this.deps.logger.warn({ exchange: ctx.id, detector: err.detector, err: err.message }, 'detector failed');
    this.missed(ctx, 'request', r.errors);
    this.missed(ctx, 'response', r.outputErrors);
    return r.errors;
  }

  /** Inspection and (with `covert`) the prompt-baseline comparison of the request; returns detector failures. */
  private inspectRequest(ctx: Ctx, req: IncomingMessage, m: Route, covert: boolean): InspectResult['errors'] {
    if (!this.deps.config.inspection.enabled) return [];
    // The headers the provider will receive, then the body.
    const hi = inspectHeaders(req.headers, this.inspection, ctx.search);
    ctx.headerSegments = hi.segments;
    ctx.headerSegmentOf = hi.result.segmentOf;
    const h = hi.result;
    const r = ctx.parsed === null ? null : inspect(ctx.parsed.segments, this.inspection.request, ctx.parsed.parts);
    if (r !== null) ctx.segmentOf = r.segmentOf;
    // Request findings first; response findings may already be there (deferred inspection).
    ctx.findings = (r?.findings ?? []).concat(h.findings, ctx.findings);
    const errors = h.errors.concat(r?.errors ?? []);
    for (const err of errors) this.deps.logger.warn({ exchange: ctx.id, detector: err.detector, err: err.message }, 'detector failed');
    this.missed(ctx, 'request', errors);
    if (covert && m.modelCall) for (const f of this.observe(ctx, req)) ctx.findings.push(f);
    return errors;
  }

  /** Detector failures become the record's gaps (their messages masked: an error may quote its input). */
  private missed(ctx: Ctx, part: InspectionGap['part'], errors: InspectResult['errors']): void {
    for (const e of errors) ctx.gaps.push({ part, detector: e.detector, reason: maskSecrets(e.message.slice(0, 300)) });
  }

  /** Passive covert-channel detection: the request compared with the prompt baseline of its tool version. */
  private observe(ctx: Ctx, req: IncomingMessage): Finding[] {
    if (this.deps.baselines === undefined || ctx.parsed === null) return [];
    return this.deps.baselines.observe({ tool: ctx.client.tool, version: ctx.client.version, user: ctx.identity!.user, segments: ctx.parsed.segments, headers: req.headers });
  }

  /**
   * The prompt comparison deferred until after the response, because the decision in force cannot
   * act on its findings: they join the record, and the decision is taken again on the request's
   * findings with them, for the record (an alert at most where the enforced decision was less).
   */
  private compareLate(ctx: Ctx, req: IncomingMessage, input: DecideInput): void {
    const covert = this.observe(ctx, req);
    if (covert.length === 0) return;
    for (const f of covert) ctx.findings.push(f);
    const enforced = ctx.decision;
    if (enforced === null) return;
    const again = this.deps.decider({ ...input, findings: input.findings.concat(covert) });
    const outcome: DecideOutcome = 'decision' in again ? again : { decision: again };
    if (ACTION_RANK[outcome.decision.action] <= Math.max(ACTION_RANK[enforced.action], ACTION_RANK.alert)) {
      ctx.decision = outcome.decision;
      if (outcome.policyHash !== undefined) ctx.policyHash = outcome.policyHash;
    } else {
      // Only a policy reloaded during the exchange can get here: the record keeps what was enforced.
      this.deps.logger.warn({ exchange: ctx.id, enforced: enforced.ruleId, now: outcome.decision.ruleId }, 'covert findings compared after the response would now change the decision; recorded the enforced one');
    }
  }

  private async forward(ctx: Ctx, req: IncomingMessage, res: ServerResponse, body: Buffer | null): Promise<void> {
    const t = ctx.upstream!;
    const cfg = this.deps.config.inspection;
    let r;
    try {
      r = await proxy(t, {
        path: t.basePath + ctx.pathname + ctx.search,
        method: req.method === 'GET' ? 'GET' : 'POST',
        headers: upstreamHeaders(t, ctx.dialect, req.headers, ctx.creds!, body === null ? null : body.length, ctx.headerPatches),
        body,
      }, res, { dialect: ctx.dialect, exchangeId: ctx.id, wantOutput: cfg.enabled && cfg.responses, t0: ctx.t0 });
    } catch (e) {
      throw upstreamError(e);
    }
    ctx.status = r.status === 0 ? 499 : r.status;
    ctx.ttfbMs = r.status === 0 ? null : r.ttfbMs;
    ctx.responseBytes = r.responseBytes;
    ctx.usage = r.usage;
    if (r.clientAborted) {
      ctx.outcome = 'aborted';
      ctx.errorCode = 'AIRLOCK_ERR_CLIENT_ABORTED';
    } else if (r.error !== null) {
      ctx.outcome = 'upstream_error';
      ctx.errorCode = r.error.code;
    } else if (r.streamError !== null) {
      // A 200 stream that carried the provider's error: not a success, whatever the status says.
      ctx.outcome = 'upstream_error';
      ctx.errorCode = 'AIRLOCK_ERR_UPSTREAM_STREAM_ERROR';
      this.deps.logger.warn({ exchange: ctx.id, type: maskSecrets(r.streamError.type.slice(0, 100)), message: maskSecrets((r.streamError.message ?? '').slice(0, 300)) }, 'upstream error inside a streamed response');
    } else if (r.status >= 500) {
      ctx.outcome = 'upstream_error';
    } else if (r.status >= 400) {
      ctx.outcome = 'client_error';
    }
    if (r.truncated) {
      this.deps.logger.warn({ exchange: ctx.id, responseBytes: r.responseBytes }, 'response over 16 MB: relayed whole; its usage and inspection cover the part read');
      ctx.gaps.push({ part: 'response', reason: 'over the 16 MB read limit: usage and inspection cover the part read' });
    }
    if (r.unread !== null) {
      this.deps.logger.warn({ exchange: ctx.id, reason: r.unread }, 'response relayed but not read');
      ctx.gaps.push({ part: 'response', reason: r.unread });
    }
    if (this.threaded) ctx.output = r.output;
    else if (this.deps.config.inspection.enabled) {
      const o = inspectOutput(r.output, this.inspection.output);
      for (const f of o.findings) ctx.findings.push(f);
      this.missed(ctx, 'response', o.errors);
    }
  }

  private fail(ctx: Ctx, res: ServerResponse, err: AirlockError): void {
    ctx.status = err.status;
    ctx.errorCode = err.code;
    ctx.outcome =
      err.code === 'AIRLOCK_ERR_BLOCKED' ? 'blocked'
      : err.code === 'AIRLOCK_ERR_CLIENT_ABORTED' ? 'aborted'
      : err.kind === 'upstream' ? 'upstream_error'
      : err.kind === 'internal' || err.kind === 'overloaded' ? 'upstream_error'
      : 'client_error';
    if (err.kind === 'internal') this.deps.logger.error({ exchange: ctx.id, err: err.cause instanceof Error ? err.cause.stack : String(err.cause) }, 'internal error');
    if (res.headersSent || res.destroyed) {
      res.destroy();
      return;
    }
    const payload = errorBody(ctx.dialect, err);
    const headers: Record<string, string | number> = {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(payload),
      'x-airlock-exchange-id': ctx.id,
      ...err.headers,
    };
    // After an oversized or unread body the connection cannot be reused safely.
    if (err.code === 'AIRLOCK_ERR_BODY_TOO_LARGE' || err.code === 'AIRLOCK_ERR_SHUTTING_DOWN') headers['connection'] = 'close';
    res.writeHead(err.status, headers);
    res.end(payload);
  }

  /** Whether the audit queue is over its bound (requests are then refused). */
  private backlog(): boolean {
    return (this.deps.audit.pending ?? 0) >= this.deps.config.audit.maxPending;
  }

  private record(ctx: Ctx): void {
    // Past the bound, refusals are still queued, up to 10% more; beyond that they are counted and
    // logged instead, so that memory stays bounded however long the store is down.
    if (ctx.errorCode === 'AIRLOCK_ERR_AUDIT_BACKLOG' && (this.deps.audit.pending ?? 0) >= this.deps.config.audit.maxPending * 1.1) {
      if (this.unrecorded++ % 1000 === 0) {
        this.deps.logger.error({ unrecorded: this.unrecorded, pending: this.deps.audit.pending }, 'audit store backlog at its bound: refused requests are counted, not recorded');
      }
      return;
    }
    const id = ctx.identity;
    if (id !== null && this.deps.limiter !== undefined) this.deps.limiter.charge(id, (ctx.usage.inputTokens ?? 0) + (ctx.usage.outputTokens ?? 0));
    this.deps.audit.write({
      id: ctx.id,
      time: ctx.time,
      keyId: id?.keyId ?? null,
      user: id?.user ?? null,
      team: id?.team ?? null,
      tool: ctx.client.tool,
      toolVersion: ctx.client.version,
      dialect: ctx.route?.dialect ?? null,
      // An unmatched path is the client's text: it may hold anything (a token pasted into a URL).
      route: ctx.route === null ? maskSecrets(ctx.routeName) : ctx.routeName,
      upstream: ctx.upstream?.config.name ?? null,
      model: recordedModel(ctx.parsed?.model ?? null),
      status: ctx.status,
      outcome: ctx.outcome,
      errorCode: ctx.errorCode,
      latencyMs: Math.round((performance.now() - ctx.t0) * 1000) / 1000,
      ttfbMs: ctx.ttfbMs === null ? null : Math.round(ctx.ttfbMs * 1000) / 1000,
      inputTokens: ctx.usage.inputTokens,
      outputTokens: ctx.usage.outputTokens,
      requestBytes: ctx.requestBytes,
      responseBytes: ctx.responseBytes,
      // Hashed where the record is written, off this thread, unless inspection already did.
      requestSha256: ctx.requestSha256,
      ...(ctx.requestSha256 === null && ctx.rawBody !== null ? { requestBody: ctx.rawBody } : {}),
      findings: ctx.findings,
      decision: ctx.decision,
      policyHash: ctx.policyHash !== undefined ? ctx.policyHash : this.deps.policyHash(),
      redactedBody: ctx.redactedBody,
      ...(ctx.gaps.length > 0 ? { gaps: ctx.gaps } : {}),
    });
  }
}

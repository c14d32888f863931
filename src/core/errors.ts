// Stable error codes under one root class. Every code maps to an HTTP status and a kind that
// each dialect renders in its own error shape (gateway/errors.ts). docs/errors.md lists them;
// test/core/errors.test.ts checks that the list and this table agree.

export type ErrorKind =
  | 'invalid_request'
  | 'authentication'
  | 'permission'
  | 'not_found'
  | 'too_large'
  | 'rate_limit'
  | 'upstream'
  | 'overloaded'
  | 'internal';

interface CodeSpec {
  status: number;
  kind: ErrorKind;
  summary: string;
}

export const ERROR_CODES = {
  AIRLOCK_ERR_BAD_JSON: { status: 400, kind: 'invalid_request', summary: 'The request body is not valid JSON.' },
  AIRLOCK_ERR_INVALID_UTF8: { status: 400, kind: 'invalid_request', summary: 'The request body is not valid UTF-8.' },
  AIRLOCK_ERR_BAD_REQUEST: { status: 400, kind: 'invalid_request', summary: 'The request body is JSON but not a request of this API (e.g. not an object).' },
  AIRLOCK_ERR_BAD_CONTENT_TYPE: { status: 415, kind: 'invalid_request', summary: 'The request content type is not application/json.' },
  AIRLOCK_ERR_BODY_TOO_LARGE: { status: 413, kind: 'too_large', summary: 'The request body exceeds the configured limit.' },
  AIRLOCK_ERR_REQUEST_TIMEOUT: { status: 408, kind: 'invalid_request', summary: 'The client did not send the whole request within the configured time (limits.requestTimeoutMs).' },
  AIRLOCK_ERR_UNKNOWN_ROUTE: { status: 404, kind: 'not_found', summary: 'No API route at this method and path.' },
  AIRLOCK_ERR_NO_WEBSOCKET: { status: 426, kind: 'invalid_request', summary: 'A WebSocket upgrade was asked for on an API route; Airlock carries the APIs over HTTP only, and clients that try WebSocket first (Codex CLI) fall back to HTTP on this answer.' },
  AIRLOCK_ERR_MISSING_KEY: { status: 401, kind: 'authentication', summary: 'No Airlock key was presented (x-api-key or Authorization: Bearer).' },
  AIRLOCK_ERR_UNKNOWN_KEY: { status: 401, kind: 'authentication', summary: 'The presented key is not an Airlock key known to this gateway.' },
  AIRLOCK_ERR_REVOKED_KEY: { status: 401, kind: 'authentication', summary: 'The presented Airlock key has been revoked.' },
  AIRLOCK_ERR_NO_UPSTREAM: { status: 400, kind: 'invalid_request', summary: 'No configured upstream serves this dialect and model.' },
  AIRLOCK_ERR_UPSTREAM_UNREACHABLE: { status: 502, kind: 'upstream', summary: 'The upstream refused the connection or could not be reached.' },
  AIRLOCK_ERR_UPSTREAM_TIMEOUT: { status: 504, kind: 'upstream', summary: 'The upstream did not answer within the configured time.' },
  AIRLOCK_ERR_UPSTREAM_RESET: { status: 502, kind: 'upstream', summary: 'The upstream closed the connection before the response was complete.' },
  AIRLOCK_ERR_UPSTREAM_STREAM_ERROR: { status: 502, kind: 'upstream', summary: 'The upstream reported an error inside a streamed response it had begun with 200 (relayed to the client as sent; recorded, with the provider\'s error type in the log).' },
  AIRLOCK_ERR_BLOCKED: { status: 403, kind: 'permission', summary: 'The exchange was blocked by policy.' },
  AIRLOCK_ERR_RATE_LIMITED: { status: 429, kind: 'rate_limit', summary: 'A rate limit or budget was exceeded.' },
  AIRLOCK_ERR_SHUTTING_DOWN: { status: 503, kind: 'overloaded', summary: 'The gateway is shutting down and accepts no new requests.' },
  AIRLOCK_ERR_INSPECTION_BACKLOG: { status: 503, kind: 'overloaded', summary: 'The inspection worker is not keeping up: the request waited for room until its time limit and was refused, so that none goes uninspected.' },
  AIRLOCK_ERR_AUDIT_BACKLOG: { status: 503, kind: 'overloaded', summary: 'The audit store is not keeping up (or is down); requests are refused until the backlog drains, so that none goes unrecorded.' },
  AIRLOCK_ERR_CLIENT_ABORTED: { status: 499, kind: 'invalid_request', summary: 'The client closed the connection before the response was complete (recorded only).' },
  AIRLOCK_ERR_INTERNAL: { status: 500, kind: 'internal', summary: 'A bug in Airlock; the record carries the details.' },
} as const satisfies Record<string, CodeSpec>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** A user or environment error with a stable code. Bugs are plain Errors and map to AIRLOCK_ERR_INTERNAL. */
export class AirlockError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly kind: ErrorKind;
  /** Extra response headers (e.g. retry-after). */
  readonly headers: Record<string, string>;

  constructor(code: ErrorCode, message?: string, opts: { cause?: unknown; headers?: Record<string, string> } = {}) {
    super(message ?? ERROR_CODES[code].summary, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'AirlockError';
    this.code = code;
    this.status = ERROR_CODES[code].status;
    this.kind = ERROR_CODES[code].kind;
    this.headers = opts.headers ?? {};
  }
}

export const toAirlockError = (err: unknown): AirlockError =>
  err instanceof AirlockError ? err : new AirlockError('AIRLOCK_ERR_INTERNAL', 'Internal gateway error', { cause: err });

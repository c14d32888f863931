// The central types. Dialect differences end at core/exchange; everything after it sees these.

export type Dialect = 'anthropic' | 'openai-chat' | 'openai-responses';

export type Severity = 'info' | 'low' | 'medium' | 'high' | 'critical';
export const SEVERITIES: readonly Severity[] = ['info', 'low', 'medium', 'high', 'critical'];
export const severityRank = (s: Severity): number => SEVERITIES.indexOf(s);

/** Where a piece of text sits in an exchange. */
export const SEGMENT_ROLES = [
  'system', // system prompt, Responses `instructions`, developer messages
  'user',
  'assistant',
  'tool_definition', // tool names, descriptions and JSON schemas
  'tool_call', // tool_use input / function-call arguments
  'tool_result',
  'reasoning',
  'metadata', // anything else in the body the provider receives (e.g. metadata.user_id)
  'header', // a request header the gateway forwards (path ['headers', name])
  'query', // a parameter name or value of the request target's query (path ['query', name])
] as const;
export type SegmentRole = (typeof SEGMENT_ROLES)[number];

/** One JSON path step: object key or array index. */
export type PathStep = string | number;

export interface Segment {
  role: SegmentRole;
  /** JSON path into the raw body, e.g. ['messages', 3, 'content', 0, 'text']. */
  path: PathStep[];
  /** The decoded string value. */
  text: string;
  /** For object keys (e.g. JSON-schema property names) the key itself is the text. */
  isKey?: boolean;
  /**
   * A protocol value (a block type, an id, the model) or a key the APIs do not define, outside
   * schemas and tool inputs: inspected like any text, left out of the prompt baselines, which
   * compare what the model is told (core/covert/baseline.ts).
   */
  structural?: boolean;
}

export interface ClientInfo {
  tool: string; // e.g. 'claude-cli', 'qwen-code', 'codex', 'opencode', 'anthropic-sdk-typescript', 'unknown'
  version: string | null;
}

export interface Identity {
  keyId: string;
  user: string;
  team: string | null;
  role: 'admin' | 'auditor' | 'developer';
}

export interface Finding {
  detector: string; // detector id, e.g. 'secrets'
  rule: string; // rule id within the detector, e.g. 'aws-access-key'
  severity: Severity;
  role: SegmentRole;
  segmentPath: string; // rendered JSON path, e.g. 'messages[3].content[0].text'
  start: number; // span in the segment's decoded text (UTF-16 code units)
  end: number;
  preview: string; // masked: never the whole value
  confidence: number; // 0..1
  /** Extra facts a reviewer needs (decoded hidden payload, code points, ...). Never the raw secret. */
  detail?: string;
  /** Stable hash of the matched value (for exceptions and de-duplication), never the value. */
  valueHash?: string;
}

export type Action = 'allow' | 'alert' | 'redact' | 'block' | 'route';

export interface Decision {
  action: Action;
  ruleId: string | null;
  reason: string;
  /** route: the upstream it sent the exchange to. */
  upstream?: string;
  /** route: the upstream the exchange was picked for before the decision (what the policy saw). */
  from?: string;
}

export type Outcome = 'ok' | 'client_error' | 'upstream_error' | 'aborted' | 'blocked';

export interface Usage {
  inputTokens: number | null;
  outputTokens: number | null;
  cacheReadTokens?: number | null;
  cacheWriteTokens?: number | null;
}

/** One audit record per exchange. Never holds a raw secret or, by default, prompt text. */
export interface AuditEntry {
  id: string; // exchange id (uuid)
  time: string; // ISO-8601 of request arrival
  keyId: string | null;
  user: string | null;
  team: string | null;
  tool: string | null;
  toolVersion: string | null;
  dialect: Dialect | null;
  route: string; // e.g. 'POST /v1/messages'
  upstream: string | null;
  model: string | null;
  status: number;
  outcome: Outcome;
  errorCode: string | null;
  latencyMs: number;
  ttfbMs: number | null;
  inputTokens: number | null;
  outputTokens: number | null;
  requestBytes: number;
  responseBytes: number;
  requestSha256: string | null;
  findings: Finding[];
  decision: Decision | null;
  policyHash: string | null;
  /** Opt-in: the request body with every finding redacted. */
  redactedBody: string | null;
  /**
   * What of the exchange was not inspected, or not wholly, and why (a detector that failed or ran
   * out of time, a response over the read limit or in an encoding the gateway cannot read):
   * "no findings" then does not mean clean. Absent when everything was inspected.
   */
  gaps?: InspectionGap[];
}

/** A part of an exchange that inspection did not (wholly) cover. */
export interface InspectionGap {
  part: 'request' | 'response';
  /** The detector that failed, when one did; absent when the part was not read at all. */
  detector?: string;
  /** Why, in a few words (masked: never a value of the exchange). */
  reason: string;
}

/** An audit entry as stored: position in the chain and hashes. */
export interface AuditRecord extends AuditEntry {
  seq: number;
  prevHash: string;
  hash: string;
}

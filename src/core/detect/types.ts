import type { Severity, Segment } from '../types.ts';

/** A match inside one piece of text, before the engine attaches segment facts. */
export interface Hit {
  rule: string;
  start: number; // UTF-16 offsets into the text passed to detect()
  end: number;
  severity?: Severity; // defaults to the detector's severity
  confidence: number; // 0..1
  /** Reviewer-facing facts (decoded hidden payload, code points). Must never contain the raw secret. */
  detail?: string;
  /** Data-classification tags, e.g. ['credential'], ['pii'], ['internal-infra']. */
  tags?: string[];
}

/** Organisation settings that detectors read. Everything optional; defaults are safe. */
export interface DetectOptions {
  /** Internal domains (suffix match), host names, CIDR ranges and user names that must not leave. */
  internal?: { domains?: string[]; hosts?: string[]; cidrs?: string[]; users?: string[] };
  /** Extra secret rules (e.g. imported from gitleaks.toml). */
  extraSecretRules?: unknown[];
  /** Values allowed anyway (exact strings or regex sources prefixed with 're:'). */
  allow?: string[];
}

export interface DetectContext {
  options: DetectOptions;
  /**
   * The segment being inspected. Detectors may look at its role (e.g. lower confidence in tool
   * definitions) but at nothing else of it: the engine gives a repeated short text with the same
   * role the hits of its first occurrence.
   */
  segment?: Segment;
  /** Facts about this segment's text that one detector computes and a later one reuses. */
  memo?: SegmentMemo;
}

/** One segment's share of a native trigger pass: quads [segment, pattern, firstEnd, lastEnd] in [from, to). */
export interface Triggers {
  quads: Int32Array;
  from: number;
  to: number;
}

/** An IPv4 or IPv6 address found in a text. */
export interface IpMatch {
  start: number;
  end: number;
  version: 4 | 6;
  /** Network-order bytes: 4 for IPv4, 16 for IPv6. */
  bytes: number[];
}

/**
 * Per-segment facts shared between detectors within one inspect call. The engine runs detector by
 * detector over all segments, so a module-level one-entry memo would always miss; the engine
 * instead keeps one of these per segment. Absent (a detector called alone): each computes its own.
 */
export interface SegmentMemo {
  /** Runs of non-ASCII code units (unicode/ascii-runs.ts), null for pure ASCII. */
  nonAscii?: Int32Array | null;
  /** IP addresses in the text (pii and internal-infra both need them). */
  ips?: readonly IpMatch[];
  /**
   * Whether a configured internal name may occur: set by the secrets detector, whose keyword
   * automaton also carries those names, and read by internal-infra, which then skips its own pass.
   */
  internalNames?: boolean;
  /** Keyword hits found for this segment by the native pass (SecretScanner.prepare). */
  keywordHits?: Triggers & { scanner: object };
  /** Candidates of the pii and IP-address patterns found by the native pass (pii's prepare). */
  piiTriggers?: Triggers;
}

/** A rule a detector can report (Finding.rule); listed for docs, policy lint and meta-tests. */
export interface RuleInfo {
  id: string;
  description: string;
}

export interface Detector {
  id: string;
  description: string;
  severity: Severity;
  /** Every rule id this detector can report. */
  rules: readonly RuleInfo[];
  /** Pure and synchronous; returns hits sorted by start. Must not throw on any input. */
  detect(text: string, ctx: DetectContext): Hit[];
  /**
   * Optional batch step before `detect` runs on these segments: work that is cheaper done for
   * many texts at once (one native call) is left in each context's memo. Must not throw.
   */
  prepare?(texts: readonly string[], ctxs: readonly DetectContext[]): void;
}

// Types of the static scanner. Findings here are about code in a tool's package, not about an
// exchange, so they have their own shape (file, line, column, excerpt) instead of core's Finding.
import type { Severity } from '../core/types.ts';

export type { Severity };

/**
 * An ESTree node as produced by oxc-parser. The scanner walks a foreign, very large AST and checks
 * every node's `type` at run time before reading its fields; a full discriminated union would cost
 * a cast at nearly every access without catching more bugs than the fixture tests do.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see comment above
export type Node = { type: string; start: number; end: number } & Record<string, any>;

export type Category =
  | 'fingerprint'
  | 'hidden-list'
  | 'flow'
  | 'covert'
  | 'telemetry'
  | 'dynamic-code'
  | 'obfuscation'
  | 'package'
  /** What the scan could not read: a finding about the report, not about the code. */
  | 'coverage';

/** What a fingerprint source reveals about the machine or the user. */
export type FpKind =
  | 'timezone'
  | 'locale'
  | 'hostname'
  | 'username'
  | 'network'
  | 'proxy'
  | 'base-url'
  | 'machine-id'
  | 'software';

export const FP_LABEL: Record<FpKind, string> = {
  timezone: 'time zone',
  locale: 'locale',
  hostname: 'host name',
  username: 'user name',
  network: 'network interfaces / MAC',
  proxy: 'proxy settings',
  'base-url': 'configured API base URL',
  'machine-id': 'machine id',
  software: 'installed software',
};

export interface Location {
  file: string;
  line: number; // 1-based
  column: number; // 1-based, UTF-16 code units
  offset: number; // 0-based offset in the file
}

export interface ScanFinding extends Location {
  rule: string;
  severity: Severity;
  category: Category;
  /** One line for a security reviewer. */
  message: string;
  /** Short code excerpt; unusual characters escaped as \u{...}. */
  excerpt: string;
  /** Decoded constants (hidden lists, decoded strings), already truncated for display. */
  decoded?: string[];
  /** Fingerprint kinds involved. */
  kinds?: FpKind[];
  /** Other places that make up the finding (the list definition, the sink). */
  related?: Array<Location & { note: string; excerpt: string }>;
  /** Rule-specific facts: url, host, events, switches, command, ... */
  data?: Record<string, unknown>;
  /** Stable across versions: ignores minified identifier names and positions. */
  fingerprint: string;
  /** Like fingerprint but without decoded constants: a change of list content is 'changed', not 'new'. */
  shape: string;
  /** Ranking score (higher first); filled by rank(). */
  score?: number;
}

export interface RuleMeta {
  id: string;
  category: Category;
  severity: Severity; // default; a rule may raise or lower it per finding
  title: string;
  /** What it means for a reviewer, and when it is routine. */
  explanation: string;
}

export interface SourceFile {
  path: string; // relative, '/' separated
  text: string;
}

export interface PackageInfo {
  name?: string;
  version?: string;
  /** package.json fields the package rules read. */
  manifest?: Record<string, unknown>;
  manifestPath?: string;
  /**
   * Native executables and WebAssembly the package ships, top-level or embedded in a compiled
   * tool: not readable by this scan, except the code of a compiled tool (see `embedded`).
   */
  executables?: NativeFile[];
}

export interface NativeFile {
  path: string;
  bytes: number;
  format: 'ELF' | 'Mach-O' | 'PE' | 'WebAssembly';
  /** A JavaScript runtime with the tool's modules compiled in: its code was extracted and scanned. */
  embedded?: {
    runtime: 'Bun';
    /** Modules in the binary, and how many of them are code (scanned as `<path>!/<module>`). */
    modules: number;
    code: number;
    codeBytes: number;
    entry: string | null;
    execArgv: string;
    /** Code modules stored compressed in a format this runtime cannot unpack: not scanned. */
    unread: string[];
  };
}

export interface ScanInput {
  label: string; // what the user asked for
  pkg: PackageInfo;
  files: SourceFile[];
  /** Files that were present but not analysed (binary, too large, not JS). */
  skipped: number;
  /** Code present but not read, over the per-file limit: reported, since unread code is unreviewed code. */
  unread?: UnreadFile[];
}

export interface UnreadFile { path: string; bytes: number }

export interface ScanStats {
  files: number;
  bytes: number;
  chunks: number;
  parseErrors: number;
  ms: number;
  workers: number;
}

export interface ScanResult {
  target: string;
  pkg: { name?: string; version?: string };
  findings: ScanFinding[];
  stats: ScanStats;
}

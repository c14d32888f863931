// The rule contract. A rule is metadata plus handlers for the node types it cares about; the walk
// collects those nodes once and the analysis calls each rule's handlers in rule order, so a rule
// that needs another's facts (the flow rules need the comparison sites) is simply listed later.
import type { Analysis } from './analysis.ts';
import type { Node, PackageInfo, RuleMeta, Severity } from './types.ts';
import type { Site } from './walk.ts';

export interface PackageReport {
  rule: string;
  severity: Severity;
  message: string;
  file: string;
  excerpt: string;
  data?: Record<string, unknown>;
}

export interface Rule {
  meta: RuleMeta;
  visit?: Record<string, (site: Site, a: Analysis) => void>;
  /** Runs after every rule's visitors: flow and combination rules. */
  after?: (a: Analysis) => void;
  /** Whole-text checks (unusual Unicode), independent of the AST. */
  text?: (a: Analysis) => void;
  /** Package-level checks (install scripts), run once per package on the main thread. */
  pkg?: (pkg: PackageInfo, files: ReadonlyArray<{ path: string; text: string }>, report: (r: PackageReport) => void) => void;
}

export interface ReportArgs {
  node: Node;
  severity?: Severity;
  message: string;
  decoded?: string[];
  kinds?: number;
  related?: Array<{ node: Node; note: string }>;
  data?: Record<string, unknown>;
  /** Identity across versions when the code shape is not the right key (an URL, an env name). */
  key?: string;
}

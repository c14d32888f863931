// Policy as code: a YAML file → a compiled policy that decides per exchange (pure; no I/O).
// docs/policy.md is the reference for the file and for how rules combine.
export { compileParsed, compilePolicy, DEFAULT_CLASSIFICATION, expiryOf, type CompileOptions, type CompileResult } from './compile.ts';
export { lintPolicy, covers, type LintOptions } from './lint.ts';
export { formatIssue, formatPath, parsePolicy, type ParsedPolicy, type PolicyIssue } from './parse.ts';
export { findingLabel, findingReason } from './reason.ts';
export { pickExamples, Replay, replay, type ReplayChange, type ReplayOptions, type ReplaySummary } from './replay.ts';
export type { PolicyDoc, RuleDoc } from './schema.ts';
export { toolResultSources } from './sources.ts';
export { ACTION_RANK, type CompiledPolicy, type DetectorError, type LimitSpec, type PolicyInput, type RuleMatch, type Verdict } from './types.ts';

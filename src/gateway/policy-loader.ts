// Loads the policy file and keeps it current: on file change (file-watch.ts: the file itself,
// watched again when an editor or a ConfigMap update replaces it) and on SIGHUP. A reload is atomic: the new
// text is parsed, validated and compiled off to the side and swapped in with one assignment; an
// invalid policy is refused with one log line per problem and the old one stays in force. Each version is
// identified by the SHA-256 of its text, which every audit record carries.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { compilePolicy, formatIssue, type CompiledPolicy, type PolicyIssue } from '../core/policy/index.ts';
import { FileWatch } from './file-watch.ts';
import type { Logger } from './pipeline.ts';

export interface LoadedPolicy {
  policy: CompiledPolicy;
  /** sha256 hex of the file's bytes. */
  hash: string;
  file: string;
  text: string;
  loadedAt: string;
}

export class PolicyLoadError extends Error {
  override name = 'PolicyLoadError';
  constructor(readonly file: string, readonly issues: PolicyIssue[], message?: string) {
    super(message ?? `${file} is not a valid policy:\n${issues.map((i) => `  ${formatIssue(file, i)}`).join('\n')}`);
  }
}

export const policyHash = (text: string | Buffer): string => createHash('sha256').update(text).digest('hex');

/** Reads, validates and compiles a policy file; throws PolicyLoadError with every located problem. */
export function loadPolicyFile(file: string, upstreams?: readonly string[]): LoadedPolicy {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new PolicyLoadError(file, [], `cannot read policy ${file}: ${(e as Error).message}`);
  }
  const r = compilePolicy(text, upstreams === undefined ? {} : { upstreams });
  if (!r.ok) throw new PolicyLoadError(file, r.issues);
  return { policy: r.policy, hash: policyHash(text), file, text, loadedAt: new Date().toISOString() };
}

export interface PolicyHolderOptions {
  logger: Logger;
  /** The gateway's upstream names: route targets must exist. */
  upstreams?: readonly string[];
  /** Called after every successful load (e.g. to keep the text in the store for explain). */
  onLoad?: (p: LoadedPolicy) => void;
  /** Coalesce bursts of file events (editors write several times). Default 100 ms. */
  debounceMs?: number;
}

export class PolicyHolder {
  private loaded: LoadedPolicy;
  private fileWatch: FileWatch | null = null;
  private readonly onHup = (): void => {
    this.reload('SIGHUP');
  };
  private hupInstalled = false;

  /** Loads the file now; throws PolicyLoadError when it is invalid (a gateway must not start on a bad policy). */
  constructor(readonly file: string, private readonly opts: PolicyHolderOptions) {
    this.file = resolve(file);
    this.loaded = loadPolicyFile(this.file, opts.upstreams);
    opts.onLoad?.(this.loaded);
    opts.logger.info({ policy: this.file, hash: this.loaded.hash, rules: this.loaded.policy.ruleIds.length }, 'policy loaded');
  }

  get current(): LoadedPolicy {
    return this.loaded;
  }

  /** Re-reads the file; true when a new version is in force. Never throws. */
  reload(trigger: string): boolean {
    let next: LoadedPolicy;
    try {
      next = loadPolicyFile(this.file, this.opts.upstreams);
    } catch (e) {
      const issues = e instanceof PolicyLoadError ? e.issues.map((i) => formatIssue(this.file, i)) : [];
      this.opts.logger.error({ policy: this.file, trigger, keptHash: this.loaded.hash, issues, err: (e as Error).message.split('\n')[0] },
        `policy reload rejected; version ${this.loaded.hash.slice(0, 12)} stays in force`);
      return false;
    }
    if (next.hash === this.loaded.hash) return false;
    const prev = this.loaded.hash;
    this.loaded = next; // the swap: one assignment, so an exchange sees the old or the new policy, never a mix
    this.opts.onLoad?.(next);
    this.opts.logger.info({ policy: this.file, trigger, hash: next.hash, previous: prev, rules: next.policy.ruleIds.length }, 'policy reloaded');
    return true;
  }

  /** Reload on file changes (unless files: false) and, when `signals` is set, on SIGHUP. */
  watch(opts: { signals?: boolean; files?: boolean } = {}): this {
    if (opts.files !== false && this.fileWatch?.active !== true) {
      this.fileWatch = new FileWatch(this.file, () => this.reload('file change'), {
        ...(this.opts.debounceMs !== undefined ? { debounceMs: this.opts.debounceMs } : {}),
        onError: (e) => this.opts.logger.warn({ policy: this.file, err: e.message }, 'policy watch failed; reload with SIGHUP'),
      }).start();
    }
    if (opts.signals === true && !this.hupInstalled) {
      process.on('SIGHUP', this.onHup);
      this.hupInstalled = true;
    }
    return this;
  }

  close(): void {
    this.fileWatch?.close();
    this.fileWatch = null;
    if (this.hupInstalled) process.off('SIGHUP', this.onHup);
    this.hupInstalled = false;
  }
}

// Configuration and rule files read again while the gateway runs: on SIGHUP and when a file
// changes. What can change under way (the inspection settings and the gitleaks files they name)
// is applied on the gateway's thread and in the inspection worker, with fresh caches; what takes
// a restart is named in one warning; an invalid file is refused and the configuration in force
// stays. Reloads run one at a time, in the order asked.
import { loadConfig, reloadPlan, type GatewayConfig, type InspectionKey } from './config.ts';
import { FileWatch } from './file-watch.ts';
import type { Logger } from './pipeline.ts';
import { importSecretRules, readSecretRuleFiles, type RuleSource } from './secret-rules.ts';
import type { SecretRule } from '../core/detect/secrets/types.ts';

/** The configuration file, read again on SIGHUP and when it changes (Gateway.watch). */
export interface ConfigFile {
  path: string;
  /** Reads and validates it (default: loadConfig), with whatever the command line overrides. */
  load?: () => GatewayConfig;
}

/** What a reload changes in the gateway. */
export interface ReloadTarget {
  logger: Logger;
  /** The inspection worker, when there is one: it takes the new rules and settings first. */
  worker: { reload(rules: RuleSource[], inspection?: GatewayConfig['inspection']): Promise<void> } | null;
  /** Whether these settings run inspection after the response in a worker (fixed at start). */
  lateFor(i: GatewayConfig['inspection']): boolean;
  /** Called before new settings that switch the prompt baselines on apply (no worker). */
  startBaselines(i: GatewayConfig['inspection']): Promise<void>;
  /** This thread's inspection takes the rules and settings, with fresh caches. */
  apply(rules: SecretRule[], i: GatewayConfig['inspection']): void;
}

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

const sameSources = (a: readonly RuleSource[], b: readonly RuleSource[]): boolean =>
  a.length === b.length && a.every((s, i) => s.file === b[i]!.file && s.text === b[i]!.text);

/** An error's message on one line (a configuration error lists each problem at file:line:column on a line of its own). */
const oneLine = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split('\n').map((l) => l.trim()).filter((l) => l !== '').join(' ');

export class Reloader {
  /** The configuration in force: as at start, but for the inspection settings a reload applied. */
  config: GatewayConfig;
  /** The gitleaks files' texts in force (this thread and the worker import the same). */
  private sources: RuleSource[];
  private watching = false;
  private file: ConfigFile | null = null;
  private fileWatch: FileWatch | null = null;
  private ruleWatches: FileWatch[] = [];
  private queue: Promise<unknown> = Promise.resolve();
  private readonly onHup = (): void => void this.reloadConfig('SIGHUP');

  constructor(private readonly target: ReloadTarget, config: GatewayConfig, sources: RuleSource[]) {
    this.config = config;
    this.sources = sources;
  }

  /** Runs reloads one at a time, in the order asked. */
  private serial<T>(reload: () => Promise<T>): Promise<T> {
    const run = this.queue.then(reload);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Imports the organisation's gitleaks files (`inspection.gitleaks`) again, on this thread and in
   * the inspection worker, with fresh result caches. A file that does not read or parse is
   * refused with a log line, and the rules in force stay.
   */
  reloadSecretRules(trigger: string): Promise<boolean> {
    return this.serial(async () => {
      const { logger } = this.target;
      const files = this.config.inspection.gitleaks;
      let rules: Rules;
      try {
        rules = readRules(files);
        // The worker first; this thread switches once it has (so the two never hold different rules).
        await this.target.worker?.reload(rules.sources);
      } catch (e) {
        logger.error({ trigger, err: oneLine(e) }, 'secret rules reload rejected; the rules in force stay');
        return false;
      }
      this.switchRules(rules, this.config.inspection);
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
  reloadConfig(trigger: string, file: ConfigFile | null = this.file): Promise<boolean> {
    if (file === null) return this.reloadSecretRules(trigger);
    return this.serial(() => this.applyConfig(trigger, file));
  }

  private async applyConfig(trigger: string, file: ConfigFile): Promise<boolean> {
    const { logger, worker } = this.target;
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
    const cur = this.config.inspection;
    // The inspection worker runs from start to close: a change that would start or stop it
    // (switching inspection on or off, or redaction, which needs findings before forwarding)
    // takes a restart, like its `thread` setting.
    const held: InspectionKey[] = ['thread'];
    if (this.target.lateFor({ ...next.inspection, thread: cur.thread }) !== (worker !== null)) held.push('enabled', 'redact');
    const plan = reloadPlan(this.config, next, held);
    // The rule files the new list names, read and imported once (the worker imports the same texts).
    let rules: Rules;
    try {
      rules = readRules(plan.inspection.gitleaks);
    } catch (e) {
      return refuse(e);
    }
    const rulesChanged = !sameSources(rules.sources, this.sources);
    const changed = rulesChanged && !plan.applied.includes('inspection.gitleaks') ? [...plan.applied, 'inspection.gitleaks'] : plan.applied;
    if (changed.length > 0) {
      try {
        // The worker first; this thread switches once it has, so the two never differ for long.
        await worker?.reload(rules.sources, plan.inspection);
      } catch (e) {
        return refuse(e);
      }
      await this.target.startBaselines(plan.inspection);
      this.config = { ...this.config, inspection: plan.inspection };
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
    this.sources = rules.sources;
    this.target.apply(rules.loaded.rules, inspection);
    if (warn) for (const u of rules.loaded.untranslatable) this.target.logger.warn({ file: u.file, rule: u.id, reason: u.reason }, 'gitleaks rule or allowlist not imported as written');
  }

  /**
   * Reloads on SIGHUP and when a file changes: the configuration file when given (reloadConfig),
   * and the organisation's gitleaks files (reloadSecretRules), whose list may change with it.
   */
  watch(config?: ConfigFile): void {
    if (this.watching) return;
    this.watching = true;
    if (config !== undefined) {
      this.file = config;
      this.fileWatch = new FileWatch(config.path, () => void this.reloadConfig('file change'), {
        onError: (e) => this.target.logger.warn({ file: config.path, err: e.message }, 'configuration watch failed; reload with SIGHUP'),
      }).start();
    }
    this.watchRules();
    // Without a file to read again, SIGHUP keeps its default (ending the process) as before.
    if (config !== undefined || this.config.inspection.gitleaks.length > 0) process.on('SIGHUP', this.onHup);
  }

  /** Watches the gitleaks files in force (again, when their list changed). */
  private watchRules(): void {
    for (const w of this.ruleWatches) w.close();
    this.ruleWatches = this.config.inspection.gitleaks.map((f) => new FileWatch(f, () => void this.reloadSecretRules('file change'), {
      onError: (e) => this.target.logger.warn({ file: f, err: e.message }, 'secret rules watch failed; reload with SIGHUP'),
    }).start());
  }

  /** Stops watching (the gateway is closing). */
  close(): void {
    for (const w of this.ruleWatches) w.close();
    this.fileWatch?.close();
    process.off('SIGHUP', this.onHup);
    this.ruleWatches = [];
    this.fileWatch = null;
    this.watching = false;
  }
}

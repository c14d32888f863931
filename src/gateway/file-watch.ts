// Watches one file for changes, whatever way it is replaced. The file itself is watched, not its
// directory: a directory that also holds the audit database reported every write of its journal
// to the gateway's thread (a read and a callback each, ~20 per audit batch). An editor's save by
// rename, a delete-and-create, or a Kubernetes ConfigMap's symlink swap ends the watch of the old
// file ('rename'): the path is watched again within 50 ms, and what changed meanwhile is reported.
import { watch, type FSWatcher } from 'node:fs';

export interface FileWatchOptions {
  /** Coalesce bursts of events (editors write several times). Default 100 ms. */
  debounceMs?: number;
  onError?: (e: Error) => void;
}

export class FileWatch {
  private watcher: FSWatcher | null = null;
  private timer: NodeJS.Timeout | null = null;
  private rearmTimer: NodeJS.Timeout | null = null;
  private watching = false;

  /** `onChange` is called once per burst of changes, after `debounceMs`. */
  constructor(readonly file: string, private readonly onChange: () => void, private readonly opts: FileWatchOptions = {}) {}

  get active(): boolean {
    return this.watching;
  }

  start(): this {
    if (!this.watching) {
      this.watching = true;
      this.arm();
    }
    return this;
  }

  close(): void {
    this.watching = false;
    this.watcher?.close();
    this.watcher = null;
    for (const t of [this.timer, this.rearmTimer]) if (t !== null) clearTimeout(t);
    this.timer = this.rearmTimer = null;
  }

  private arm(): void {
    if (!this.watching) return;
    let w: FSWatcher;
    try {
      w = watch(this.file, { persistent: false }, (event) => {
        this.schedule();
        if (event === 'rename') {
          w.close();
          if (this.watcher === w) this.watcher = null;
          this.rearm();
        }
      });
    } catch {
      // Gone for now (between an unlink and the new file): look again shortly.
      this.rearm();
      return;
    }
    w.on('error', (e) => this.opts.onError?.(e));
    this.watcher = w;
  }

  private rearm(): void {
    if (!this.watching || this.rearmTimer !== null) return;
    this.rearmTimer = setTimeout(() => {
      this.rearmTimer = null;
      this.arm();
      // What changed between the old watch's end and the new one's start is read now.
      if (this.watcher !== null) this.schedule();
    }, 50);
    this.rearmTimer.unref();
  }

  private schedule(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.watching) this.onChange();
    }, this.opts.debounceMs ?? 100);
    this.timer.unref();
  }
}

// A progress bar on stderr while large files are parsed; redrawn at most ten times a second.
export function progressBar(write: (s: string) => void, width = 30): { update: (done: number, total: number, label: string) => void; end: () => void } {
  let last = 0;
  let shown = false;
  return {
    update(done, total, label) {
      const now = Date.now();
      if (now - last < 100 && done < total) return;
      last = now;
      const f = total > 0 ? Math.min(1, done / total) : 0;
      const n = Math.round(f * width);
      write(`\r[${'#'.repeat(n)}${'.'.repeat(width - n)}] ${String(Math.round(f * 100)).padStart(3)}% ${label}`);
      shown = true;
    },
    end() {
      if (shown) write('\r' + ' '.repeat(width + 60) + '\r');
      shown = false;
    },
  };
}

export const mb = (n: number): string => `${(n / 1024 / 1024).toFixed(1)} MB`;

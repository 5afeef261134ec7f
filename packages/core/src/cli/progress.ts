/**
 * A one-line progress bar on stderr. It draws only when stderr is a terminal, so pipes, CI logs and --json
 * consumers see nothing; redraws are throttled so a fast loop is not slowed by terminal writes.
 */
export interface Progress {
  /** Advance by n (default 1) and optionally update the extra fields shown after the bar. */
  tick(n?: number, fields?: Record<string, string | number>): void;
  /** Set the absolute count. */
  update(done: number, fields?: Record<string, string | number>): void;
  /** Set the total once it becomes known (e.g. after a first pass). */
  setTotal(total: number): void;
  finish(): void;
}

export interface ProgressOptions {
  label: string;
  total?: number;
  unit?: string;
  stream?: NodeJS.WriteStream;
  enabled?: boolean;
}

export function createProgress(opts: ProgressOptions): Progress {
  const stream = opts.stream ?? process.stderr;
  const enabled = opts.enabled ?? Boolean(stream.isTTY);
  let total = opts.total;
  let done = 0;
  let fields: Record<string, string | number> = {};
  let last = 0;
  const started = Date.now();
  const unit = opts.unit ?? '';

  const draw = (force = false) => {
    if (!enabled) return;
    const now = Date.now();
    if (!force && now - last < 100) return;
    last = now;
    const secs = Math.max((now - started) / 1000, 1e-3);
    const rate = done / secs;
    const width = 24;
    let bar = '';
    if (total && total > 0) {
      const frac = Math.min(done / total, 1);
      const filled = Math.round(frac * width);
      const eta = rate > 0 ? (total - done) / rate : Infinity;
      bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(frac * 100).toFixed(0).padStart(3)}% ${done}/${total}${unit ? ` ${unit}` : ''}`;
      if (Number.isFinite(eta) && done < total) bar += ` eta ${formatDuration(eta)}`;
    } else {
      bar = `${done}${unit ? ` ${unit}` : ''}`;
    }
    bar += ` ${formatRate(rate)}/s`;
    const extra = Object.entries(fields)
      .map(([k, v]) => `${k} ${v}`)
      .join('  ');
    const columns = stream.columns ?? 100;
    const line = `${opts.label} ${bar}${extra ? `  ${extra}` : ''}`.slice(0, columns - 1);
    stream.write(`\r\x1b[2K${line}`);
  };

  return {
    tick(n = 1, f) {
      done += n;
      if (f) fields = { ...fields, ...f };
      draw();
    },
    update(d, f) {
      done = d;
      if (f) fields = { ...fields, ...f };
      draw();
    },
    setTotal(t) {
      total = t;
      draw(true);
    },
    finish() {
      if (!enabled) return;
      draw(true);
      stream.write('\n');
    },
  };
}

function formatRate(r: number): string {
  if (r >= 1e6) return `${(r / 1e6).toFixed(1)}M`;
  if (r >= 1e3) return `${(r / 1e3).toFixed(1)}k`;
  return r.toFixed(r < 10 ? 1 : 0);
}

function formatDuration(s: number): string {
  if (s < 60) return `${Math.ceil(s)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.ceil(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

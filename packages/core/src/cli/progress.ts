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
  /** How counts are written, e.g. as bytes ("12.5 MB"); default: the plain number. */
  format?: (n: number) => string;
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
    const line = progressLine({
      label: opts.label,
      done,
      total,
      unit,
      rate: done / secs,
      fields,
      columns: stream.columns ?? 100,
      format: opts.format ?? String,
    });
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

export interface ProgressLineInput {
  label: string;
  done: number;
  total: number | undefined;
  unit: string;
  rate: number;
  fields: Record<string, string | number>;
  columns: number;
  format: (n: number) => string;
}

/**
 * The line drawn for a state. It fits the terminal by leaving out whole parts, least useful first (the bar, then
 * the rate, the estimate, then the extra fields from the last), never by cutting text: a number is shown whole
 * or not at all, so "utterances 34403" never reads as "utterances 3440".
 */
export function progressLine(p: ProgressLineInput): string {
  const width = 24;
  const unit = p.unit ? ` ${p.unit}` : '';
  let bar: string | undefined;
  let count: string;
  let eta: string | undefined;
  if (p.total && p.total > 0) {
    const frac = Math.min(p.done / p.total, 1);
    const filled = Math.round(frac * width);
    bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
    count = `${(frac * 100).toFixed(0).padStart(3)}% ${p.format(p.done)}/${p.format(p.total)}${unit}`;
    const secs = p.rate > 0 ? (p.total - p.done) / p.rate : Infinity;
    if (Number.isFinite(secs) && p.done < p.total) eta = `eta ${formatDuration(secs)}`;
  } else {
    count = `${p.format(p.done)}${unit}`;
  }
  const rate = `${p.format === String ? formatRate(p.rate) : p.format(p.rate)}/s`;
  const extras = Object.entries(p.fields).map(([k, v]) => `${k} ${v}`);
  const parts = { bar, rate: rate as string | undefined, eta, extras };
  const render = () =>
    [[p.label, parts.bar, count, parts.eta, parts.rate].filter((x) => x !== undefined).join(' '), ...parts.extras].join(
      '  ',
    );
  const fits = () => render().length <= p.columns - 1;
  if (!fits()) parts.bar = undefined;
  if (!fits()) parts.rate = undefined;
  if (!fits()) parts.eta = undefined;
  while (!fits() && parts.extras.length > 0) parts.extras = parts.extras.slice(0, -1);
  return render();
}

/** Bytes as a person reads them: 512 B, 12.5 kB, 3.4 MB. */
export function formatBytes(n: number): string {
  if (n < 1000) return `${Math.round(n)} B`;
  if (n < 1e6) return `${(n / 1e3).toFixed(1)} kB`;
  if (n < 1e9) return `${(n / 1e6).toFixed(1)} MB`;
  return `${(n / 1e9).toFixed(2)} GB`;
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

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fitLmm, rmcorr, createRng } from '@alliance-lab/core/stats';
import type { BenchSuite, Figure } from './figure';

function normal(rand: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

/** Sessions nested in clients (and clients in therapists): alliance-like scores with client slopes. */
function sessions(clients: number, perClient: number, therapists: number, seed: number) {
  const z = normal(createRng(seed).next);
  const cols = {
    client: [] as string[],
    therapist: [] as string[],
    session: [] as number[],
    x: [] as number[],
    y: [] as number[],
  };
  const tEffect = Array.from({ length: therapists }, () => 2 * z());
  for (let c = 0; c < clients; c++) {
    const b0 = 4 * z();
    const b1 = 0.5 * z();
    const bx = z();
    const t = c % therapists;
    for (let s = 1; s <= perClient; s++) {
      const wx = z();
      cols.client.push(`c${c}`);
      cols.therapist.push(`t${t}`);
      cols.session.push(s);
      cols.x.push(Math.round((45 + 4 * bx + 3 * wx) * 1000) / 1000);
      cols.y.push(Math.round((44 + tEffect[t]! + b0 + (0.3 + b1) * s + 0.4 * wx + 2.5 * z()) * 1000) / 1000);
    }
  }
  return cols;
}

function medianMs(fn: () => unknown, runs: number): number {
  fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(runs / 2)]!;
}

function writeCsv(file: string, cols: ReturnType<typeof sessions>): void {
  const lines = ['client,therapist,session,x,y'];
  for (let i = 0; i < cols.y.length; i++)
    lines.push(`${cols.client[i]},${cols.therapist[i]},${cols.session[i]},${cols.x[i]},${cols.y[i]}`);
  writeFileSync(file, `${lines.join('\n')}\n`);
}

/** Runs the same computations in R (median elapsed ms), or returns null where Rscript is not installed. */
function rTimings(rmFile: string, lmmFile: string): Record<string, number> | null {
  if (spawnSync('Rscript', ['--version'], { encoding: 'utf8' }).error) return null;
  const script = `
suppressPackageStartupMessages({ library(lme4); library(lmerTest) })
med <- function(f, runs) { f(); median(vapply(seq_len(runs), function(i) system.time(f())[["elapsed"]], 0)) * 1000 }
rm <- read.csv("${rmFile}", colClasses = c(client = "character"))
lm_d <- read.csv("${lmmFile}", colClasses = c(client = "character", therapist = "character"))
# The same computation as ours in base R (centring by client, then the F test on N - k - 1 df); and, once, the
# dense ANCOVA the rmcorr package fits, which is what an R user of the package waits for.
rmcorr_ms <- med(function() {
  cx <- rm$x - ave(rm$x, rm$client); cy <- rm$y - ave(rm$y, rm$client)
  r <- sum(cx * cy) / sqrt(sum(cx^2) * sum(cy^2)); df <- nrow(rm) - length(unique(rm$client)) - 1
  pf(r^2 * df / (1 - r^2), 1, df, lower.tail = FALSE)
}, 21)
ancova_ms <- system.time(anova(lm(y ~ factor(client) + x, data = rm)))[["elapsed"]] * 1000
lmer_ms <- med(function() lme4::lmer(y ~ session + (session | client), data = lm_d), 3)
lmertest_ms <- med(function() summary(lmerTest::lmer(y ~ session + (session | client), data = lm_d)), 3)
nested_ms <- med(function() summary(lmerTest::lmer(y ~ session + (session | client) + (1 | therapist), data = lm_d)), 3)
cat(sprintf('{"rmcorr":%f,"ancova":%f,"lmer":%f,"lmerTest":%f,"nested":%f}\\n', rmcorr_ms, ancova_ms, lmer_ms, lmertest_ms, nested_ms))
`;
  const r = spawnSync('Rscript', ['-e', script], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`R timing script failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, number>;
}

export const suite: BenchSuite = {
  name: 'association',
  async run(): Promise<Figure[]> {
    const rmData = sessions(1000, 20, 50, 11);
    const lmmData = sessions(500, 12, 50, 12);
    const rmSeries = { subject: rmData.client, x: rmData.x, y: rmData.y };

    const rmMs = medianMs(() => rmcorr(rmSeries), 21);
    let fitInfo = '';
    const lmmMs = medianMs(() => {
      const fit = fitLmm(lmmData, 'y ~ session + (session | client)');
      fitInfo = `${fit.optimizer.evaluations} deviance evaluations`;
    }, 5);
    const nestedMs = medianMs(() => fitLmm(lmmData, 'y ~ session + (session | client) + (1 | therapist)'), 3);

    const dir = mkdtempSync(join(tmpdir(), 'alliance-assoc-bench-'));
    let r: Record<string, number> | null;
    try {
      const rmFile = join(dir, 'rmcorr.csv');
      const lmmFile = join(dir, 'lmm.csv');
      writeCsv(rmFile, rmData);
      writeCsv(lmmFile, lmmData);
      r = rTimings(rmFile, lmmFile);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const noR = r ? undefined : 'Rscript not installed: no R comparison';
    return [
      {
        name: 'rmcorr: 1,000 clients x 20 sessions',
        value: rmMs,
        unit: 'ms',
        target: '< 20 ms',
        ok: rmMs < 20,
        ...(r ? { r: { value: r.rmcorr!, unit: 'ms' } } : {}),
        note:
          noR ??
          `median of 21; R: the same centring with ave() (the rmcorr package's lm ANCOVA: ${r!.ancova!.toFixed(0)} ms, one run)`,
      },
      {
        name: 'lmm REML (session | client): 500 clients x 12 sessions',
        value: lmmMs,
        unit: 'ms',
        target: '< 2000 ms',
        ok: lmmMs < 2000,
        ...(r ? { r: { value: r.lmerTest!, unit: 'ms' } } : {}),
        note:
          noR ??
          `with Satterthwaite df; median of 5; ${fitInfo}; R: summary(lmerTest::lmer()) (lme4::lmer alone ${r!.lmer!.toFixed(0)} ms)`,
      },
      {
        name: 'lmm REML (session | client) + (1 | therapist): 500 clients in 50 therapists x 12',
        value: nestedMs,
        unit: 'ms',
        ...(r ? { r: { value: r.nested!, unit: 'ms' } } : {}),
        note: noR ?? 'with Satterthwaite df; median of 3; R: summary(lmerTest::lmer())',
      },
    ];
  },
};

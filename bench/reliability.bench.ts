import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { krippendorffAlpha, icc, createRng } from '@alliance-lab/core/stats';
import type { BenchSuite, Figure } from './figure';

/**
 * Reliability statistics at study scale, each beside the same computation in R where Rscript is installed
 * (bench/reliability.R: psych::ICC with lme4; a plain-R coincidence-matrix alpha, since Debian packages none).
 */

function normal(rng: { next(): number }): number {
  return Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
}

/** Subjects × raters Likert-type ratings 1..7 with subject and rater effects; `missing` of the cells empty. */
function ratings(
  subjects: number,
  raters: number,
  missing: number,
  seed: number,
  integer: boolean,
): Array<Array<number | null>> {
  const rng = createRng(seed);
  const rater = Array.from({ length: raters }, () => 0.4 * normal(rng));
  return Array.from({ length: subjects }, () => {
    const s = 4 + 1.2 * normal(rng);
    return rater.map((r) => {
      if (rng.next() < missing) return null;
      const v = s + r + 0.8 * normal(rng);
      return integer ? Math.min(7, Math.max(1, Math.round(v))) : Math.round(v * 100) / 100;
    });
  });
}

function toCsv(m: Array<Array<number | null>>): string {
  const k = m[0]!.length;
  return `${[Array.from({ length: k }, (_, j) => `r${j + 1}`).join(','), ...m.map((r) => r.map((v) => (v === null ? 'NA' : String(v))).join(','))].join('\n')}\n`;
}

function medianMs(f: () => void, reps: number): number {
  f();
  const t: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    f();
    t.push(performance.now() - t0);
  }
  t.sort((a, b) => a - b);
  return t[Math.floor(t.length / 2)]!;
}

function hasRscript(): boolean {
  return spawnSync('Rscript', ['--version'], { encoding: 'utf8' }).status === 0;
}

export const suite: BenchSuite = {
  name: 'reliability',
  async run(): Promise<Figure[]> {
    const iccData = ratings(10_000, 5, 0, 101, false);
    const alphaData = ratings(10_000, 5, 0.1, 102, true);
    const bootData = ratings(1_000, 4, 0.1, 103, true);

    let iccResult = icc(iccData);
    const iccMs = medianMs(() => (iccResult = icc(iccData)), 21);
    let alphaResult = krippendorffAlpha(alphaData, { metric: 'interval', bootstrap: 0 });
    const alphaMs = medianMs(
      () => (alphaResult = krippendorffAlpha(alphaData, { metric: 'interval', bootstrap: 0 })),
      21,
    );
    let bootResult = krippendorffAlpha(bootData, { metric: 'interval', bootstrap: 1000, seed: 1 });
    const bootMs = medianMs(
      () => (bootResult = krippendorffAlpha(bootData, { metric: 'interval', bootstrap: 1000, seed: 1 })),
      5,
    );

    let r:
      | { icc_ms: number; icc: number[]; alpha_ms: number; alpha: number; boot_ms: number; boot_ci: number[] }
      | undefined;
    let rNote = 'Rscript not installed';
    if (hasRscript()) {
      const dir = mkdtempSync(join(tmpdir(), 'alliance-reliability-bench-'));
      try {
        writeFileSync(join(dir, 'icc.csv'), toCsv(iccData));
        writeFileSync(join(dir, 'alpha.csv'), toCsv(alphaData));
        writeFileSync(join(dir, 'boot.csv'), toCsv(bootData));
        const script = join(dirname(fileURLToPath(import.meta.url)), 'reliability.R');
        const out = spawnSync('Rscript', [script, dir], { encoding: 'utf8', maxBuffer: 1 << 24 });
        if (out.status === 0) {
          r = JSON.parse(out.stdout);
          rNote = '';
        } else rNote = `R failed: ${out.stderr.trim().split('\n').pop()}`;
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
    // The R numbers are only comparable if R computed the same thing: say how far apart the estimates are.
    const agree = (ours: Array<number | null>, theirs: number[] | undefined) =>
      theirs
        ? `R agrees to ${Math.max(...ours.map((v, i) => (v === null ? Infinity : Math.abs(v - theirs[i]!)))).toExponential(0)}`
        : rNote;
    const forms = ['ICC1', 'ICC2', 'ICC3', 'ICC1k', 'ICC2k', 'ICC3k'] as const;
    return [
      {
        name: 'ICC, six forms with F tests and CIs, 10,000 subjects x 5 raters',
        value: iccMs,
        unit: 'ms',
        target: '< 20 ms',
        ok: iccMs < 20,
        ...(r ? { r: { value: r.icc_ms, unit: 'ms' } } : {}),
        note: `R: psych::ICC (default lmer = TRUE; lmer = FALSE cannot run at this size); ${agree(
          forms.map((k) => iccResult.forms[k].icc),
          r?.icc,
        )}`,
      },
      {
        name: "Krippendorff's alpha, interval, 10,000 units x 5 coders, 10% missing",
        value: alphaMs,
        unit: 'ms',
        target: '< 100 ms',
        ok: alphaMs < 100,
        ...(r ? { r: { value: r.alpha_ms, unit: 'ms' } } : {}),
        note: `R: plain-R coincidence matrix (bench/reliability.R); ${agree([alphaResult.alpha!], r ? [r.alpha] : undefined)}`,
      },
      {
        name: "Krippendorff's alpha, 1,000 bootstrap resamples, 1,000 units x 4 coders",
        value: bootMs,
        unit: 'ms',
        target: '< 2,000 ms',
        ok: bootMs < 2000,
        ...(r ? { r: { value: r.boot_ms, unit: 'ms' } } : {}),
        note: `interval metric; ours CI [${bootResult.ci95!.map((v) => v.toFixed(3)).join(', ')}]${r ? `, R's (own RNG) [${r.boot_ci.map((v) => v.toFixed(3)).join(', ')}]` : ''}`,
      },
    ];
  },
};

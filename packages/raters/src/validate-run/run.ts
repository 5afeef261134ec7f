import { readFileSync } from 'node:fs';
import { type CodedValidity, codedValidity } from './coded';
import { type Completion, completion } from './completion';
import { coderAgreement, vsCoders, type VsCoder } from './coders';
import type { ScaleRef, ValidationData } from './data';
import { type GroundTruth, vsGroundTruth, type VsGroundTruth } from './ground-truth';
import { baselineSeries, baselineValidity, type BaselineValidity, incremental, type Incremental } from './baselines';
import { type Replicates, replicateReliability } from './replicates';
import { type EpisodeAgreement, markerSessions, matchEvents, ruptureSessions } from './ruptures';
import {
  clientSelfReportScales,
  type BootstrapSettings,
  divergence,
  type Divergence,
  vsSelfReport,
  type VsSelfReport,
} from './self-report';
import { METHODS, type Sample, sampleOf, sampleOfIds } from './sample';
import { pairSeries, scalesOf, sessionIndex, seriesOf } from './series';

export interface ValidateOptions {
  bootstrap?: BootstrapSettings;
  /** Session tolerance when matching rupture episodes; default 1. */
  tolerance?: number;
  groundTruth?: GroundTruth;
  /** The time stamped on the result; default now. */
  generatedAt?: string;
}

export interface RaterValidation {
  rater: string;
  provider: string;
  models: string[];
  prompts: Array<{ version: string; hash: string }>;
  scale: ScaleRef | null;
  completion: Completion;
  replicates: Replicates | null;
  vsCoders: VsCoder[];
  vsSelfReport: VsSelfReport[];
  baselines: BaselineValidity[];
  incremental: Incremental[];
  /** n: sessions with both a rater and a criterion score, where an episode of either could be matched. */
  ruptures: EpisodeAgreement & { n: Sample; method: string; markers: EpisodeAgreement };
  divergence: Divergence[];
  groundTruth?: VsGroundTruth;
}

export interface ValidationResult {
  study: string;
  criterion: ScaleRef | null;
  generatedAt: string;
  software: Record<string, string>;
  coders: ReturnType<typeof coderAgreement> | null;
  /** The utterance coder's session summaries against the criterion (empty when no codes are stored). */
  coded: CodedValidity[];
  raters: RaterValidation[];
  settings: { bootstrap: BootstrapSettings; tolerance: number; ruptureRule: ValidationData['ruptureRule'] };
}

function version(pkg: string): string {
  try {
    return (JSON.parse(readFileSync(new URL(pkg, import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

export function softwareVersions(): Record<string, string> {
  return {
    '@alliance-lab/raters': version('../../package.json'),
    '@alliance-lab/core': version('../../../core/package.json'),
    node: process.version,
  };
}

/** The headline scale of a rater: its first form's total, or that form's first scale. */
function headline(scales: readonly ScaleRef[]): ScaleRef | null {
  return scales.find((s) => s.scale === 'total') ?? scales[0] ?? null;
}

/**
 * Every validation figure for every rater of the data, computed by the same statistics functions the
 * `alliance stats` commands call and reported in their JSON shapes. Pure apart from the clock (pass
 * generatedAt to fix it).
 */
export function validateRaters(data: ValidationData, opts: ValidateOptions = {}): ValidationResult {
  const boot = opts.bootstrap ?? { resamples: 1000, seed: 1 };
  const tolerance = opts.tolerance ?? 1;
  const file = `study "${data.study}"`;
  const info = sessionIndex(data.scores);
  const baselines = baselineSeries(data.lengths);
  const selfScales = clientSelfReportScales(data.scores);
  const criterion = data.criterion ?? selfScales.find((s) => s.scale === 'total') ?? null;
  const criterionSeries = criterion ? seriesOf(data.scores, 'self-report', 'client', criterion, 'pomp') : null;
  const baselineFigures =
    criterion && criterionSeries ? baselineValidity(baselines, criterionSeries, criterion, info, file) : [];
  const selfRuptures = criterionSeries ? ruptureSessions(criterionSeries, info, data.ruptureRule) : [];
  const raters = data.raters.map((r): RaterValidation => {
    const ratings = data.ratings.filter((g) => g.rater === r.name);
    const scales = scalesOf(data.scores, 'rater', r.name);
    const main = headline(scales);
    const done = completion(ratings);
    // What one run over a session costs: the projection's k runs cost k times as much.
    const perSessionRun = done.costPerSession === null ? null : done.costPerSession / Math.max(1, done.replicates);
    const key = main ? `${main.instrument}:${main.form}` : '';
    const raterSeries = main ? seriesOf(data.scores, 'rater', r.name, main, 'pomp') : new Map<string, number>();
    const detected = ruptureSessions(raterSeries, info, data.ruptureRule);
    const criterionPair = criterionSeries ? pairSeries(raterSeries, criterionSeries, info) : null;
    const matched = main ? vsSelfReport(r.name, data.scores, scales, criterion, info, file, boot) : [];
    const totals = matched.filter((m) => m.rater.scale === main?.scale);
    return {
      rater: r.name,
      provider: r.provider,
      models: [...new Set(ratings.map((g) => g.model))],
      prompts: [
        ...new Map(
          ratings.map((g) => [
            `${g.promptVersion}\u0000${g.promptHash}`,
            { version: g.promptVersion, hash: g.promptHash },
          ]),
        ).values(),
      ],
      scale: main,
      completion: done,
      replicates: replicateReliability(r.name, data.scores, ratings, scales, perSessionRun, info, file),
      vsCoders: main ? vsCoders(r.name, data.scores, ratings, data.coderItems.get(key) ?? [], main, info, file) : [],
      vsSelfReport: matched,
      baselines: baselineFigures,
      incremental:
        main && criterionSeries
          ? totals.map((m) =>
              incremental(
                raterSeries,
                main,
                seriesOf(data.scores, 'self-report', 'client', m.selfReport, 'pomp'),
                m.selfReport,
                baselines,
                info,
              ),
            )
          : [],
      ruptures: {
        ...matchEvents(detected, selfRuptures, tolerance),
        n: criterionPair ? sampleOf(criterionPair.sessions) : sampleOfIds(raterSeries.keys(), info),
        method: METHODS.ruptures,
        markers: matchEvents(markerSessions(ratings, info), selfRuptures, tolerance),
      },
      divergence: criterionPair ? divergence(criterionPair).sessions : [],
      ...(opts.groundTruth && main
        ? { groundTruth: vsGroundTruth(opts.groundTruth, r.name, main, data.scores, info, data.ruptureRule, tolerance) }
        : {}),
    };
  });
  const codersRef = raters.find((r) => r.scale)?.scale ?? null;
  return {
    study: data.study,
    criterion,
    generatedAt: opts.generatedAt ?? new Date().toISOString(),
    software: softwareVersions(),
    coders: codersRef ? coderAgreement(data.scores, codersRef, info, file) : null,
    coded: criterion && criterionSeries ? codedValidity(data.codes, criterionSeries, criterion, info, file) : [],
    raters,
    settings: { bootstrap: boot, tolerance, ruptureRule: data.ruptureRule },
  };
}

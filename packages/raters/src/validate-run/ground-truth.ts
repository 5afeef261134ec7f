import { basename } from 'node:path';
import { InputError, readCsvRows } from '@alliance-lab/core';
import { rmcorrJson } from '@alliance-lab/core/cli';
import { rmcorr, withinBetween } from '@alliance-lab/core/stats';
import { attempt, withReasons } from './attempt';
import type { ScaleRef } from './data';
import { type EpisodeAgreement, matchEvents, ruptureSessions } from './ruptures';
import { METHODS, type Sample, sampleOf } from './sample';
import { pairSeries, type SessionInfo, seriesOf } from './series';
import type { ScoreRow, AnalysisPlan } from '@alliance-lab/core';

/** A simulator's truth per session: the latent alliance that drove the data and whether a rupture was planted. */
export interface GroundTruth {
  file: string;
  /** Latent alliance by session id ("C01/3"). */
  latent: Map<string, number>;
  ruptures: Array<{ client: string; session: number }>;
}

const REQUIRED = ['client', 'session', 'latent_alliance', 'rupture'];

/** Reads a ground-truth CSV with columns client, session, latent_alliance, rupture (yes/no). */
export async function readGroundTruth(file: string): Promise<GroundTruth> {
  const label = basename(file);
  const latent = new Map<string, number>();
  const ruptures: GroundTruth['ruptures'] = [];
  let checked = false;
  for await (const row of readCsvRows(file, { file: label })) {
    if (!checked) {
      checked = true;
      for (const c of REQUIRED)
        if (!(c in row.values))
          throw new InputError(`no column "${c}"; a ground-truth file needs ${REQUIRED.join(', ')}`, {
            file: label,
            line: 1,
          });
    }
    const client = row.values.client!.trim();
    const session = Number(row.values.session);
    if (!Number.isInteger(session) || session < 1)
      throw new InputError(`session must be a positive whole number, found "${row.values.session}"`, {
        file: label,
        line: row.line,
        column: 'session',
      });
    const v = Number(row.values.latent_alliance);
    if (row.values.latent_alliance!.trim() === '' || !Number.isFinite(v))
      throw new InputError(`expected a number, found "${row.values.latent_alliance}"`, {
        file: label,
        line: row.line,
        column: 'latent_alliance',
      });
    latent.set(`${client}/${session}`, v);
    if (row.values.rupture!.trim() === 'yes') ruptures.push({ client, session });
  }
  return { file: label, latent, ruptures };
}

export interface VsGroundTruth {
  rater: ScaleRef;
  n: Sample;
  method: string;
  rmcorr: Record<string, unknown> | null;
  between: Record<string, unknown> | null;
  /** The rater's rupture episodes against the planted rupture sessions. */
  ruptures: EpisodeAgreement;
  reasons?: Record<string, string>;
}

export function vsGroundTruth(
  truth: GroundTruth,
  rater: string,
  ref: ScaleRef,
  scores: readonly ScoreRow[],
  info: ReadonlyMap<string, SessionInfo>,
  rule: AnalysisPlan['ruptures'],
  tolerance: number,
): VsGroundTruth {
  const x = seriesOf(scores, 'rater', rater, ref, 'pomp');
  const p = pairSeries(x, truth.latent, info);
  const series = { subject: p.sessions.map((s) => s.client), x: p.x, y: p.y };
  const reasons: Record<string, string> = {};
  const rm = attempt('rmcorr', reasons, () => rmcorrJson(rmcorr(series), p.excluded, truth.file));
  const between = attempt('between', reasons, () => ({ ...withinBetween(series).between }));
  const detected = ruptureSessions(x, info, rule);
  return withReasons(
    {
      rater: ref,
      n: sampleOf(p.sessions),
      method: METHODS.groundTruth,
      rmcorr: rm,
      between,
      ruptures: matchEvents(detected, truth.ruptures, tolerance),
    },
    reasons,
  );
}

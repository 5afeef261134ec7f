import type { ScoreRow } from '../../schemas/score';
import { datasetSessions } from '../../store/dataset-reads';
import { exportSecret } from '../../store/export-secret';
import { forEachScoreOf, scoreRow } from '../../store/score-stream';
import type { Study } from '../../store/study';
import { WideAccumulator } from '../wide-columns';
import { columnsFor, type ExportMode, TABLES } from './columns';
import type { DataFormat } from './formats';
import { pseudonymizer } from './pseudonyms';
import { ScoresTableWriter } from './scores-table';
import { type RowContext, sessionKeys } from './table-rows';

/** What every table of an export needs: its mode, the pseudonyms (or none) and each session's keys. */
export async function datasetContext(study: Study, mode: ExportMode): Promise<RowContext> {
  const pseudonym = pseudonymizer(mode.identified ? null : await exportSecret(study.db));
  return { ...mode, pseudonym, sessions: sessionKeys(await datasetSessions(study.db), pseudonym) };
}

export interface ScoreTables {
  /** The scores table, written and closed. */
  scores: ScoresTableWriter;
  /** scores_wide's sums, to be written once its columns are documented. */
  wide: WideAccumulator;
  /** The self-reported totals with a score, in queryScores' order: the series the rupture rule screens. */
  selfTotals: ScoreRow[];
}

const SCORES = TABLES.find((t) => t.name === 'scores')!;

/**
 * The scores table and everything else that needs every score, from one read of the store: the million rows of
 * a large study stream from SQLite into the table's files (forEachScoreOf; the writes block, so nothing awaits
 * between rows) while scores_wide's sums and the rupture rule's series are kept beside them. Nothing is built per
 * row: the stream's session and key objects are shared, and what is derived from them is kept with them.
 */
export async function writeScoreTables(
  study: Pick<Study, 'db' | 'sqlite'>,
  dir: string,
  ctx: RowContext,
  formats: readonly DataFormat[],
): Promise<ScoreTables> {
  const w = new ScoresTableWriter(dir, columnsFor(SCORES, ctx), formats);
  const wide = new WideAccumulator((r) => {
    const s = ctx.sessions.get(r.session_id)!;
    const keys: Record<string, string | number | null> = {
      client: s.client,
      therapist: s.therapist,
      session: s.session,
    };
    if (ctx.identified) keys.date = s.date;
    else keys.day = s.day;
    return keys;
  });
  const selfTotals: ScoreRow[] = [];
  let lastSession: unknown;
  let client = '';
  let session = 0;
  await forEachScoreOf(study, {}, (s, k, score, pomp, prorated, missing) => {
    if (s !== lastSession) {
      const keys = ctx.sessions.get(s.session_id);
      if (!keys) throw new Error(`session ${s.session_id} is not in the store`);
      lastSession = s;
      client = keys.client;
      session = keys.session;
    }
    w.add(s, client, session, k, score, pomp, prorated, missing);
    wide.addScore(s, k, score);
    if (score !== null && k.scale === 'total' && k.source === 'self-report')
      selfTotals.push(scoreRow(s, k, score, pomp, prorated, missing));
  });
  w.close();
  return { scores: w, wide, selfTotals };
}

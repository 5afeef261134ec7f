import type { ScoreRow } from '../../schemas/score';
import { datasetSessions } from '../../store/dataset-reads';
import { exportSecret } from '../../store/export-secret';
import { forEachScore } from '../../store/score-stream';
import type { Study } from '../../store/study';
import { WideAccumulator } from '../wide-columns';
import { columnsFor, type ExportMode, TABLES } from './columns';
import type { DataFormat } from './formats';
import { pseudonymizer } from './pseudonyms';
import { type RowContext, sessionKeys } from './table-rows';
import { TableWriter } from './table-writer';

/** What every table of an export needs: its mode, the pseudonyms (or none) and each session's keys. */
export async function datasetContext(study: Study, mode: ExportMode): Promise<RowContext> {
  const pseudonym = pseudonymizer(mode.identified ? null : await exportSecret(study.db));
  return { ...mode, pseudonym, sessions: sessionKeys(await datasetSessions(study.db), pseudonym) };
}

export interface ScoreTables {
  /** The scores table, written and closed. */
  scores: TableWriter;
  /** scores_wide's sums, to be written once its columns are documented. */
  wide: WideAccumulator;
  /** The self-reported totals with a score, in queryScores' order: the series the rupture rule screens. */
  selfTotals: ScoreRow[];
}

const SCORES = TABLES.find((t) => t.name === 'scores')!;

/**
 * The scores table and everything else that needs every score, from one read of the store: the million rows of
 * a large study stream from SQLite into the table's files (forEachScore; the writes block, so nothing awaits
 * between rows) while scores_wide's sums and the rupture rule's series are kept beside them.
 */
export async function writeScoreTables(
  study: Pick<Study, 'db' | 'sqlite'>,
  dir: string,
  ctx: RowContext,
  formats: readonly DataFormat[],
): Promise<ScoreTables> {
  const w = new TableWriter(dir, SCORES.name, columnsFor(SCORES, ctx), formats);
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
  // The scores table's columns in order, filled per row into one array the sinks copy from.
  const cells: Array<string | number | null> = new Array(12);
  let lastSession = '';
  let client = '';
  let session = 0;
  await forEachScore(study, {}, (s) => {
    if (s.session_id !== lastSession) {
      const k = ctx.sessions.get(s.session_id);
      if (!k) throw new Error(`session ${s.session_id} is not in the store`);
      lastSession = s.session_id;
      client = k.client;
      session = k.session;
    }
    cells[0] = client;
    cells[1] = session;
    cells[2] = s.source;
    cells[3] = s.rater;
    cells[4] = s.replicate;
    cells[5] = s.instrument;
    cells[6] = s.form;
    cells[7] = s.scale;
    cells[8] = s.score;
    cells[9] = s.pomp;
    cells[10] = s.prorated ? 1 : 0;
    cells[11] = s.missing ? 1 : 0;
    w.addCells(cells);
    wide.add(s);
    if (s.source === 'self-report' && s.scale === 'total' && s.score !== null) selfTotals.push(s);
  });
  w.close();
  return { scores: w, wide, selfTotals };
}

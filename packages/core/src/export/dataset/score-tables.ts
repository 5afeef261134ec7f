import type { ScoreRow } from '../../schemas/score';
import { datasetSessions } from '../../store/dataset-reads';
import { exportSecret } from '../../store/export-secret';
import { forEachScoreBatch, type StreamSession, scoreRow } from '../../store/score-stream';
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
 * a large study stream from SQLite into the table's files a batch at a time (forEachScoreBatch; the writes block,
 * so nothing awaits) while scores_wide's sums and the rupture rule's series are kept beside them. Nothing is built
 * per row: a batch is typed arrays of session ranks, key ids and values, and what is derived from a session or a
 * key is kept with it.
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
  const cellsOf = (s: StreamSession) => {
    const keys = ctx.sessions.get(s.session_id);
    if (!keys) throw new Error(`session ${s.session_id} is not in the store`);
    return keys;
  };
  await forEachScoreBatch(study, {}, (b) => {
    w.addBatch(b, cellsOf);
    wide.addBatch(b);
    const self = b.keys.map((k) => k.scale === 'total' && k.source === 'self-report');
    for (let i = 0; i < b.n; i++)
      if (self[b.key[i]!] && (b.flags[i]! & 4) === 0) {
        const f = b.flags[i]!;
        const s = b.sessions[b.session[i]!]!;
        selfTotals.push(scoreRow(s, b.keys[b.key[i]!]!, b.score[i]!, b.pompAt(i), (f & 1) === 1, (f & 2) === 2));
      }
  });
  w.close();
  return { scores: w, wide, selfTotals };
}

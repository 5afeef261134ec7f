import { Form, PseudonymId, ScoreSource, queryScores, scoresCsv, type Study } from '@alliance-lab/core';
import { Hono } from 'hono';
import { z } from 'zod';
import { DefinitionId, RaterName, parseQuery } from './query';
import { refuseUnmatchedFilter } from './score-filter';

const SessionNumber = z.coerce.number().int().positive();

const ScoresQuery = z.object({
  instrument: DefinitionId.optional(),
  form: Form.optional(),
  scale: DefinitionId.optional(),
  rater: z.array(RaterName).optional(),
  format: z.enum(['json', 'csv']).default('json'),
  client: z.array(PseudonymId).optional(),
  therapist: z.array(PseudonymId).optional(),
  source: z.array(ScoreSource).optional(),
  /** Session numbers from and to, both included. */
  from: SessionNumber.optional(),
  to: SessionNumber.optional(),
});

const REPEATABLE = ['client', 'therapist', 'source', 'rater'];

/**
 * `GET /api/scores`: scale scores in the long shape of `alliance export scores`, filtered in the store by client,
 * therapist, session range (`from`, `to`), source, rater (repeatable or comma-separated), instrument, form and
 * scale. A value that matches nothing is refused with the values that would. `?format=csv` is the same CSV file.
 */
export function scoresApi(study: Study): Hono {
  return new Hono().get('/scores', async (c) => {
    const q = parseQuery(c, ScoresQuery, REPEATABLE);
    const filter = {
      instrument: q.instrument,
      form: q.form,
      scale: q.scale,
      raters: q.rater,
      clients: q.client,
      therapists: q.therapist,
      sources: q.source,
      ...(q.from !== undefined || q.to !== undefined ? { sessions: { from: q.from, to: q.to } } : {}),
    };
    await refuseUnmatchedFilter(study, filter);
    const rows = await queryScores(study.db, filter);
    if (q.format === 'json') return c.json({ filter: { ...filter, raters: q.rater ?? [] }, rows });
    c.header('Content-Type', 'text/csv; charset=utf-8');
    c.header('Content-Disposition', `attachment; filename="${csvName(q)}"`);
    return c.body(scoresCsv(rows));
  });
}

/** scores.csv, or scores-wai-sr-client-total.csv for a filtered export. Every part is already a validated id. */
function csvName(q: z.output<typeof ScoresQuery>): string {
  return `${['scores', q.instrument, q.form, q.scale, ...(q.rater ?? [])].filter(Boolean).join('-')}.csv`;
}

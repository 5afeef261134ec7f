import { Form, SCORE_COLUMNS, exportScores, toCsv, type Study } from '@alliance-lab/core';
import { Hono } from 'hono';
import { z } from 'zod';
import { DefinitionId, RaterName, parseQuery } from './query';

const ScoresQuery = z.object({
  instrument: DefinitionId.optional(),
  form: Form.optional(),
  scale: DefinitionId.optional(),
  rater: z.array(RaterName).optional(),
  format: z.enum(['json', 'csv']).default('json'),
});

/**
 * `GET /api/scores`: every scale score in the long shape of `alliance export scores`, filtered as its options
 * filter (instrument, form, scale, rater: repeatable or comma-separated). `?format=csv` is the same CSV file.
 */
export function scoresApi(study: Study): Hono {
  return new Hono().get('/scores', async (c) => {
    const q = parseQuery(c, ScoresQuery, ['rater']);
    const filter = { instrument: q.instrument, form: q.form, scale: q.scale, raters: q.rater };
    const rows = await exportScores(study.db, filter);
    if (q.format === 'json') return c.json({ filter: { ...filter, raters: q.rater ?? [] }, rows });
    c.header('Content-Type', 'text/csv; charset=utf-8');
    c.header('Content-Disposition', `attachment; filename="${csvName(q)}"`);
    return c.body(toCsv(SCORE_COLUMNS, rows as never));
  });
}

/** scores.csv, or scores-wai-sr-client-total.csv for a filtered export. Every part is already a validated id. */
function csvName(q: z.output<typeof ScoresQuery>): string {
  return `${['scores', q.instrument, q.form, q.scale, ...(q.rater ?? [])].filter(Boolean).join('-')}.csv`;
}

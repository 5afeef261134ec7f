import { nearest, scoreFilterProblem, scoreValues, type ScoreFilter, type Study } from '@alliance-lab/core';
import { loadRegistry } from '@alliance-lab/instruments';
import type { Context } from 'hono';
import { RequestError } from '../request-error';

/**
 * Refuses (400) a score filter with a value that matches nothing in the study, listing the values that would
 * match, as `alliance export scores` does: "No nope scores" for a typo would look like an answer.
 */
export async function refuseUnmatchedFilter(study: Study, filter: ScoreFilter): Promise<void> {
  const problem = await scoreFilterProblem(study.db, filter);
  if (problem) throw new RequestError(400, problem);
}

/**
 * A page's scale as asked for. A scale no instrument of the study's registry defines is refused (400) with the
 * scales it does define; a defined scale without scores yet is a state of the study, and the page says so.
 */
export async function checkedScale(c: Context, study: Study, scale: string): Promise<string> {
  if (c.req.query('scale') === undefined) return scale;
  const defined = new Set((await scoreValues(study.db)).scales);
  for (const { definition } of loadRegistry({ studyDir: study.dir }).list())
    for (const s of definition.scales) defined.add(s.id);
  if (defined.has(scale)) return scale;
  const scales = [...defined].sort();
  const near = nearest(scale, scales);
  throw new RequestError(
    400,
    `query parameter "scale" = "${scale}": no instrument of this study has that scale; the scales are ${scales.join(', ')}${near ? ` (did you mean "${near}"?)` : ''}`,
  );
}

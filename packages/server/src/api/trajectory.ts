import type { Study } from '@alliance-lab/core';
import { Hono } from 'hono';
import { z } from 'zod';
import { clientTrajectory } from '../read/client-trajectory';
import { notFound } from '../request-error';
import { DefinitionId, parseQuery } from './query';
import { checkedScale } from './score-filter';

const TrajectoryQuery = z.object({ scale: DefinitionId.default('total') });

/**
 * `GET /api/clients/:id/trajectory?scale=total`: the client's scores session by session, one series per source
 * and rater, with rupture–repair episodes in the study's criterion self-report.
 */
export function trajectoryApi(study: Study): Hono {
  return new Hono().get('/clients/:id/trajectory', async (c) => {
    const scale = await checkedScale(c, study, parseQuery(c, TrajectoryQuery).scale);
    const id = c.req.param('id');
    const t = await clientTrajectory(study, id, scale);
    if (!t) throw notFound(`no client "${id}" in this study`);
    return c.json(t);
  });
}

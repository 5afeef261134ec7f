import { studyCounts, type Study } from '@alliance-lab/core';
import { Hono } from 'hono';
import { z } from 'zod';
import { parseQuery } from './query';

/** `GET /api/status`: the counts `alliance status --json` prints. */
export function statusApi(study: Study): Hono {
  return new Hono().get('/status', async (c) => {
    parseQuery(c, z.object({}));
    return c.json(await studyCounts(study.db));
  });
}

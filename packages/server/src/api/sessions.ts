import { PseudonymId, type Study } from '@alliance-lab/core';
import { Hono } from 'hono';
import { z } from 'zod';
import { listSessions } from '@alliance-lab/core';
import { parseQuery } from './query';

const SessionsQuery = z.object({ client: PseudonymId.optional() });

/** `GET /api/sessions[?client=ID]`: every session with its transcript size, questionnaires and ratings. */
export function sessionsApi(study: Study): Hono {
  return new Hono().get('/sessions', async (c) => {
    const { client } = parseQuery(c, SessionsQuery);
    return c.json({ sessions: await listSessions(study.db, client) });
  });
}

import type { FormItems } from './instrument-items';
import { drawItems } from './item-draw';
import { DEMO_MODEL } from './model';
import type { Rng } from './rng';
import type { ResponseRow } from './self-report';

export interface CodedSession {
  client: string;
  session: number;
  latent: number;
}

/**
 * Two human coders' WAI-O-S ratings of the same subset of sessions. What a transcript shows differs a little
 * from the latent state, and both coders see that same transcript, so that part is shared; each coder adds a
 * leniency and a session-level misreading, which is what keeps their agreement realistic rather than perfect.
 */
export function coderRatings(rng: Rng, sessions: readonly CodedSession[], form: FormItems): ResponseRow[] {
  const m = DEMO_MODEL.coders;
  const chosen = rng
    .fork('subset')
    .shuffle(sessions)
    .slice(0, Math.round(sessions.length * m.fraction))
    .sort((a, b) => a.client.localeCompare(b.client) || a.session - b.session);
  const rows: ResponseRow[] = [];
  for (const s of chosen) {
    const r = rng.fork(`${s.client}/${s.session}`);
    const visible = s.latent + r.normal(0, m.visibilitySd);
    m.ids.forEach((coder, k) => {
      const c = r.fork(coder);
      const view = visible + c.normal(0, m.sessionNoiseSd);
      rows.push({ client: s.client, session: s.session, coder, ...drawItems(c, form, view, m, m.bias[k]!) });
    });
  }
  return rows;
}

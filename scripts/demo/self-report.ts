import type { FormItems } from './instrument-items';
import { drawItems } from './item-draw';
import { DEMO_MODEL } from './model';
import type { Rng } from './rng';
import type { SessionState } from './trajectories';

export type ResponseRow = Record<string, string | number>;

/**
 * Client WAI-SR and SRS after every session. Both read the same perceived alliance: the latent state plus the
 * client's response style (some clients rate everything higher) and a session-level gap between what happened
 * and what the client reports.
 */
export function clientSelfReports(
  rng: Rng,
  client: string,
  states: readonly SessionState[],
  forms: { waiSr: FormItems; srs: FormItems },
): { waiSr: ResponseRow[]; srs: ResponseRow[] } {
  const m = DEMO_MODEL.selfReport;
  const bias = rng.normal(0, m.clientBiasSd);
  const waiSr: ResponseRow[] = [];
  const srs: ResponseRow[] = [];
  for (const s of states) {
    const r = rng.fork(`session/${s.session}`);
    const perceived = s.latent + bias + r.normal(0, m.sessionNoiseSd);
    const view = (stream: Rng) => perceived + stream.normal(0, m.instrumentNoiseSd);
    const w = r.fork('wai-sr');
    const v = r.fork('srs');
    waiSr.push({ client, session: s.session, ...drawItems(w, forms.waiSr, view(w), m.waiSr) });
    srs.push({ client, session: s.session, ...drawItems(v, forms.srs, view(v), m.srs) });
  }
  return { waiSr, srs };
}

import { currentTranscripts, listRatings, queryScores, type Study } from '@alliance-lab/core';
import { ruptures, srsAlerts } from '@alliance-lab/core/stats';
import { loadRegistry } from '@alliance-lab/instruments';
import { divergentSessions, type LatestValidation } from './latest-validation';

/** What the overview flags for one client. */
export interface ClientMarkers {
  /** Sessions with an SRS alert (below the cut-off or a drop), by the study's analysis.srsAlert. */
  srsAlerts: number[];
  /** Rupture–repair episodes in the criterion self-report (the rupture sessions). */
  ruptures: number[];
  /** Sessions where a rater marked an in-session rupture (current transcripts, any replicate). */
  raterRuptures: number[];
  /** Sessions beyond the Bland–Altman limits between a rater and the self-report, in the latest validation run. */
  divergence: number[];
}

const EMPTY = (): ClientMarkers => ({ srsAlerts: [], ruptures: [], raterRuptures: [], divergence: [] });

/**
 * The markers of every client, each computed over the whole study as the matching command computes it (the
 * rupture threshold pools every client's residual SD, as `alliance stats ruptures` does on the study's totals).
 */
export async function clientMarkers(
  study: Study,
  validation: LatestValidation | null,
): Promise<Map<string, ClientMarkers>> {
  const out = new Map<string, ClientMarkers>();
  const of = (client: string) => {
    let m = out.get(client);
    if (!m) out.set(client, (m = EMPTY()));
    return m;
  };

  const srs = (
    await queryScores(study.db, { instrument: 'srs', form: 'client', scale: 'total', sources: ['self-report'] })
  ).filter((r) => r.score !== null);
  if (srs.length) {
    const { cutoff, inequality } = study.config.analysis.srsAlert;
    const result = srsAlerts(
      { subject: srs.map((r) => r.client), session: srs.map((r) => r.session), value: srs.map((r) => r.score!) },
      { definition: loadRegistry({ studyDir: study.dir }).definition('srs'), cutoff, inequality },
    );
    for (const a of result.alerts) of(a.client).srsAlerts.push(a.session);
  }

  const criterion = study.config.analysis.criterion;
  if (criterion) {
    const rows = (await queryScores(study.db, { ...criterion, sources: ['self-report'] })).filter(
      (r) => r.score !== null,
    );
    const { k, window } = study.config.analysis.ruptures;
    try {
      const result = ruptures(
        { subject: rows.map((r) => r.client), session: rows.map((r) => r.session), value: rows.map((r) => r.score!) },
        { k, window },
      );
      for (const e of result.episodes) of(e.client).ruptures.push(e.rupture.session);
    } catch (err) {
      // Too little data to screen anyone is a state of the study: no rupture markers, not a failed page.
      if (!(err instanceof RangeError)) throw err;
    }
  }

  const current = new Map((await currentTranscripts(study.db)).map((t) => [t.transcriptId, t]));
  const marked = new Set<string>();
  for (const g of await listRatings(study.db)) {
    const t = current.get(g.transcriptId);
    if (!t || g.status !== 'ok' || g.ruptures.length === 0 || marked.has(g.sessionId)) continue;
    marked.add(g.sessionId);
    of(t.client).raterRuptures.push(t.session);
  }

  for (const [client, sessions] of divergentSessions(validation?.result ?? null))
    of(client).divergence.push(...sessions);
  for (const m of out.values()) for (const list of Object.values(m)) (list as number[]).sort((a, b) => a - b);
  return out;
}

export function markersOf(markers: ReadonlyMap<string, ClientMarkers>, client: string): ClientMarkers {
  return markers.get(client) ?? EMPTY();
}

import { queryScores, type Study } from '@alliance-lab/core';
import { type Episode, ruptures, srsAlerts, type SrsSessionAlert } from '@alliance-lab/core/stats';
import type { InstrumentRegistry } from '@alliance-lab/instruments';
import { Hono } from 'hono';
import { html } from 'hono/html';
import { formatNumber } from '../pages/format';
import { requireStaff, type StaffEnv } from '../staff/auth';
import { staffHtml } from './page';

/** One client's row of the alert table: where the SRS stands now, what was flagged, and its rupture episodes. */
export interface ClientAlertRow {
  client: string;
  latest: { session: number; score: number } | null;
  /** Alerts at the latest SRS session: what a coordinator acts on before the next session. */
  current: SrsSessionAlert['alerts'];
  /** Earlier sessions with an alert, newest first. */
  earlier: number[];
  ruptures: Episode[];
}

/**
 * Every client's SRS alerts (below the study's cut-off, a drop from the last session) and rupture–repair
 * episodes in the criterion, as OpenFIT's alert table lists them: one row per client with anything flagged,
 * those flagged at their latest session first. The rules and the study-wide rupture threshold are the ones the
 * client page and `alliance stats ruptures` use.
 */
export async function alertTable(study: Study, registry: InstrumentRegistry): Promise<ClientAlertRow[]> {
  const srs = (
    await queryScores(study.db, { instrument: 'srs', form: 'client', scale: 'total', sources: ['self-report'] })
  ).filter((r) => r.score !== null);
  const rows = new Map<string, ClientAlertRow>();
  const row = (client: string) => {
    let r = rows.get(client);
    if (!r) rows.set(client, (r = { client, latest: null, current: [], earlier: [], ruptures: [] }));
    return r;
  };
  if (srs.length && registry.has('srs')) {
    const { cutoff, inequality } = study.config.analysis.srsAlert;
    const found = srsAlerts(
      { subject: srs.map((r) => r.client), session: srs.map((r) => r.session), value: srs.map((r) => r.score!) },
      { definition: registry.definition('srs'), cutoff, inequality },
    );
    const latest = new Map<string, { session: number; score: number }>();
    for (const r of srs)
      if ((latest.get(r.client)?.session ?? -1) < r.session)
        latest.set(r.client, { session: r.session, score: r.score! });
    for (const a of found.alerts) {
      const r = row(a.client);
      r.latest = latest.get(a.client)!;
      if (a.session === r.latest.session) r.current = a.alerts;
      else r.earlier.unshift(a.session);
    }
  }
  const criterion = study.config.analysis.criterion;
  if (criterion) {
    const scores = (await queryScores(study.db, { ...criterion, sources: ['self-report'] })).filter(
      (r) => r.score !== null,
    );
    try {
      const { k, window } = study.config.analysis.ruptures;
      const result = ruptures(
        {
          subject: scores.map((r) => r.client),
          session: scores.map((r) => r.session),
          value: scores.map((r) => r.score!),
        },
        { k, window },
      );
      for (const e of result.episodes) row(e.client).ruptures.push(e);
    } catch (err) {
      // Too few scored sessions for a threshold is a state of the study: there is nothing to flag yet.
      if (!(err instanceof RangeError)) throw err;
    }
  }
  return [...rows.values()].sort(
    (a, b) => Number(b.current.length > 0) - Number(a.current.length > 0) || (a.client < b.client ? -1 : 1),
  );
}

export function alertRoutes(study: Study, registry: InstrumentRegistry): Hono<StaffEnv> {
  return new Hono<StaffEnv>().get('/alerts', requireStaff('read'), async (c) => {
    const rows = await alertTable(study, registry);
    const { cutoff, inequality } = study.config.analysis.srsAlert;
    const criterion = study.config.analysis.criterion;
    const flagged = rows.filter((r) => r.current.length).length;
    return staffHtml(
      c,
      study,
      'Alerts',
      html`<h1>Alerts</h1>
<p>${flagged} client${flagged === 1 ? '' : 's'} flagged at their latest SRS. Rules: an SRS total ${inequality} ${cutoff} (study.json's <code>analysis.srsAlert</code>), or a drop from the last session; rupture–repair episodes in ${criterion ? `${criterion.instrument} ${criterion.form} ${criterion.scale}` : 'the criterion (study.json names none)'}.</p>
${
  rows.length === 0
    ? html`<p>No alerts and no ruptures.</p>`
    : html`<table id="alerts"><thead><tr><th scope="col">client</th><th scope="col" class="num">latest SRS session</th><th scope="col" class="num">total</th><th scope="col">alert now</th><th scope="col">earlier alerts (sessions)</th><th scope="col">ruptures</th></tr></thead>
<tbody>${rows.map(
        (r) =>
          html`<tr data-client="${r.client}"${r.current.length ? html` class="flagged"` : ''}><th scope="row"><a href="/clients/${encodeURIComponent(r.client)}">${r.client}</a></th><td class="num">${r.latest?.session ?? '–'}</td><td class="num">${r.latest ? formatNumber(r.latest.score) : '–'}</td><td>${r.current.length ? html`<strong>⚠ ${r.current.map((a) => a.message).join('; ')}</strong>` : ''}</td><td>${r.earlier.join(', ')}</td><td>${r.ruptures.map((e) => `session ${e.rupture.session}${e.repaired ? `, repaired at ${e.repair!.session}` : e.censored ? ', repair not yet observable' : ', not repaired'}`).join('; ')}</td></tr>`,
      )}</tbody></table>`
}`,
    );
  });
}

import type { Study } from '@alliance-lab/core';
import { Hono } from 'hono';
import { html, raw } from 'hono/html';
import { z } from 'zod';
import { type RatingEvidence, type SessionEvidence, sessionEvidence } from '../read/session-evidence';
import { RequestError, notFound } from '../request-error';
import { formatNumber } from './format';
import { layout } from './layout';

type Html = ReturnType<typeof html>;

const SessionNumber = z.coerce.number().int().positive();

const STYLE = html`<style>
  .evidence { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 1.5rem; align-items: start; }
  .transcript { list-style: none; padding: 0; margin: 0; }
  .transcript li { padding: 0.2rem 0.4rem; border-left: 3px solid transparent; }
  .transcript li.cited { background: #f3f3ff; }
  .transcript li.rupture { border-left-color: #c0392b; }
  .transcript .who { color: #555; font-size: 0.8rem; margin-right: 0.4rem; }
  mark { background: #ffe08a; }
  @media (max-width: 50rem) { .evidence { grid-template-columns: 1fr; } }
</style>`;

/**
 * `/clients/:id/sessions/:n/evidence`: one session's transcript with, beside it, what each rater read in it:
 * signals with their quotes (highlighted in the transcript), rupture episodes (marked along the transcript) and
 * item rationales.
 */
export function evidencePages(study: Study): Hono {
  return new Hono().get('/clients/:id/sessions/:n/evidence', async (c) => {
    const id = c.req.param('id');
    const n = SessionNumber.safeParse(c.req.param('n'));
    if (!n.success) throw new RequestError(400, `session must be a positive whole number, got "${c.req.param('n')}"`);
    const e = await sessionEvidence(study, id, n.data);
    if (!e) throw notFound(`no session ${n.data} of client "${id}" in this study`);
    const title = `Client ${e.session.client}, session ${e.session.session}`;
    const body = html`${STYLE}<h1>${title}</h1>
<p>Therapist ${e.session.therapist}${e.session.date ? html`; ${e.session.date}` : ''}. <a href="/clients/${encodeURIComponent(e.session.client)}">The client's trajectory</a></p>
${
  e.utterances.length === 0
    ? html`<p class="note">This session has no transcript.</p>`
    : html`<div class="evidence">
<section aria-label="transcript"><h2>Transcript</h2>${transcript(e)}</section>
<section aria-label="ratings"><h2>What the raters read</h2>${
        e.ratings.length ? e.ratings.map(ratingBlock) : html`<p class="note">No rater has rated this transcript.</p>`
      }</section>
</div>`
}`;
    return c.html(layout({ title, study: study.config.name, body }));
  });
}

function transcript(e: SessionEvidence): Html {
  const cited = new Set<string>();
  const quotes: string[] = [];
  for (const r of e.ratings) {
    for (const s of r.signals) {
      for (const u of s.evidence) cited.add(u);
      quotes.push(s.quote);
    }
    for (const i of r.items) for (const u of i.evidence) cited.add(u);
  }
  // Utterances inside a rater's rupture episode (start to end, inclusive), by position in the transcript.
  const position = new Map(e.utterances.map((u, i) => [u.id, i]));
  const inRupture = new Set<number>();
  for (const r of e.ratings)
    for (const p of r.ruptures) {
      const a = position.get(p.startUtterance);
      const b = position.get(p.endUtterance);
      if (a === undefined || b === undefined) continue;
      for (let i = Math.min(a, b); i <= Math.max(a, b); i++) inRupture.add(i);
    }
  return html`<ol class="transcript">${e.utterances.map((u, i) => {
    const cls = [cited.has(u.id) ? 'cited' : '', inRupture.has(i) ? 'rupture' : ''].filter(Boolean).join(' ');
    return html`<li id="u-${u.id}"${cls ? raw(` class="${cls}"`) : ''}><span class="who">${u.id} ${u.role}</span>${highlight(u.text, quotes)}</li>`;
  })}</ol>`;
}

/** The text with each quote that occurs in it (case-insensitively) marked; overlapping quotes merge. */
function highlight(text: string, quotes: readonly string[]): Html {
  const lower = text.toLowerCase();
  const spans: Array<[number, number]> = [];
  for (const q of quotes) {
    if (!q) continue;
    const at = lower.indexOf(q.toLowerCase());
    if (at >= 0) spans.push([at, at + q.length]);
  }
  spans.sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const [a, b] of spans) {
    const last = merged[merged.length - 1];
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else merged.push([a, b]);
  }
  const parts: Array<Html | string> = [];
  let pos = 0;
  for (const [a, b] of merged) {
    parts.push(text.slice(pos, a), html`<mark>${text.slice(a, b)}</mark>`);
    pos = b;
  }
  parts.push(text.slice(pos));
  return html`${parts}`;
}

const utteranceLinks = (ids: readonly string[]) => ids.map((u, i) => html`${i ? ', ' : ''}<a href="#u-${u}">${u}</a>`);

function ratingBlock(r: RatingEvidence): Html {
  return html`<h3>${r.rater} <span class="note">(${r.model}; replicate ${r.replicate} of ${r.replicates})</span></h3>
<h4>Signals</h4>
${
  r.signals.length
    ? html`<table><thead><tr><th>domain</th><th>sub-signal</th><th>direction</th><th class="num">strength</th><th>quote</th></tr></thead><tbody>${r.signals.map(
        (s) =>
          html`<tr><td>${s.domain}</td><td>${s.subSignal}</td><td>${s.direction}</td><td class="num">${formatNumber(s.strength)}</td><td>“${s.quote}” (${utteranceLinks(s.evidence)})</td></tr>`,
      )}</tbody></table>`
    : html`<p class="note">No signals.</p>`
}
<h4>Ruptures</h4>
${
  r.ruptures.length
    ? html`<ul>${r.ruptures.map(
        (p) =>
          html`<li>${p.marker} (${p.markerType}), ${utteranceLinks([p.startUtterance])}–${utteranceLinks([p.endUtterance])}; ${
            p.resolution
              ? html`repaired by ${p.resolution.strategy} at ${utteranceLinks([p.resolution.utterance])}`
              : p.resolved
                ? 'resolved'
                : 'not resolved'
          }</li>`,
      )}</ul>`
    : html`<p class="note">No rupture marked.</p>`
}
<h4>Items</h4>
<ul>${r.items.map(
    (i) =>
      html`<li><b>${i.instrument} ${i.item}</b> = ${i.value ?? 'NA'}${i.rationale ? html`: ${i.rationale}` : ''}${i.evidence.length ? html` <span class="note">(${utteranceLinks(i.evidence)})</span>` : ''}</li>`,
  )}</ul>`;
}

import { type Study, storedAnswer, transcriptUtterances } from '@alliance-lab/core';
import { RaterOutput } from '../../result-schema';
import type { ValidationData } from '../data';
import type { SessionInfo } from '../series';
import { esc } from './escape';

/** Sessions shown in the evidence view; a large study shows its first ones (the JSON and the server have all). */
export const EVIDENCE_SESSIONS = 60;

/** Days since the client's first dated session, for --shareable (dates identify). */
export function relativeDays(info: ReadonlyMap<string, SessionInfo>): Map<string, number | null> {
  const first = new Map<string, number>();
  for (const s of info.values())
    if (s.date) {
      const t = Date.parse(s.date);
      if (!first.has(s.client) || t < first.get(s.client)!) first.set(s.client, t);
    }
  return new Map(
    [...info.values()].map((s) => [
      s.sessionId,
      s.date && first.has(s.client) ? Math.round((Date.parse(s.date) - first.get(s.client)!) / 86_400_000) : null,
    ]),
  );
}

export function sessionWhen(s: SessionInfo, shareable: boolean, days: ReadonlyMap<string, number | null>): string {
  if (shareable) {
    const d = days.get(s.sessionId);
    return d === null || d === undefined ? '' : `day ${d}`;
  }
  return s.date ?? '';
}

/**
 * Per session, each rating's signals and item rationales with the quoted utterances highlighted in their
 * transcript context. --shareable keeps the values and leaves out every quote, rationale and transcript line.
 */
export async function evidenceView(
  study: Study,
  data: ValidationData,
  info: ReadonlyMap<string, SessionInfo>,
  shareable: boolean,
): Promise<string> {
  const days = relativeDays(info);
  const bySession = new Map<string, typeof data.ratings>();
  for (const g of data.ratings)
    if (g.status === 'ok') (bySession.get(g.sessionId) ?? bySession.set(g.sessionId, []).get(g.sessionId)!).push(g);
  const sessions = [...info.values()].filter((s) => bySession.has(s.sessionId)).slice(0, EVIDENCE_SESSIONS);
  const parts: string[] = [];
  for (const s of sessions) {
    const ratings = bySession.get(s.sessionId)!.filter((g) => g.replicate === 1);
    const blocks: string[] = [];
    for (const g of ratings) {
      const answer = shareable
        ? undefined
        : await storedAnswer(study.db, { rater: g.rater, transcriptId: g.transcriptId, replicate: g.replicate });
      const parsed = answer ? RaterOutput.safeParse(answer.output) : undefined;
      const output = parsed?.success ? parsed.data : undefined;
      const signals = output?.signals ?? [];
      const rows = shareable
        ? (g.signals as Array<{ domain: string; subSignal: string; direction: string; strength: number }>).map(
            (x) =>
              `<tr><td>${esc(x.domain)}</td><td>${esc(x.subSignal)}</td><td>${esc(x.direction)}</td><td>${x.strength.toFixed(2)}</td></tr>`,
          )
        : signals.map(
            (x) =>
              `<tr><td>${esc(x.domain)}</td><td>${esc(x.subSignal)}</td><td>${esc(x.direction)}</td><td>${x.strength.toFixed(2)}</td><td>“${esc(x.quote)}” (${esc(x.evidence.join(', '))})</td></tr>`,
          );
      const items = output
        ? output.forms.flatMap((f) =>
            f.items.map(
              (it) =>
                `<li><b>${esc(`${f.instrument} ${it.item}`)}</b> = ${it.value}: ${esc(it.rationale)} <small>(${esc(it.evidence.join(', '))})</small></li>`,
            ),
          )
        : g.forms.flatMap((f) =>
            Object.entries(f.items).map(
              ([item, v]) => `<li><b>${esc(`${f.instrument} ${item}`)}</b> = ${v ?? 'NA'}</li>`,
            ),
          );
      let context = '';
      if (!shareable && output) {
        const cited = new Set([
          ...signals.flatMap((x) => x.evidence),
          ...output.forms.flatMap((f) => f.items.flatMap((i) => i.evidence)),
        ]);
        const quotes = signals.map((x) => x.quote);
        const utterances = await transcriptUtterances(study.db, g.transcriptId);
        const near = new Set<number>();
        utterances.forEach((u, i) => {
          if (cited.has(u.id)) for (const j of [i - 1, i, i + 1]) near.add(j);
        });
        context = `<ol class="transcript">${utterances
          .map((u, i) =>
            near.has(i)
              ? `<li value="${i + 1}" class="${cited.has(u.id) ? 'cited' : ''}"><span class="who">${esc(u.id)} ${esc(u.role)}</span> ${highlight(u.text, quotes)}</li>`
              : '',
          )
          .join('')}</ol>`;
      }
      blocks.push(
        `<h4>${esc(g.rater)} (${esc(g.model)})</h4><table><thead><tr><th>domain</th><th>sub-signal</th><th>direction</th><th>strength</th>${shareable ? '' : '<th>quote</th>'}</tr></thead><tbody>${rows.join('')}</tbody></table><ul>${items.join('')}</ul>${context}`,
      );
    }
    parts.push(
      `<details><summary>${esc(s.client)} session ${s.session} ${esc(sessionWhen(s, shareable, days))}</summary>${blocks.join('')}</details>`,
    );
  }
  return parts.join('\n');
}

/** The text with every quote that occurs in it (case-insensitively) marked. */
function highlight(text: string, quotes: readonly string[]): string {
  const lower = text.toLowerCase();
  const spans: Array<[number, number]> = [];
  for (const q of quotes) {
    const i = lower.indexOf(q.toLowerCase());
    if (q.length > 0 && i >= 0) spans.push([i, i + q.length]);
  }
  spans.sort((a, b) => a[0] - b[0]);
  let out = '';
  let at = 0;
  for (const [a, b] of spans) {
    if (a < at) continue;
    out += `${esc(text.slice(at, a))}<mark>${esc(text.slice(a, b))}</mark>`;
    at = b;
  }
  return out + esc(text.slice(at));
}

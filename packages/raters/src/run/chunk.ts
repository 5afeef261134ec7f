import type { RatableTranscript } from '../rater';
import type { FormRating, ItemRating, RaterOutput, Rupture, Signal } from '../result-schema';

/** A window of a transcript: utterances [start, end) by position. */
export interface TranscriptWindow {
  start: number;
  end: number;
}

/**
 * Splits a transcript into overlapping windows whose prompts fit the rater's input budget. Windows are built
 * greedily from per-utterance token estimates; each next window starts `overlap` utterances before the previous
 * one ended, so an exchange cut by a boundary is seen whole by one of the two windows. `fits` checks a candidate
 * window against the real prompt estimate (the per-utterance sum is only a guide); a window that does not fit is
 * rebuilt under a smaller guide budget.
 */
export function chunkWindows(
  tokens: readonly number[],
  budget: number,
  overlap: number,
  fits: (w: TranscriptWindow) => boolean,
): TranscriptWindow[] | { tooLong: number } {
  const n = tokens.length;
  let guide = budget;
  for (let round = 0; round < 12; round++) {
    const windows: TranscriptWindow[] = [];
    let start = 0;
    let ok = true;
    while (start < n) {
      let end = start;
      let sum = 0;
      while (end < n && (end === start || sum + tokens[end]! <= guide)) sum += tokens[end++]!;
      if (!fits({ start, end })) {
        if (end - start === 1) return { tooLong: start };
        ok = false;
        break;
      }
      windows.push({ start, end });
      if (end >= n) break;
      // Always move forward, even when the overlap would swallow a short window.
      start = Math.max(start + 1, end - overlap);
    }
    if (ok) return windows;
    guide = Math.floor(guide * 0.8);
  }
  return { tooLong: 0 };
}

export function windowTranscript(
  t: RatableTranscript,
  w: TranscriptWindow,
  hash: (u: RatableTranscript['utterances']) => string,
): RatableTranscript {
  const utterances = t.utterances.slice(w.start, w.end);
  return { ...t, utterances, contentHash: hash(utterances) };
}

/**
 * Combines the windows' answers into one rating of the whole transcript. Windows keep the transcript's own
 * utterance ids, so every evidence id and rupture anchor maps back unchanged; the remapping left to do is merging
 * what two overlapping windows both found:
 * - item values: the mean over the windows that rated the item, rounded to the form's scale precision (the
 *   scoring engine takes only values the scale allows: whole numbers on a Likert scale); rationales joined;
 *   evidence ids unioned;
 * - signals: unioned; the same domain, sub-signal, direction and quote found twice is one signal with the union of
 *   its evidence and the larger strength;
 * - ruptures: unioned; the same marker over the same utterance range is one episode, resolved if either window saw
 *   it resolved.
 */
export function aggregateWindows(
  outputs: readonly RaterOutput[],
  transcript: RatableTranscript,
  decimals: (instrument: string, form: string) => number = () => 0,
): RaterOutput {
  const position = new Map(transcript.utterances.map((u, i) => [u.id, i]));
  const byPosition = (a: string, b: string) => (position.get(a) ?? Infinity) - (position.get(b) ?? Infinity);

  const forms = new Map<
    string,
    { form: FormRating; items: Map<string, { values: number[]; rationales: string[]; evidence: Set<string> }> }
  >();
  for (const out of outputs) {
    for (const f of out.forms) {
      const key = `${f.instrument}:${f.form}`;
      let entry = forms.get(key);
      if (!entry)
        forms.set(key, (entry = { form: { instrument: f.instrument, form: f.form, items: [] }, items: new Map() }));
      for (const it of f.items) {
        let acc = entry.items.get(it.item);
        if (!acc) entry.items.set(it.item, (acc = { values: [], rationales: [], evidence: new Set() }));
        acc.values.push(it.value);
        if (it.rationale && !acc.rationales.includes(it.rationale)) acc.rationales.push(it.rationale);
        for (const e of it.evidence) acc.evidence.add(e);
      }
    }
  }
  const formRatings: FormRating[] = [...forms.values()].map(({ form, items }) => ({
    ...form,
    items: [...items.entries()].map(
      ([item, acc]): ItemRating => ({
        item,
        value: roundTo(acc.values.reduce((a, b) => a + b, 0) / acc.values.length, decimals(form.instrument, form.form)),
        rationale: acc.rationales.join(' / '),
        evidence: [...acc.evidence].sort(byPosition),
      }),
    ),
  }));

  const signals = new Map<string, Signal>();
  for (const out of outputs) {
    for (const s of out.signals) {
      const key = [s.domain, s.subSignal, s.direction, s.quote.replace(/\s+/g, ' ').trim().toLowerCase()].join(
        '\u0000',
      );
      const seen = signals.get(key);
      if (!seen) signals.set(key, { ...s, evidence: [...s.evidence] });
      else {
        seen.strength = Math.max(seen.strength, s.strength);
        seen.evidence = [...new Set([...seen.evidence, ...s.evidence])].sort(byPosition);
      }
    }
  }

  const ruptures = new Map<string, Rupture>();
  for (const out of outputs) {
    for (const r of out.ruptures) {
      const key = [r.marker, r.startUtterance, r.endUtterance].join('\u0000');
      const seen = ruptures.get(key);
      if (!seen) ruptures.set(key, { ...r });
      else {
        seen.resolved = seen.resolved || r.resolved;
        seen.resolution = seen.resolution ?? r.resolution;
      }
    }
  }
  return {
    forms: formRatings,
    signals: [...signals.values()],
    ruptures: [...ruptures.values()].sort((a, b) => byPosition(a.startUtterance, b.startUtterance)),
  };
}

function roundTo(x: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(x * f) / f;
}

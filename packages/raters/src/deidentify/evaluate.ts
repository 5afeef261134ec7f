import type { RatableUtterance } from '../rater';
import { type DeidentifyOptions, detectSpans, type IdentifierKind } from './deidentify';

/** A sentence with the identifiers it holds (each span's text occurs once in the NFC sentence). */
export interface LabelledCase {
  text: string;
  gold: Array<{ kind: IdentifierKind; text: string }>;
}

export interface KindScore {
  gold: number;
  found: number;
  /** Gold spans wholly covered by a detected span of the same kind. */
  recalled: number;
  /** Detected spans of this kind that overlap a gold span of this kind. */
  correct: number;
  precision: number | null;
  recall: number | null;
}

/**
 * Scores detection against labelled sentences, per kind. Strict on kind: "Baker Street" replaced as a NAME is a
 * miss for ADDRESS and a false NAME, though nothing leaked. `leaked` counts gold spans any character of which
 * survives, the measure that matters for privacy.
 */
export function evaluateDetection(
  cases: readonly LabelledCase[],
  opts: DeidentifyOptions,
  kinds: readonly IdentifierKind[],
): { byKind: Record<string, KindScore>; leaked: number; changedClean: number } {
  const byKind: Record<string, KindScore> = {};
  for (const k of kinds) byKind[k] = { gold: 0, found: 0, recalled: 0, correct: 0, precision: null, recall: null };
  let leaked = 0;
  let changedClean = 0;
  for (const c of cases) {
    const utterance: RatableUtterance = { id: '1', role: 'client', text: c.text };
    const { texts, spans } = detectSpans([utterance], opts);
    const text = texts[0]!;
    const found = spans[0]!.filter((s) => kinds.includes(s.kind));
    const gold = c.gold.map((g) => {
      const start = text.indexOf(g.text);
      if (start < 0) throw new Error(`gold span "${g.text}" is not in "${text}"`);
      return { kind: g.kind, start, end: start + g.text.length };
    });
    if (gold.length === 0 && found.length) changedClean++;
    for (const g of gold) {
      const score = byKind[g.kind]!;
      score.gold++;
      if (found.some((s) => s.kind === g.kind && s.start <= g.start && s.end >= g.end)) score.recalled++;
      for (let i = g.start; i < g.end; i++)
        if (/[\p{L}\p{N}]/u.test(text[i]!) && !spans[0]!.some((s) => s.start <= i && i < s.end)) {
          leaked++;
          break;
        }
    }
    for (const s of found) {
      const score = byKind[s.kind]!;
      score.found++;
      if (gold.some((g) => g.kind === s.kind && s.start < g.end && g.start < s.end)) score.correct++;
    }
  }
  for (const s of Object.values(byKind)) {
    s.precision = s.found ? s.correct / s.found : null;
    s.recall = s.gold ? s.recalled / s.gold : null;
  }
  return { byKind, leaked, changedClean };
}

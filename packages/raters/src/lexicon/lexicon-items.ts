import type { FormView } from '@alliance-lab/instruments';
import { subSignalScores, type SubSignalKey } from '../domain-scores';
import type { FormRating, ItemRating, Signal } from '../result-schema';
import type { MarkerFile } from './marker-file';

/** The evidence-anchored scale every item is first rated on (WAI-O Revision IV): 4 = no evidence. */
export const EVIDENCE_MIN = 1;
export const EVIDENCE_MAX = 7;
export const NO_EVIDENCE = 4;

/** Utterances cited per item; the strongest contributions first, at most two from each signal. */
const ITEM_EVIDENCE = 6;

/**
 * Item ratings from signals. Each item belongs to a construct (by the instrument's item, else by its first
 * mapped scale, else the fallback); the construct's evidence is the weighted mean of its sub-signals' net
 * scores, in [-1, 1]; the item starts at 4 ("no evidence") and moves `gain` points per unit of evidence, within
 * 1–7. A negatively worded item takes 8 minus that. The 1–7 value is then mapped linearly onto the form's own
 * scale (1 to its minimum, 7 to its maximum), unrounded: the scoring engine scores the continuous values.
 */
export function lexiconItems(
  items: MarkerFile['items'],
  signals: readonly Signal[],
  views: readonly FormView[],
): Array<FormRating & { continuous: true }> {
  const net = subSignalScores(signals);
  const evidenceBySub = new Map<string, string[]>();
  for (const s of signals) {
    const key = `${s.domain}/${s.subSignal}`;
    if (!evidenceBySub.has(key)) evidenceBySub.set(key, []);
    evidenceBySub.get(key)!.push(...s.evidence);
  }
  const constructCache = new Map<string, ConstructEvidence>();
  const evidenceFor = (name: string): ConstructEvidence => {
    let c = constructCache.get(name);
    if (!c) constructCache.set(name, (c = constructEvidence(items.constructs[name]!, net, evidenceBySub)));
    return c;
  };
  return views.map((view) => ({
    instrument: view.definition.id,
    form: view.form.id,
    // Read by the validator from the raw answer: values between the scale's steps are meant (see toFormScale).
    continuous: true,
    items: view.items.map((item): ItemRating => {
      const construct = constructOf(items, view, item.id);
      const c = evidenceFor(construct);
      const onEvidenceScale = clamp(NO_EVIDENCE + items.gain * c.evidence, EVIDENCE_MIN, EVIDENCE_MAX);
      const e = item.reverse ? EVIDENCE_MIN + EVIDENCE_MAX - onEvidenceScale : onEvidenceScale;
      const value = toFormScale(e, view.form.scale);
      return { item: item.id, value, rationale: rationale(construct, c, e, item.reverse), evidence: c.ids };
    }),
  }));
}

/** Which construct rates an item: the instrument's item map, its first mapped scale, or the fallback. */
export function constructOf(items: MarkerFile['items'], view: FormView, itemId: string): string {
  const inst = view.definition.id;
  const byItem = items.instrumentItems[inst]?.[itemId];
  if (byItem) return byItem;
  for (const scale of view.scales) {
    if (scale.id === 'total' || !scale.items.includes(itemId)) continue;
    const c = items.instrumentScales[inst]?.[scale.id] ?? items.scales[scale.id];
    if (c) return c;
  }
  return items.fallback;
}

/**
 * A value on the 1–7 evidence scale mapped linearly onto a form's scale. It stays continuous (to 3 decimals,
 * whatever the scale's own steps): rounding each item to a whole point first would leave a four-item scale with a
 * handful of possible scores and throw away most of what the evidence says.
 */
export function toFormScale(e: number, scale: { min: number; max: number }): number {
  const x = scale.min + ((e - EVIDENCE_MIN) / (EVIDENCE_MAX - EVIDENCE_MIN)) * (scale.max - scale.min);
  return clamp(Math.round(x * 1000) / 1000, scale.min, scale.max);
}

interface ConstructEvidence {
  evidence: number;
  /** Contributions, strongest first: sub-signal and weighted net. */
  parts: Array<{ key: string; value: number }>;
  ids: string[];
}

function constructEvidence(
  weights: Record<string, number>,
  net: Map<SubSignalKey, number>,
  evidenceBySub: Map<string, string[]>,
): ConstructEvidence {
  let sum = 0;
  let norm = 0;
  const parts: ConstructEvidence['parts'] = [];
  for (const [key, w] of Object.entries(weights)) {
    norm += Math.abs(w);
    const v = net.get(key as SubSignalKey) ?? 0;
    if (v === 0 || w === 0) continue;
    sum += w * v;
    parts.push({ key, value: w * v });
  }
  parts.sort((x, y) => Math.abs(y.value) - Math.abs(x.value) || (x.key < y.key ? -1 : 1));
  const evidence = norm === 0 ? 0 : sum / norm;
  const picked = new Set<string>();
  for (const p of parts) {
    for (const id of (evidenceBySub.get(p.key) ?? []).slice(0, 2)) picked.add(id);
    if (picked.size >= ITEM_EVIDENCE) break;
  }
  return { evidence, parts, ids: [...picked].slice(0, ITEM_EVIDENCE) };
}

function rationale(construct: string, c: ConstructEvidence, e: number, reverse: boolean): string {
  if (c.parts.length === 0)
    return `No lexicon evidence for ${construct}: rated ${NO_EVIDENCE}, "no evidence", the starting point.`;
  const top = c.parts
    .slice(0, 3)
    .map((p) => `${p.key.split('/')[1]} ${p.value >= 0 ? '+' : '−'}${Math.abs(p.value).toFixed(2)}`)
    .join(', ');
  return (
    `Lexicon evidence for ${construct} ${c.evidence >= 0 ? '+' : '−'}${Math.abs(c.evidence).toFixed(2)} (${top}). ` +
    `${e.toFixed(1)} on the 1–7 evidence scale (4 = no evidence)${reverse ? ', reversed for a negatively worded item' : ''}.`
  );
}

const clamp = (x: number, lo: number, hi: number) => (x < lo ? lo : Math.min(x, hi));

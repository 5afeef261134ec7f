import type { DomainId, Signal } from '../result-schema';
import type { TranscriptAnalysis } from './analyse';
import type { MeasureDef, SignalDef } from './marker-file';
import type { MarkerSet } from './marker-set';
import { openingQuote, quoteAt } from './quote';

/** Utterances cited as evidence for a signal that rests on a measure (talk share, utterance length). */
const MEASURE_EVIDENCE = 3;

/**
 * The five-domain signals: one per sub-signal and direction that the marker file defines and that fires, in the
 * file's order. A marker definition's strength is the share of the speaker's turns showing any of its markers,
 * over the definition's `full` rate, capped at 1; it cites every utterance that fired and quotes the first. A
 * measure definition's strength is the measure's linear position between `from` (0) and `full` (1); it cites the
 * utterances that move the measure that way. When several definitions feed one sub-signal and direction, the
 * signal's strength is their mean (a definition that does not fire counts 0) and its evidence their union, so
 * no sub-signal saturates just because it has more definitions than another.
 */
export function lexiconSignals(set: MarkerSet, a: TranscriptAnalysis): Signal[] {
  const measures = new Map(set.file.measures.map((m) => [m.id, m]));
  const counts = roleCounts(a);
  const groups = new Map<string, Array<Part | null>>();
  for (const def of set.file.signals) {
    const key = `${def.domain}/${def.subSignal}/${def.direction}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(
      'markers' in def ? markerSignal(set, a, def, counts) : measureSignal(set, a, def, measures.get(def.measure)!),
    );
  }
  const out: Signal[] = [];
  for (const parts of groups.values()) {
    const fired = parts.filter((p): p is Part => p !== null);
    if (fired.length === 0) continue;
    const strength = round3(fired.reduce((s, p) => s + p.signal.strength, 0) / parts.length);
    if (strength === 0) continue;
    const first = fired[0]!.signal;
    if (fired.length === 1) {
      out.push({ ...first, strength });
      continue;
    }
    const positions = unionPositions(fired.map((p) => p.positions));
    out.push({ ...first, strength, evidence: positions.map((p) => a.utterances[p]!.id) });
  }
  return out;
}

/** A definition's signal with the utterance positions of its evidence (ascending), for merging by position. */
interface Part {
  signal: Signal;
  positions: number[];
}

type MarkerSignalDef = Extract<SignalDef, { markers: string[] }>;
type MeasureSignalDef = Extract<SignalDef, { measure: string }>;

function markerSignal(set: MarkerSet, a: TranscriptAnalysis, def: MarkerSignalDef, counts: RoleCounts): Part | null {
  const ms = def.markers.map((id) => set.markerIndex(id));
  const positions = unionPositions(ms.map((m) => a.fired[m]!.utt));
  if (positions.length === 0) return null;
  const denominator = def.per === 'all' ? counts.therapist + counts.client : counts[def.per];
  if (denominator === 0) return null;
  const strength = round3(Math.min(1, positions.length / denominator / def.full));
  if (strength === 0) return null;
  const first = positions[0]!;
  const [from, to] = spanIn(a, ms, first);
  const signal: Signal = {
    domain: def.domain as DomainId,
    subSignal: def.subSignal,
    direction: def.direction,
    strength,
    evidence: positions.map((p) => a.utterances[p]!.id),
    quote: quoteAt(a.utterances[first]!.text, from, to),
  };
  return { signal, positions };
}

function measureSignal(set: MarkerSet, a: TranscriptAnalysis, def: MeasureSignalDef, m: MeasureDef): Part | null {
  const x = measureValue(set, a, m);
  if (x === null) return null;
  const strength = round3(clamp01((x - def.from) / (def.full - def.from)));
  if (strength === 0) return null;
  const upward = def.full > def.from;
  const ranked = measureEvidence(set, a, m, upward);
  if (ranked.length === 0) return null;
  // The quote comes from the utterance that drives the measure most (the longest turn, say); ids go in order.
  const lead = ranked[0]!;
  const positions = [...ranked].sort((x, y) => x - y);
  const q =
    m.kind === 'ratio'
      ? quoteFromMarkers(set, a, upward ? m.numerator : m.denominator, lead)
      : openingQuote(a.utterances[lead]!.text);
  if (!q) return null;
  const signal: Signal = {
    domain: def.domain as DomainId,
    subSignal: def.subSignal,
    direction: def.direction,
    strength,
    evidence: positions.map((p) => a.utterances[p]!.id),
    quote: q,
  };
  return { signal, positions };
}

/** A measure's value for the transcript, or null when it is undefined (no utterances of that speaker). */
export function measureValue(set: MarkerSet, a: TranscriptAnalysis, m: MeasureDef): number | null {
  const roles = a.utterances;
  switch (m.kind) {
    case 'mean-words': {
      const t = turns(a, m.speaker);
      return t.length === 0 ? null : t.reduce((s, x) => s + x.words, 0) / t.length;
    }
    case 'word-share': {
      let mine = 0;
      let all = 0;
      for (let i = 0; i < roles.length; i++) {
        const r = roles[i]!.role;
        if (r === 'other') continue;
        all += a.words[i]!;
        if (r === m.speaker) mine += a.words[i]!;
      }
      return all === 0 ? null : mine / all;
    }
    case 'ratio': {
      const num = unionPositions(m.numerator.map((id) => a.fired[set.markerIndex(id)]!.utt)).length;
      const den = unionPositions(m.denominator.map((id) => a.fired[set.markerIndex(id)]!.utt)).length;
      if (num === 0 && den === 0) return null;
      // No question at all but some reflections: as if there were one question, so the value stays finite.
      return num / Math.max(den, 1);
    }
    case 'long-turn-share': {
      let n = 0;
      let long = 0;
      for (let i = 0; i < roles.length; i++) {
        if (roles[i]!.role !== m.speaker) continue;
        n++;
        if (a.words[i]! >= m.minWords) long++;
      }
      return n === 0 || n < (m.minTurns ?? 1) ? null : long / n;
    }
  }
}

/** Utterances that push a measure the signal's way, the strongest first. */
function measureEvidence(set: MarkerSet, a: TranscriptAnalysis, m: MeasureDef, upward: boolean): number[] {
  const u = a.utterances;
  const nonEmpty = (i: number) => a.words[i]! > 0;
  let picked: number[];
  switch (m.kind) {
    case 'mean-words':
    case 'long-turn-share': {
      // Longest first when the signal reads the measure upwards, shortest first otherwise; ties by position.
      const sign = upward ? 1 : -1;
      picked = topPositions(
        u.length,
        (i) => u[i]!.role === m.speaker && nonEmpty(i),
        (i) => sign * a.words[i]!,
      );
      break;
    }
    case 'word-share': {
      // A low share is made by the other speaker's long turns, so those are cited.
      const speaker = upward ? m.speaker : m.speaker === 'client' ? 'therapist' : 'client';
      picked = topPositions(
        u.length,
        (i) => u[i]!.role === speaker && nonEmpty(i),
        (i) => a.words[i]!,
      );
      break;
    }
    case 'ratio': {
      const ids = upward ? m.numerator : m.denominator;
      picked = unionPositions(ids.map((id) => a.fired[set.markerIndex(id)]!.utt)).slice(0, MEASURE_EVIDENCE);
      break;
    }
  }
  return picked;
}

function quoteFromMarkers(set: MarkerSet, a: TranscriptAnalysis, ids: string[], at: number): string {
  const [from, to] = spanIn(
    a,
    ids.map((id) => set.markerIndex(id)),
    at,
  );
  return quoteAt(a.utterances[at]!.text, from, to);
}

/** The character span of the first of these markers that fired in utterance `at`. */
export function spanIn(a: TranscriptAnalysis, markers: number[], at: number): [number, number] {
  let best: [number, number] | null = null;
  for (const m of markers) {
    const f = a.fired[m]!;
    const k = binarySearch(f.utt, at);
    if (k >= 0 && (!best || f.from[k]! < best[0])) best = [f.from[k]!, f.to[k]!];
  }
  if (!best) throw new RangeError(`no listed marker fired in utterance ${at}`);
  return best;
}

/**
 * The MEASURE_EVIDENCE positions of 0…n-1 that pass `keep` with the highest `score`, highest first, the earlier on
 * a tie: a selection in one pass, since a session has hundreds of turns and only three are cited.
 */
function topPositions(n: number, keep: (i: number) => boolean, score: (i: number) => number): number[] {
  const top: number[] = [];
  const scores: number[] = [];
  for (let i = 0; i < n; i++) {
    if (!keep(i)) continue;
    const x = score(i);
    if (top.length === MEASURE_EVIDENCE && x <= scores[MEASURE_EVIDENCE - 1]!) continue;
    let k = Math.min(top.length, MEASURE_EVIDENCE - 1);
    if (top.length < MEASURE_EVIDENCE) {
      top.push(i);
      scores.push(x);
      k = top.length - 1;
    }
    while (k > 0 && scores[k - 1]! < x) {
      top[k] = top[k - 1]!;
      scores[k] = scores[k - 1]!;
      k--;
    }
    top[k] = i;
    scores[k] = x;
  }
  return top;
}

/** Sorted union of sorted position lists. */
export function unionPositions(lists: number[][]): number[] {
  if (lists.length === 1) return lists[0]!.slice();
  let out: number[] = [];
  for (const l of lists) out = mergeSorted(out, l);
  return out;
}

function mergeSorted(a: readonly number[], b: readonly number[]): number[] {
  if (a.length === 0) return b.slice();
  if (b.length === 0) return a.slice();
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = j >= b.length || (i < a.length && a[i]! <= b[j]!) ? a[i++]! : b[j++]!;
    if (out.length === 0 || out[out.length - 1] !== x) out.push(x);
  }
  return out;
}

interface RoleCounts {
  therapist: number;
  client: number;
}

/** Utterances that are turns (not backchannels), per speaker: the denominators of marker rates. */
function roleCounts(a: TranscriptAnalysis): RoleCounts {
  const c: RoleCounts = { therapist: 0, client: 0 };
  a.utterances.forEach((u, i) => {
    if ((u.role === 'therapist' || u.role === 'client') && !a.backchannel[i]) c[u.role]++;
  });
  return c;
}

/**
 * A speaker's turns: runs of their utterances interrupted only by the other speaker's backchannels, so a story
 * told over "mm-hmm"s counts as one long turn, as a listener hears it.
 */
export function turns(a: TranscriptAnalysis, speaker: 'therapist' | 'client'): Array<{ first: number; words: number }> {
  const out: Array<{ first: number; words: number }> = [];
  let open: { first: number; words: number } | null = null;
  a.utterances.forEach((u, i) => {
    if (u.role === speaker) {
      if (open) open.words += a.words[i]!;
      else out.push((open = { first: i, words: a.words[i]! }));
    } else if (!a.backchannel[i]) {
      open = null;
    }
  });
  return out.filter((t) => t.words > 0);
}

function binarySearch(sorted: number[], x: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = sorted[mid]!;
    if (v === x) return mid;
    if (v < x) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

const clamp01 = (x: number) => (x < 0 ? 0 : Math.min(x, 1));
const round3 = (x: number) => Math.round(x * 1000) / 1000;

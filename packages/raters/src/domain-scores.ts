import { DOMAINS, type DomainId, type Signal } from './result-schema';

/** "domain/sub-signal", the key sub-signal scores and the lexicon's constructs use. */
export type SubSignalKey = `${DomainId}/${string}`;

/**
 * The net evidence per sub-signal: the strengths of its strength signals minus those of its concern signals,
 * clipped to [-1, 1]. Neutral signals count for neither. Works on any rater's signals, however many a rater
 * emits per sub-signal.
 */
export function subSignalScores(signals: readonly Signal[]): Map<SubSignalKey, number> {
  const net = new Map<SubSignalKey, number>();
  for (const s of signals) {
    if (s.direction === 'neutral') continue;
    const key = `${s.domain}/${s.subSignal}` as SubSignalKey;
    net.set(key, (net.get(key) ?? 0) + (s.direction === 'strength' ? s.strength : -s.strength));
  }
  for (const [k, v] of net) net.set(k, Math.max(-1, Math.min(1, v)));
  return net;
}

/**
 * A composite per domain: the mean net evidence over all of the domain's sub-signals, a sub-signal with no
 * signal counting 0 ("no evidence"). Ranges from -1 (every sub-signal a full concern) to 1.
 */
export function domainScores(signals: readonly Signal[]): Record<DomainId, number> {
  const net = subSignalScores(signals);
  const out = {} as Record<DomainId, number>;
  for (const [domain, subs] of Object.entries(DOMAINS) as Array<[DomainId, readonly string[]]>) {
    let sum = 0;
    for (const sub of subs) sum += net.get(`${domain}/${sub}`) ?? 0;
    out[domain] = sum / subs.length;
  }
  return out;
}

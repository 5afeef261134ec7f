import type { StoredRating } from '@alliance-lab/core';

export interface Completion {
  rated: number;
  /** Ratings answered from the rating cache: more than one rating shares the answer (and paid for it once). */
  cached: number;
  failed: number;
  failures: Array<{ sessionId: string; replicate: number; reasons: string[] }>;
  inputTokens: number;
  outputTokens: number;
  /** What the answers cost, each cached answer counted once. */
  costUsd: number;
  /** costUsd over the sessions with an ok rating; null when none has one. */
  costPerSession: number | null;
  /** Mean latency per answer in milliseconds; null without answers. */
  latencyMs: number | null;
  sessions: number;
  replicates: number;
}

/** Completion and cost of one rater's stored ratings (current transcript versions). */
export function completion(ratings: readonly StoredRating[]): Completion {
  const byKey = new Map<string, StoredRating>();
  let rated = 0;
  let failed = 0;
  const failures: Completion['failures'] = [];
  const okSessions = new Set<string>();
  let replicates = 0;
  for (const g of ratings) {
    replicates = Math.max(replicates, g.replicate);
    if (g.status === 'ok') {
      rated++;
      okSessions.add(g.sessionId);
    } else {
      failed++;
      failures.push({ sessionId: g.sessionId, replicate: g.replicate, reasons: g.failure ?? [] });
    }
    if (!byKey.has(g.cacheKey)) byKey.set(g.cacheKey, g);
  }
  let inputTokens = 0;
  let outputTokens = 0;
  let costUsd = 0;
  let latency = 0;
  for (const g of byKey.values()) {
    inputTokens += g.usage.inputTokens;
    outputTokens += g.usage.outputTokens;
    costUsd += g.usage.costUsd;
    latency += g.usage.latencyMs;
  }
  return {
    rated,
    cached: ratings.length - byKey.size,
    failed,
    failures,
    inputTokens,
    outputTokens,
    costUsd,
    costPerSession: okSessions.size ? costUsd / okSessions.size : null,
    latencyMs: byKey.size ? latency / byKey.size : null,
    sessions: okSessions.size,
    replicates,
  };
}

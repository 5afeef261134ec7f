import type { Client, Therapist } from './cohort';
import { DEMO_MODEL } from './model';
import type { Rng } from './rng';

export type RuptureType = 'withdrawal' | 'confrontation' | 'both';

export interface Rupture {
  type: RuptureType;
  depth: number;
  repaired: boolean;
}

export interface SessionState {
  session: number;
  date: string;
  /** Latent alliance, rounded to 3 decimals; the rounded value drives everything generated from it. */
  latent: number;
  rupture?: Rupture;
  /** The previous session held a repaired rupture, so this one opens by coming back to it. */
  followsRepair: boolean;
}

/**
 * Latent alliance per session: therapist and client intercepts, a client growth slope, AR(1) session noise, and
 * rupture events. A rupture drops the session by its depth. A repaired one leaves a small lasting gain (repaired
 * ruptures go with better outcomes); an unrepaired one leaves a decaying residual dip and a lasting cost.
 */
export function latentTrajectory(rng: Rng, client: Client, therapist: Therapist): SessionState[] {
  const L = DEMO_MODEL.latent;
  const events = planRuptures(rng, client.sessions, therapist.repairProb);
  const states: SessionState[] = [];
  let noise = 0;
  for (let s = 1; s <= client.sessions; s++) {
    noise = L.noiseAr * noise + rng.normal(0, L.noiseSd);
    let value = L.intercept + therapist.effect + client.intercept + client.growth * (s - 1) + noise;
    for (const [at, e] of events) value += ruptureEffect(e, s - at);
    const rupture = events.get(s);
    states.push({
      session: s,
      date: client.dates[s - 1]!,
      latent: Math.round(value * 1000) / 1000,
      ...(rupture ? { rupture } : {}),
      followsRepair: events.get(s - 1)?.repaired === true,
    });
  }
  return states;
}

function ruptureEffect(e: Rupture, since: number): number {
  const r = DEMO_MODEL.ruptures;
  if (since < 0) return 0;
  if (since === 0) return -e.depth;
  if (e.repaired) return r.repairedGain;
  return -e.depth * r.unrepairedResidual * r.unrepairedDecay ** (since - 1) - r.unrepairedCost;
}

/** Rupture sessions lie between session 2 and the one before last (so there is a session after to recover in), at least two apart. */
function planRuptures(rng: Rng, sessions: number, repairProb: number): Map<number, Rupture> {
  const r = DEMO_MODEL.ruptures;
  const count = Number(
    rng.weighted(Object.fromEntries(r.countProbs.map((p, i) => [String(i), p])) as Record<string, number>),
  );
  const events = new Map<number, Rupture>();
  const candidates = rng.shuffle(Array.from({ length: sessions - 2 }, (_, i) => i + 2));
  for (const at of candidates) {
    if (events.size >= count) break;
    if ([...events.keys()].some((k) => Math.abs(k - at) < 2)) continue;
    events.set(at, {
      type: rng.weighted(r.typeProbs),
      depth: Math.round(rng.uniform(r.minDepth, r.maxDepth) * 1000) / 1000,
      repaired: rng.bernoulli(repairProb),
    });
  }
  return new Map([...events].sort((a, b) => a[0] - b[0]));
}

import type { PhraseBank } from './phrase-bank';
import { DEMO_MODEL } from './model';
import type { Rng } from './rng';

export interface Therapist {
  id: string;
  /** Random intercept of latent alliance. */
  effect: number;
  /** Multiplier on reflections and empathy. */
  warmth: number;
  /** Multiplier on agenda, goal talk, collaboration and check-ins. */
  structure: number;
  /** Chance that a rupture with this therapist gets repaired. */
  repairProb: number;
}

export interface Client {
  id: string;
  therapist: string;
  sessions: number;
  /** Session dates, YYYY-MM-DD, one per session. */
  dates: string[];
  /** Topic ids: the presenting concern first, then a secondary one. */
  topics: [string, string];
  /** Two goal indexes into the primary topic's goals, kept across sessions. */
  goals: number[];
  intercept: number;
  growth: number;
}

export interface Cohort {
  therapists: Therapist[];
  clients: Client[];
}

const DAY = 86_400_000;

export function buildCohort(rng: Rng, bank: PhraseBank): Cohort {
  const m = DEMO_MODEL.cohort;
  const r = DEMO_MODEL.ruptures;
  const style = DEMO_MODEL.transcript.therapistStyleSd;
  const therapists: Therapist[] = [];
  for (let i = 1; i <= m.therapists; i++) {
    const t = rng.fork(`therapist/T${i}`);
    therapists.push({
      id: `T${i}`,
      effect: t.normal(0, DEMO_MODEL.latent.therapistSd),
      warmth: Math.exp(t.normal(0, style)),
      structure: Math.exp(t.normal(0, style)),
      repairProb: t.uniform(r.repairProbMin, r.repairProbMax),
    });
  }

  const assign = rng.fork('assignment');
  const slots = therapists.flatMap((t) => Array.from({ length: m.minClientsPerTherapist }, () => t.id));
  while (slots.length < m.clients) slots.push(assign.pick(therapists).id);
  const order = assign.shuffle(slots);

  const clients: Client[] = [];
  for (let i = 1; i <= m.clients; i++) {
    const id = `C${String(i).padStart(2, '0')}`;
    const c = rng.fork(`client/${id}`);
    const sessions = c.int(m.minSessions, m.maxSessions);
    const [primary, secondary] = c.shuffle(bank.topics.map((t) => t.id));
    const goalCount = bank.topics.find((t) => t.id === primary)!.goals.length;
    clients.push({
      id,
      therapist: order[i - 1]!,
      sessions,
      dates: sessionDates(c, sessions),
      topics: [primary!, secondary!],
      goals: c.shuffle(Array.from({ length: goalCount }, (_, k) => k)).slice(0, 2),
      intercept: c.normal(0, DEMO_MODEL.latent.clientSd),
      growth: c.normal(DEMO_MODEL.latent.growthMean, DEMO_MODEL.latent.growthSd),
    });
  }
  return { therapists, clients };
}

function sessionDates(rng: Rng, n: number): string[] {
  const m = DEMO_MODEL.cohort;
  let t = Date.parse(`${m.firstDate}T00:00:00Z`) + (rng.int(0, m.startSpreadWeeks) * 7 + rng.int(0, 4)) * DAY;
  const dates: string[] = [];
  for (let s = 0; s < n; s++) {
    if (s > 0) t += (rng.bernoulli(m.skipWeekProb) ? 14 : 7) * DAY;
    dates.push(new Date(t).toISOString().slice(0, 10));
  }
  return dates;
}

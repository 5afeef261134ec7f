import { loadavg } from 'node:os';
import type { ScoreRow, StoredRating } from '@alliance-lab/core';
import { createRng, mitiSummary } from '@alliance-lab/core/stats';
import { type ValidationData, validateRaters } from '@alliance-lab/raters';
import type { BenchSuite, Figure } from './figure';

// The study: 10,000 sessions.
const CLIENTS = 1000;
const SESSIONS = 10;
const THERAPISTS = 20;
const RATERS = ['r1', 'r2', 'r3'];
const REPLICATES = 2;
const CODERS = ['K1', 'K2'];
const SCALES = ['goal', 'task', 'bond', 'total'];

/**
 * A study of 10,000 sessions (1,000 clients × 10) held as validation reads it from the store: client WAI-SR and
 * SRS after every session, 3 raters × 2 replicates of WAI-O-S with items and signals, 2 coders on a fifth of the
 * sessions, transcript lengths.
 */
export function study(seed: number): ValidationData {
  const rng = createRng(seed);
  const z = () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  const scores: ScoreRow[] = [];
  const ratings: StoredRating[] = [];
  const lengths: ValidationData['lengths'] = [];
  const codeSummaries: ValidationData['codes'] = [];
  const row = (
    base: Pick<ScoreRow, 'session_id' | 'client' | 'therapist' | 'session' | 'date'>,
    source: ScoreRow['source'],
    rater: string,
    replicate: number,
    instrument: string,
    form: string,
    scale: string,
    pomp: number,
  ) =>
    scores.push({
      ...base,
      source,
      rater,
      replicate,
      instrument,
      form,
      scale,
      score: 1 + (pomp / 100) * 6,
      pomp,
      prorated: false,
      missing: false,
    });
  for (let c = 0; c < CLIENTS; c++) {
    const client = `C${String(c).padStart(4, '0')}`;
    const therapist = `T${c % THERAPISTS}`;
    const level = 10 * z();
    for (let s = 1; s <= SESSIONS; s++) {
      const latent = 60 + level + 8 * z();
      const base = { session_id: `${client}/${s}`, client, therapist, session: s, date: null };
      for (const scale of SCALES) row(base, 'self-report', 'client', 0, 'wai-sr', 'client', scale, latent + 5 * z());
      row(base, 'self-report', 'client', 0, 'srs', 'client', 'total', latent + 6 * z());
      if (s % 5 === 0)
        for (const k of CODERS)
          for (const scale of SCALES) row(base, 'coder', k, 0, 'wai-o-s', 'observer', scale, latent + 7 * z());
      for (const r of RATERS)
        for (let rep = 1; rep <= REPLICATES; rep++) {
          for (const scale of SCALES) row(base, 'rater', r, rep, 'wai-o-s', 'observer', scale, latent + 9 * z());
          ratings.push({
            id: `${r}/${base.session_id}/r${rep}`,
            sessionId: base.session_id,
            transcriptId: `${base.session_id}/v1`,
            rater: r,
            provider: 'lexicon',
            model: 'lexicon-v1',
            promptVersion: 'v1',
            promptHash: 'h',
            params: {},
            replicate: rep,
            status: 'ok',
            forms: [
              {
                instrument: 'wai-o-s',
                form: 'observer',
                items: Object.fromEntries(Array.from({ length: 12 }, (_, i) => [String(i + 1), 1 + rng.int(7)])),
              },
            ],
            signals: [
              {
                domain: 'relationship-quality',
                subSignal: 'empathy',
                direction: 'strength',
                strength: rng.next(),
                evidence: ['u1'],
                quote: 'q',
              },
            ],
            ruptures: [],
            usage: { inputTokens: 1000, outputTokens: 200, cachedTokens: 0, costUsd: 0.001, latencyMs: 500 },
            cacheKey: `${r}/${base.session_id}/${rep}`,
            createdAt: '2026-01-01T00:00:00Z',
          });
        }
      const words = Math.round(3000 + 400 * z());
      lengths.push({
        sessionId: base.session_id,
        words,
        therapistWords: Math.round(words * 0.4),
        clientWords: Math.round(words * 0.6),
        utterances: 90 + rng.int(30),
      });
      // The coder's session summaries, as `alliance code` leaves them for validation.
      const codes = (code: string, n: number, subcode: string | null = null) =>
        Array.from({ length: n }, () => ({ code, subcode }));
      codeSummaries.push({
        sessionId: base.session_id,
        coder: 'annomi-coder-1',
        coderHash: 'h',
        summary: mitiSummary([
          ...codes('reflection', 5 + rng.int(15), 'complex'),
          ...codes('reflection', rng.int(10), 'simple'),
          ...codes('question', 5 + rng.int(15), 'open'),
          ...codes('question', rng.int(10), 'closed'),
          ...codes('change', rng.int(12)),
          ...codes('sustain', rng.int(6)),
          ...codes('neutral', 20 + rng.int(20)),
        ]),
      });
    }
  }
  const coderItems = new Map([
    [
      'wai-o-s:observer',
      scores
        .filter((s) => s.source === 'coder' && s.scale === 'total')
        .map((s) => ({
          sessionId: s.session_id,
          client: s.client,
          session: s.session,
          respondent: s.rater,
          items: Object.fromEntries(Array.from({ length: 12 }, (_, i) => [String(i + 1), 1 + rng.int(7)])),
        })),
    ],
  ]);
  return {
    study: 'bench',
    criterion: { instrument: 'wai-sr', form: 'client', scale: 'total' },
    ruptureRule: { k: 1, window: 3 },
    raters: RATERS.map((name) => ({
      name,
      provider: 'lexicon',
      model: 'lexicon-v1',
      forms: [{ instrument: 'wai-o-s', form: 'observer' }],
    })),
    scores,
    ratings,
    coderItems,
    lengths,
    codes: codeSummaries,
  };
}

const TARGET_S = 15;
const TARGET_MB = 1024;

export const suite: BenchSuite = {
  name: 'validate',
  async run(): Promise<Figure[]> {
    const data = study(20260101);
    let peak = process.memoryUsage().rss;
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
    const load = loadavg()[0]!;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const result = validateRaters(data, { generatedAt: 'bench' });
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    clearInterval(timer);
    peak = Math.max(peak, process.memoryUsage().rss);
    const mb = peak / 2 ** 20;
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    // The machine is shared: the load average says how much of the wall time was waiting for a core.
    const note = `load average ${load.toFixed(2)} at the start`;
    return [
      {
        name: 'validate 10,000 sessions, 3 raters x 2 replicates, 2 coders (computation, from the rows read)',
        value: seconds,
        unit: 's',
        target: `< ${TARGET_S} s`,
        ok: seconds < TARGET_S && result.raters.length === 3,
        note: `${(seconds / TARGET_S).toFixed(2)}x the target; ${note}`,
      },
      {
        name: 'validate: CPU time (user + system) of the same run',
        value: cpuSeconds,
        unit: 's',
        target: `< ${TARGET_S} s`,
        ok: cpuSeconds < TARGET_S,
        note: `${(cpuSeconds / TARGET_S).toFixed(2)}x the target`,
      },
      {
        name: 'validate: peak resident memory (the rows read included)',
        value: mb,
        unit: 'MB',
        target: `< ${TARGET_MB} MB`,
        ok: mb < TARGET_MB,
        note: `${(mb / TARGET_MB).toFixed(2)}x the target`,
      },
    ];
  },
};

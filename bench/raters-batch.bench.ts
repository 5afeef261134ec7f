import { defaultServices, rateStudy } from '@alliance-lab/raters';
import { createFixtureStudy, startLoopbackServer, validAnswer } from '@alliance-lab/raters/testing';
import type { BenchSuite, Figure } from './figure';

const PRICE = { inputPerMillion: 2, outputPerMillion: 8, cachedInputPerMillion: 0.5 };
const SESSIONS = 40;

/**
 * The priced total of one run sent through the provider's batch API against the same run asked live, on the
 * loopback server (the same answers and token counts either way): the batch discount as the run accounts it.
 */
async function ratio(provider: 'openai' | 'anthropic'): Promise<{ ratio: number; live: number; batch: number }> {
  const output = validAnswer();
  const server = await startLoopbackServer({
    record: false,
    handler: () => ({ kind: 'answer', output, usage: { input: 2400, output: 500, cached: 800 } }),
  });
  const baseUrl = provider === 'openai' ? server.openaiBaseUrl : server.anthropicBaseUrl;
  const model = provider === 'openai' ? 'loopback' : 'claude-loopback';
  const costs: number[] = [];
  try {
    for (const batch of [false, true]) {
      const { study } = await createFixtureStudy({
        clients: SESSIONS / 10,
        sessionsPerClient: 10,
        raters: { bench: { provider, model, baseUrl, price: PRICE } },
      });
      try {
        const { summary } = await rateStudy(study, {
          rater: 'bench',
          services: defaultServices(study),
          env: {},
          batch,
          batchPollMs: 1,
        });
        if (summary.rated !== SESSIONS) throw new Error(`${provider}: ${summary.rated} of ${SESSIONS} rated`);
        costs.push(summary.costUsd);
      } finally {
        await study.close();
      }
    }
  } finally {
    await server.close();
  }
  const [live, batch] = costs as [number, number];
  return { ratio: batch / live, live, batch };
}

export const suite: BenchSuite = {
  name: 'raters-batch',
  async run(): Promise<Figure[]> {
    const out: Figure[] = [];
    for (const provider of ['openai', 'anthropic'] as const) {
      const r = await ratio(provider);
      out.push({
        name: `priced total, batch / live, ${provider}`,
        value: r.ratio,
        unit: 'ratio',
        target: '= 0.5',
        ok: Math.abs(r.ratio - 0.5) < 1e-9,
        note: `${SESSIONS} sessions: $${r.batch.toFixed(4)} in a batch, $${r.live.toFixed(4)} live`,
      });
    }
    return out;
  },
};

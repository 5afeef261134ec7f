import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createFixtureStudy, validAnswer } from '@alliance-lab/raters/testing';
import { useLoopbackServer } from '@alliance-lab/raters/testing/vitest';
import { listRatings, openStudy } from '@alliance-lab/core';
import { allianceProcess } from './support/alliance-process';

/**
 * Two `alliance rate` processes on one study: each cache key is claimed before it is asked, so the provider is
 * asked once per transcript, and the run that meets a key the other holds waits for its answer (counted cached).
 */
const server = useLoopbackServer();

const temps: string[] = [];
afterEach(() => {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('concurrent rate runs on one study', () => {
  it('ask each transcript once between them, and both exit 0 with every rating rated or cached', async () => {
    const { dir, study } = await createFixtureStudy({
      clients: 4,
      sessionsPerClient: 10,
      raters: { gpt: { provider: 'openai', model: 'gpt-test', baseUrl: server.openaiBaseUrl } },
    });
    temps.push(dirname(dir));
    await study.close();
    // Answers wait until a fifth request is in flight: one run at --concurrency 4 has at most four, so both runs
    // are then asking at once, however long either process took to start.
    let arrived = 0;
    let overlapped = false;
    let open = () => {};
    const bothAsking = new Promise<void>((r) => (open = r));
    server.setHandler(async () => {
      if (++arrived === 5) {
        overlapped = true;
        open();
      }
      await Promise.race([bothAsking, new Promise((r) => setTimeout(r, 60_000))]);
      return { kind: 'delay', ms: 30, then: { kind: 'answer', output: validAnswer() } };
    });
    const rate = () => allianceProcess(['rate', '--study', dir, '--rater', 'gpt', '--concurrency', '4', '--json']);

    const runs = await Promise.all([rate(), rate()]);

    for (const r of runs) expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    const [a, b] = runs.map((r) => JSON.parse(r.stdout) as { rated: number; cached: number; failed: number });

    expect(overlapped).toBe(true);
    const asked = server.requests.map((r) => /\((C\d\d session \d+)\)/.exec(r.raw)?.[1]);
    expect(asked).toHaveLength(40);
    expect(new Set(asked).size).toBe(40);
    expect(a!.rated + b!.rated).toBe(40);
    expect(a!.rated + a!.cached).toBe(40);
    expect(b!.rated + b!.cached).toBe(40);
    expect(a!.failed + b!.failed).toBe(0);

    const s = await openStudy(dir);
    try {
      const ratings = await listRatings(s.db, { rater: 'gpt' });
      expect(ratings).toHaveLength(40);
      expect(ratings.every((r) => r.status === 'ok')).toBe(true);
    } finally {
      await s.close();
    }
  }, 180_000);
});

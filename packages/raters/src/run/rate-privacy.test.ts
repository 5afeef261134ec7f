import type { Study } from '@alliance-lab/core';
import { afterEach, describe, expect, it } from 'vitest';
import { useLoopbackServer } from '../testing/use-loopback-server';
import { createFixtureStudy, NAMES, validAnswer } from '../testing/study-fixture';
import { defaultServices } from './default-services';
import { rateStudy } from './rate-run';

const server = useLoopbackServer((s) => s.setHandler(() => ({ kind: 'answer', output: validAnswer() })));
const open: Study[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

/** Every identifying string in the fixture transcripts: the study's name list word by word, the phone, the address. */
const IDENTIFYING = [...NAMES.flatMap((n) => n.split(' ')), '555-123-4567', '12 Elm Street'];

async function study(remoteProviders: 'forbid' | 'deidentified' | 'allow', rater: Record<string, unknown>) {
  const { study } = await createFixtureStudy({
    remoteProviders,
    raters: { gpt: { provider: 'openai', model: 'gpt-test', ...rater } },
  });
  open.push(study);
  return study;
}

const run = (s: Study, env: Record<string, string> = {}) =>
  rateStudy(s, { rater: 'gpt', services: defaultServices(s), env, retry: { baseDelayMs: 5, maxDelayMs: 10 } });

describe('remoteProviders', () => {
  it('forbid: refuses a remote provider before anything is sent', async () => {
    const s = await study('forbid', { baseUrl: 'https://api.example.com/v1' });
    await expect(run(s, { OPENAI_API_KEY: 'sk-test' })).rejects.toThrow(
      /sends transcripts to api\.example\.com, but study\.json sets remoteProviders to "forbid"/,
    );
    const tunnel = await study('forbid', { baseUrl: server.openaiBaseUrl, options: { remote: true } });
    await expect(run(tunnel)).rejects.toThrow(/marked remote/);
    expect(server.requests).toHaveLength(0);
    expect(await s.db.selectFrom('ratings').selectAll().execute()).toEqual([]);
  });

  it('forbid: a server on this machine rates the transcript as it is', async () => {
    const s = await study('forbid', { baseUrl: server.openaiBaseUrl });
    const res = await run(s);
    expect(res).toMatchObject({ transcripts: 'as-is', summary: { rated: 4 } });
  });

  it('deidentified: no name from the name list, phone or address reaches the server; the mapping stays in the store', async () => {
    const s = await study('deidentified', { baseUrl: server.openaiBaseUrl, options: { remote: true } });
    const res = await run(s);
    expect(res).toMatchObject({ transcripts: 'deidentified', summary: { rated: 4, failed: 0 } });
    expect(server.requests).toHaveLength(4);
    for (const r of server.requests) {
      for (const id of IDENTIFYING) expect(r.raw.toLowerCase()).not.toContain(id.toLowerCase());
      expect(r.raw).toContain('[NAME_1]');
    }
    const maps = await s.db.selectFrom('deidentification_maps').selectAll().execute();
    expect(maps).toHaveLength(4);
    expect(JSON.parse(maps[0]!.mapping).flatMap((m: { originals: string[] }) => m.originals)).toEqual(
      expect.arrayContaining(['Sam', 'Maria Lopez']),
    );
    const [row] = await s.db.selectFrom('ratings').selectAll().execute();
    expect(JSON.parse(row!.params).transcript).toBe('deidentified');
  });

  it('deidentified: quotes are checked against the de-identified text', async () => {
    const s = await study('deidentified', { baseUrl: server.openaiBaseUrl, options: { remote: true } });
    const quoting = (quote: string) => {
      const a = validAnswer();
      a.signals = [
        {
          domain: 'relationship-quality',
          subSignal: 'sensitive-topics',
          direction: 'neutral',
          strength: 0.5,
          evidence: ['u4'],
          quote,
        },
      ];
      return { kind: 'answer' as const, output: a };
    };
    // The original name is not in what the model saw; the placeholder is.
    server.enqueue(quoting('my sister Maria Lopez'), quoting('my sister [NAME_2]'));
    const res = await rateStudy(s, { rater: 'gpt', services: defaultServices(s), env: {}, sessions: ['C01/1'] });
    expect(res.summary).toMatchObject({ rated: 1, failed: 0 });
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]!.body.messages.at(-1).content).toMatch(/signals\[0\]: the quote does not occur/);
    // The repair message names the place, never the quote it could not find.
    expect(server.requests[1]!.body.messages.at(-1).content).not.toContain('Maria');
    const [row] = await s.db.selectFrom('ratings').selectAll().execute();
    expect(JSON.parse(row!.signals)[0].quote).toBe('my sister [NAME_2]');
  });

  it('deidentified: a provider on this machine sees the transcript as it is', async () => {
    const s = await study('deidentified', { baseUrl: server.openaiBaseUrl });
    expect((await run(s)).transcripts).toBe('as-is');
    expect(server.requests[0]!.raw).toContain('Maria Lopez');
  });

  it('allow: sends the transcript as it is, even to a remote provider', async () => {
    const s = await study('allow', { baseUrl: server.openaiBaseUrl, options: { remote: true } });
    expect((await run(s)).transcripts).toBe('as-is');
    expect(server.requests[0]!.raw).toContain('Maria Lopez');
    expect(await s.db.selectFrom('deidentification_maps').selectAll().execute()).toEqual([]);
  });
});

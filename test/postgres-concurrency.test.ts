import { spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { currentTranscripts, listRatings, openStudy } from '@alliance-lab/core';
import { createFixtureStudy, sessionUtterances, validAnswer } from '@alliance-lab/raters/testing';
import { useLoopbackServer } from '@alliance-lab/raters/testing/vitest';
import { afterEach, describe, expect, it } from 'vitest';
import { ALLIANCE_BIN, allianceProcess } from './support/alliance-process';
import { postgresMissing, uniqueSchema } from './support/postgres';
import { dropSchema, postgresSchemaUrl } from './support/stores';

/**
 * One study on PostgreSQL written by separate processes at once: two transcript imports (sharing a file, so both
 * race for the same sessions), two rate runs and a server answering reads. Nothing waits for a study-wide lock:
 * unique constraints and SERIALIZABLE transactions (retried when they lose a race) keep every row exactly once.
 */
const provider = useLoopbackServer();

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A JSONL transcript file of `sessions` sessions of `client`, with the fixture's talk (valid for its answer). */
function transcriptFile(path: string, client: string, sessions: number): string {
  const lines = Array.from({ length: sessions }, (_, i) =>
    JSON.stringify({ client, therapist: 'T1', session: i + 1, utterances: sessionUtterances(client, i + 1) }),
  );
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

/** `alliance serve` on a free port; resolves to its URL and a stop function. */
async function serve(dir: string, env: Record<string, string>): Promise<{ url: string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [ALLIANCE_BIN, 'serve', '--study', dir, '--port', '0'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const deadline = Date.now() + 60_000;
  while (!/http:\/\/\S+\//.test(stderr) && child.exitCode === null && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 50));
  const url = stderr.match(/http:\/\/\S+\//)?.[0];
  if (!url) {
    child.kill('SIGKILL');
    throw new Error(`serve did not start: ${stderr}`);
  }
  return {
    url,
    stop: async () => {
      child.kill('SIGINT');
      await exited;
    },
  };
}

describe.skipIf(postgresMissing !== undefined)('several processes on one PostgreSQL study', () => {
  it('two importers, two raters and a server at once lose and duplicate nothing', async () => {
    const schema = uniqueSchema();
    const env = { ALLIANCE_STORE_URL: postgresSchemaUrl(schema) };
    const saved = process.env.ALLIANCE_STORE_URL;
    process.env.ALLIANCE_STORE_URL = env.ALLIANCE_STORE_URL;
    cleanups.push(() => dropSchema(schema));
    cleanups.push(() => {
      if (saved === undefined) delete process.env.ALLIANCE_STORE_URL;
      else process.env.ALLIANCE_STORE_URL = saved;
    });
    const { dir, study } = await createFixtureStudy({
      clients: 3,
      sessionsPerClient: 8,
      raters: { gpt: { provider: 'openai', model: 'gpt-test', baseUrl: provider.openaiBaseUrl } },
    });
    cleanups.push(() => rmSync(dirname(dir), { recursive: true, force: true }));
    expect(study.dialect).toBe('postgres');
    const fixtureSessions = (await currentTranscripts(study.db)).length;
    await study.close();
    provider.setHandler(async () => ({ kind: 'delay', ms: 20, then: { kind: 'answer', output: validAnswer() } }));

    const root = dirname(dir);
    const shared = transcriptFile(join(root, 'shared.jsonl'), 'S01', 20);
    const a = transcriptFile(join(root, 'a.jsonl'), 'A01', 40);
    const b = transcriptFile(join(root, 'b.jsonl'), 'B01', 40);

    const server = await serve(dir, env);
    cleanups.push(() => server.stop());
    let reads = 0;
    const failedReads: string[] = [];
    let running = true;
    const reading = (async () => {
      while (running) {
        const res = await fetch(`${server.url}api/status`);
        if (res.status !== 200) failedReads.push(`${res.status}: ${await res.text()}`);
        else await res.json();
        reads++;
      }
    })();

    const rate = () => allianceProcess(['rate', '--study', dir, '--rater', 'gpt', '--concurrency', '3', '--json'], env);
    const importer = (file: string) =>
      allianceProcess(['import', 'transcripts', '--study', dir, shared, file, '--json'], env);
    const runs = await Promise.all([importer(a), importer(b), rate(), rate()]);
    running = false;
    await reading;

    for (const r of runs)
      expect({ code: r.code, stderr: r.stderr, out: r.code ? r.stdout : '' }).toEqual({ code: 0, stderr: '', out: '' });
    expect(failedReads).toEqual([]);
    expect(reads).toBeGreaterThan(0);
    const [ia, ib] = runs
      .slice(0, 2)
      .map((r) => JSON.parse(r.stdout) as { sessionsImported: number; unchanged: number });
    // The shared file's sessions are imported by exactly one of the two and found unchanged by the other.
    expect(ia!.sessionsImported + ib!.sessionsImported).toBe(100);
    expect(ia!.unchanged + ib!.unchanged).toBe(20);

    const s = await openStudy(dir);
    try {
      const current = (await currentTranscripts(s.db)).map((t) => t.sessionId);
      expect(current).toHaveLength(fixtureSessions + 100);
      expect(new Set(current).size).toBe(current.length);
      const versions = await s.db.selectFrom('transcripts').select('session_id').execute();
      expect(versions).toHaveLength(fixtureSessions + 100);
      const audit = await s.db
        .selectFrom('audit')
        .select('entity_id')
        .where('entity', '=', 'transcript')
        .where('action', '=', 'insert')
        .execute();
      expect(audit).toHaveLength(fixtureSessions + 100);
      // Each rate run rated what was there when it started; no rating is stored twice.
      const ratings = await listRatings(s.db, { rater: 'gpt' });
      const keys = ratings.map((r) => `${r.transcriptId}#${r.replicate}`);
      expect(new Set(keys).size).toBe(keys.length);
      expect(ratings.length).toBeGreaterThanOrEqual(fixtureSessions);
      const asked = provider.requests.map((r) => /\(([A-Z]\d\d session \d+)\)/.exec(r.raw)?.[1]);
      expect(new Set(asked).size).toBe(asked.length);
      const res = await fetch(`${server.url}api/status`);
      expect(await res.json()).toMatchObject({ sessions: fixtureSessions + 100, ratings: ratings.length });
    } finally {
      await s.close();
    }
  }, 300_000);
});

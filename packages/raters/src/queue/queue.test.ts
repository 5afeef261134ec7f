import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { listRatings, openStudy } from '@alliance-lab/core';
import PgBoss from 'pg-boss';
import { describe, expect, it } from 'vitest';
import { ALLIANCE_BIN, allianceProcess } from '../../../../test/support/alliance-process';
import { postgresMissing, postgresUrl, uniqueSchema } from '../../../../test/support/postgres';
import type { ReceivedRequest } from '../testing/loopback-server';
import { createFixtureStudy, validAnswer } from '../testing/study-fixture';
import { useLoopbackServer } from '../testing/use-loopback-server';
import { queueNames, queueSchema } from './queue-config';

const server = useLoopbackServer((s) => s.setHandler(() => ({ kind: 'answer', output: validAnswer() })));

/** The session a request rates: each fixture transcript ends with "(C01 session 1)". */
function sessionOf(r: ReceivedRequest): string {
  const m = /\((C\d+) session (\d+)\)/.exec(r.raw);
  return m ? `${m[1]}/${m[2]}` : '?';
}

function perSession(requests: readonly ReceivedRequest[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of requests) out[sessionOf(r)] = (out[sessionOf(r)] ?? 0) + 1;
  return out;
}

/** A fixture study under a name of its own, so its queue schema is its own in the shared test database. */
async function queueStudy(clients = 2, sessionsPerClient = 2): Promise<string> {
  const { dir, study } = await createFixtureStudy({
    clients,
    sessionsPerClient,
    raters: { gpt: { provider: 'openai', model: 'gpt-test', baseUrl: server.openaiBaseUrl } },
  });
  await study.close();
  const file = join(dir, 'study.json');
  const config = JSON.parse(readFileSync(file, 'utf8'));
  writeFileSync(file, JSON.stringify({ ...config, name: uniqueSchema('queue') }, null, 2));
  return dir;
}

const queueEnv = (extra: Record<string, string> = {}) => ({ ALLIANCE_STORE_URL: '', ...extra });

function alliance(args: string[], env: Record<string, string> = {}) {
  return allianceProcess([...args, '--queue-url', postgresUrl!], queueEnv(env));
}

async function status(dir: string) {
  const r = await alliance(['rate', '--study', dir, '--rater', 'gpt', '--status', '--json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Record<string, number>;
}

function startWorker(dir: string, args: string[], env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, [ALLIANCE_BIN, 'worker', '--study', dir, '--queue-url', postgresUrl!, ...args], {
    env: { ...process.env, ...queueEnv(env) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

async function until(check: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(postgresMissing !== undefined)('rating work shared by workers through pg-boss', () => {
  it('enqueues each cache key once, even from two enqueuers at once, and several workers rate each once', async () => {
    const dir = await queueStudy(3, 2);
    server.setHandler(() => ({ kind: 'delay', ms: 150, then: { kind: 'answer', output: validAnswer() } }));
    const enqueue = () =>
      alliance(['rate', '--study', dir, '--rater', 'gpt', '--replicates', '2', '--enqueue', '--json']);
    const [a, b] = await Promise.all([enqueue(), enqueue()]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    const [ja, jb] = [JSON.parse(a.stdout), JSON.parse(b.stdout)];
    expect(ja.queued + jb.queued).toBe(12);
    expect(ja.alreadyQueued + jb.alreadyQueued).toBe(12);
    const again = JSON.parse((await enqueue()).stdout);
    expect(again).toMatchObject({ queued: 0, alreadyQueued: 12, cached: 0, total: 12 });
    expect(await status(dir)).toEqual({ queued: 12, active: 0, done: 0, failed: 0 });
    expect(server.requests).toHaveLength(0);

    const workers = await Promise.all(
      [1, 2, 3].map(() => alliance(['worker', '--study', dir, '--concurrency', '2', '--drain', '--json'])),
    );
    for (const w of workers) expect(w.code, w.stderr).toBe(0);
    const summaries = workers.map((w) => JSON.parse(w.stdout));
    expect(summaries.reduce((n, s) => n + s.rated, 0)).toBe(12);
    // Every cache key (six sessions × two replicates, seeds apart) was asked exactly once.
    expect(server.requests).toHaveLength(12);
    expect(Object.values(perSession(server.requests))).toEqual([2, 2, 2, 2, 2, 2]);
    expect(await status(dir)).toEqual({ queued: 0, active: 0, done: 12, failed: 0 });

    const study = await openStudy(dir);
    try {
      const ratings = await listRatings(study.db, { rater: 'gpt' });
      expect(ratings.filter((r) => r.status === 'ok')).toHaveLength(12);
    } finally {
      await study.close();
    }
    // A rated study has nothing left to enqueue.
    expect(JSON.parse((await enqueue()).stdout)).toMatchObject({ queued: 0, alreadyQueued: 0, cached: 12 });
  }, 180_000);

  it('a worker killed with SIGKILL mid-job: its job expires within seconds and another worker finishes it', async () => {
    const dir = await queueStudy(2, 2);
    const timing = { ALLIANCE_QUEUE_EXPIRE_SECONDS: '2', ALLIANCE_QUEUE_RETRY_DELAY_SECONDS: '0' };
    // The first request hangs, so the first worker is mid-request when it is killed.
    let first = true;
    server.setHandler(() => {
      if (!first) return { kind: 'answer', output: validAnswer() };
      first = false;
      return { kind: 'delay', ms: 60_000, then: { kind: 'answer', output: validAnswer() } };
    });
    const e = await alliance(['rate', '--study', dir, '--rater', 'gpt', '--enqueue', '--json'], timing);
    expect(JSON.parse(e.stdout)).toMatchObject({ queued: 4 });

    const doomed = startWorker(dir, ['--concurrency', '1'], timing);
    const exited = new Promise((r) => doomed.once('exit', r));
    let doomedErr = '';
    doomed.stderr?.on('data', (d) => (doomedErr += d));
    await until(() => server.requests.length === 1, 90_000).catch((err) => {
      doomed.kill('SIGKILL');
      throw new Error(`${(err as Error).message} (requests ${server.requests.length}): ${doomedErr}`);
    });
    const killed = sessionOf(server.requests[0]!);
    doomed.kill('SIGKILL');
    await exited;
    expect((await status(dir)).active).toBe(1);

    const started = Date.now();
    const rescuer = await alliance(['worker', '--study', dir, '--drain', '--json'], timing);
    expect(rescuer.code, rescuer.stderr).toBe(0);
    expect(JSON.parse(rescuer.stdout)).toMatchObject({ rated: 4, failed: 0 });
    expect(Date.now() - started).toBeLessThan(60_000);
    // The killed worker's key was asked again (its request never came back); every other key once.
    const counts = perSession(server.requests);
    expect(counts[killed]).toBe(2);
    expect(
      Object.entries(counts)
        .filter(([s]) => s !== killed)
        .map(([, n]) => n),
    ).toEqual([1, 1, 1]);
    expect(await status(dir)).toEqual({ queued: 0, active: 0, done: 4, failed: 0 });
  }, 180_000);

  it('a rating the provider keeps refusing goes to the dead-letter queue with its reason; --status counts it', async () => {
    const dir = await queueStudy(1, 2);
    const timing = { ALLIANCE_QUEUE_RETRY_DELAY_SECONDS: '0' };
    server.setHandler((r) =>
      sessionOf(r) === 'C01/1'
        ? { kind: 'status', status: 400, message: 'the model refuses this request' }
        : { kind: 'answer', output: validAnswer() },
    );
    await alliance(['rate', '--study', dir, '--rater', 'gpt', '--enqueue', '--json'], timing);
    const w = await alliance(['worker', '--study', dir, '--drain', '--json'], timing);
    expect(w.code, w.stderr).toBe(1);
    expect(JSON.parse(w.stdout)).toMatchObject({ rated: 1 });
    // One attempt and the rate run's five retries, each a single request (a 400 is not retried within one).
    expect(perSession(server.requests)).toEqual({ 'C01/1': 6, 'C01/2': 1 });
    expect(await status(dir)).toEqual({ queued: 0, active: 0, done: 1, failed: 1 });

    const human = await alliance(['rate', '--study', dir, '--rater', 'gpt', '--status']);
    expect(human.stdout).toMatch(/queued\s+active\s+done\s+failed/);
    expect(human.stdout).toMatch(/0\s+0\s+1\s+1/);

    const name = JSON.parse(readFileSync(join(dir, 'study.json'), 'utf8')).name as string;
    const boss = new PgBoss({
      connectionString: postgresUrl!,
      schema: queueSchema(name),
      supervise: false,
      schedule: false,
    });
    await boss.start();
    try {
      const [dead] = await boss.fetch<{ sessionId: string }>(queueNames('gpt').deadLetter, { includeMetadata: true });
      expect(dead?.data.sessionId).toBe('C01/1');
      const reason = JSON.stringify(dead?.output);
      expect(reason).toContain('400');
      expect(reason).not.toContain('refuses this request');
    } finally {
      await boss.stop({ graceful: false });
    }
  }, 180_000);

  it('refuses to enqueue without a queue database, naming what to give', async () => {
    const dir = await queueStudy(1, 1);
    const r = await allianceProcess(['rate', '--study', dir, '--rater', 'gpt', '--enqueue'], queueEnv());
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'the queue needs the study on PostgreSQL (alliance init --store postgres://…) or --queue-url',
    );
    const pw = await allianceProcess(
      ['rate', '--study', dir, '--rater', 'gpt', '--status', '--queue-url', 'postgres://u:secret@127.0.0.1/x'],
      queueEnv(),
    );
    expect(pw.code).toBe(2);
    expect(pw.stderr).toContain('PGPASSWORD');
    expect(pw.stderr).not.toContain('secret');
  }, 60_000);
});

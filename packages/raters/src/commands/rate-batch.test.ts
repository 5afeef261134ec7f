import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { listRatingBatches, listRatings, openStudy } from '@alliance-lab/core';
import { runCli } from '../testing/run-cli';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixtureStudy, validAnswer } from '../testing/study-fixture';
import { useLoopbackServer } from '../testing/use-loopback-server';
import { storeKinds, useStore } from '../../../../test/support/stores';

const BIN = fileURLToPath(new URL('../../../cli/bin/alliance.js', import.meta.url));
const server = useLoopbackServer((s) => s.setHandler(() => ({ kind: 'answer', output: validAnswer() })));

// The command reads the polling interval from the environment; in this process as in the child ones.
const POLL = { ALLIANCE_BATCH_POLL_MS: '10' };
beforeAll(() => void Object.assign(process.env, POLL));
afterAll(() => void delete process.env.ALLIANCE_BATCH_POLL_MS);

async function studyDir() {
  const { dir, study } = await createFixtureStudy({
    raters: {
      gpt: { provider: 'openai', model: 'gpt-test', baseUrl: server.openaiBaseUrl },
      claude: { provider: 'anthropic', model: 'claude-test', baseUrl: server.anthropicBaseUrl },
    },
  });
  await study.close();
  return dir;
}

describe.each(storeKinds)('alliance rate --batch (CLI) on %s', (kind) => {
  useStore(kind);
  it('exits 0 with the summary, progress of the polling on stderr', async () => {
    const dir = await studyDir();
    server.batches.script({ pollsInProgress: 2 });
    const r = await runCli(['rate', '--study', dir, '--rater', 'claude', '--batch', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ rated: 4, failed: 0, cached: 0 });
    expect(r.stderr).toMatch(/sent batch msgbatch_loopback_\d+ with 4 requests/);
    expect(r.stderr).toMatch(/batch msgbatch_loopback_\d+: in_progress, 0 of 4 requests done/);
    expect(r.stderr).toMatch(/batch msgbatch_loopback_\d+: ended, 4 of 4 requests done/);
  });

  it('exits 1 when some lines errored, and when the batch expired', async () => {
    const dir = await studyDir();
    server.setHandler((q) =>
      /C02 session 2/.test(q.raw) ? { kind: 'status', status: 500 } : { kind: 'answer', output: validAnswer() },
    );
    const partial = await runCli(['rate', '--study', dir, '--rater', 'gpt', '--batch', '--json']);
    expect(partial.code).toBe(1);
    expect(JSON.parse(partial.stdout)).toMatchObject({ rated: 3, failed: 1 });
    expect(partial.stderr).toMatch(
      /1 rating not answered \(openai-compatible server, in the batch, answered 500 api_error/,
    );

    server.setHandler(() => ({ kind: 'answer', output: validAnswer() }));
    server.batches.script({ outcome: 'expired', finishedLines: 0 });
    const expired = await runCli(['rate', '--study', dir, '--rater', 'claude', '--batch', '--json']);
    expect(expired.code).toBe(1);
    expect(JSON.parse(expired.stdout)).toMatchObject({ rated: 0, failed: 4 });
    expect(expired.stderr).toMatch(/4 ratings not answered \(batch expired\); the next run sends them again/);
  });

  it('refuses a polling interval that is not a number (exit 2)', async () => {
    const dir = await studyDir();
    process.env.ALLIANCE_BATCH_POLL_MS = 'soon';
    try {
      const r = await runCli(['rate', '--study', dir, '--rater', 'gpt', '--batch']);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/ALLIANCE_BATCH_POLL_MS must be a whole number/);
    } finally {
      Object.assign(process.env, POLL);
    }
  });

  it('resumes after the process is killed while it polls: the second run ingests the same batch', async () => {
    const dir = await studyDir();
    server.batches.script({ hold: true });
    const child = spawn(process.execPath, [BIN, 'rate', '--study', dir, '--rater', 'gpt', '--batch', '--json'], {
      stdio: 'ignore',
      env: { ...process.env, ...POLL },
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, sig) => resolve(sig)));
    // A poll means the batch was accepted and its id stored (the run stores it before it polls).
    const deadline = Date.now() + 60_000;
    while (!server.batches.calls.some((c) => c.startsWith('GET /v1/batches/')) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    expect(server.batches.created).toBe(1);
    const watcher = await openStudy(dir);
    const [sent] = await listRatingBatches(watcher.db);
    expect(sent).toMatchObject({ status: 'submitted', providerBatchId: expect.stringMatching(/^batch_loopback_/) });
    expect(await listRatings(watcher.db, { rater: 'gpt' })).toEqual([]);
    await watcher.close();

    server.batches.release();
    const second = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const c = spawn(process.execPath, [BIN, 'rate', '--study', dir, '--rater', 'gpt', '--batch', '--json'], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, ...POLL },
      });
      let stdout = '';
      let stderr = '';
      c.stdout.on('data', (d) => (stdout += d));
      c.stderr.on('data', (d) => (stderr += d));
      c.once('close', (code) => resolve({ code, stdout, stderr }));
    });
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ rated: 4, failed: 0, cached: 0 });
    expect(server.batches.created).toBe(1);
    expect(server.batches.calls.filter((c) => c === 'POST /v1/files')).toHaveLength(1);
    const after = await openStudy(dir);
    try {
      expect((await listRatings(after.db, { rater: 'gpt' })).map((r) => r.status)).toEqual(['ok', 'ok', 'ok', 'ok']);
      expect((await listRatingBatches(after.db, { all: true })).map((b) => b.status)).toEqual(['ingested']);
    } finally {
      await after.close();
    }
  }, 120_000);

  it.each([
    ['gpt', 'POST /v1/batches', /^batch_loopback_/],
    ['claude', 'POST /v1/messages/batches', /^msgbatch_loopback_/],
  ])(
    'a run killed after %s accepted the batch, before it stored the id: the next run finds it, sends nothing',
    async (rater, create, id) => {
      const dir = await studyDir();
      server.batches.script({ stallCreate: true });
      const child = spawn(process.execPath, [BIN, 'rate', '--study', dir, '--rater', rater, '--batch', '--json'], {
        stdio: 'ignore',
        env: { ...process.env, ...POLL },
      });
      const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, sig) => resolve(sig)));
      const deadline = Date.now() + 60_000;
      while (!server.batches.calls.includes(create) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      child.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');
      expect(server.batches.created).toBe(1);
      const watcher = await openStudy(dir);
      expect(await listRatingBatches(watcher.db)).toMatchObject([{ status: 'submitting', providerBatchId: null }]);
      await watcher.close();

      server.batches.script({});
      const second = await runCli(['rate', '--study', dir, '--rater', rater, '--batch', '--json']);
      expect(second.code).toBe(0);
      expect(JSON.parse(second.stdout)).toMatchObject({ rated: 4, failed: 0 });
      expect(second.stderr).toMatch(/found batch \S+, sent by a run stopped before it recorded it/);
      expect(server.batches.created).toBe(1);
      const after = await openStudy(dir);
      try {
        const batches = await listRatingBatches(after.db, { all: true });
        expect(batches).toMatchObject([{ status: 'ingested', providerBatchId: expect.stringMatching(id) }]);
        expect(await listRatings(after.db, { rater })).toHaveLength(4);
      } finally {
        await after.close();
      }
    },
    120_000,
  );
});

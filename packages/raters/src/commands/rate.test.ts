import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { openStudy } from '@alliance-lab/core';
import { runCli } from '../testing/run-cli';
import { describe, expect, it } from 'vitest';
import { useLoopbackServer } from '../testing/use-loopback-server';
import { createFixtureStudy, validAnswer } from '../testing/study-fixture';
import { storeKinds, useStore } from '../../../../test/support/stores';

const BIN = fileURLToPath(new URL('../../../cli/bin/alliance.js', import.meta.url));

const server = useLoopbackServer((s) =>
  s.setHandler(() => ({ kind: 'answer', output: validAnswer(), usage: { input: 800, output: 150, cached: 0 } })),
);

async function studyDir(sessions = 2) {
  const { dir, study } = await createFixtureStudy({
    clients: 2,
    sessionsPerClient: sessions,
    raters: {
      gpt: {
        provider: 'openai',
        model: 'gpt-test',
        baseUrl: server.openaiBaseUrl,
        price: { inputPerMillion: 1, outputPerMillion: 4, cachedInputPerMillion: 0 },
      },
      lexicon: { provider: 'lexicon' },
    },
  });
  await study.close();
  return dir;
}

describe.each(storeKinds)('alliance rate (CLI) on %s', (kind) => {
  useStore(kind);
  it('--json prints exactly the summary object, and nothing on stderr off a terminal', async () => {
    const dir = await studyDir();
    const first = await runCli(['rate', '--study', dir, '--rater', 'gpt', '--json']);
    expect(first.code).toBe(0);
    expect(first.stdout.trim().split('\n')).toHaveLength(1);
    const summary = JSON.parse(first.stdout);
    expect(Object.keys(summary)).toEqual([
      'rated',
      'failed',
      'cached',
      'inputTokens',
      'outputTokens',
      'cachedTokens',
      'costUsd',
    ]);
    expect(summary).toEqual({
      rated: 4,
      failed: 0,
      cached: 0,
      inputTokens: 3200,
      outputTokens: 600,
      cachedTokens: 0,
      costUsd: expect.closeTo((3200 + 600 * 4) / 1e6, 12),
    });
    expect(first.stderr).toBe('');
    const again = await runCli(['rate', '--study', dir, '--rater', 'gpt', '--json']);
    expect(JSON.parse(again.stdout)).toEqual({
      rated: 0,
      failed: 0,
      cached: 4,
      inputTokens: 0,
      outputTokens: 0,
      cachedTokens: 0,
      costUsd: 0,
    });
    const lexicon = await runCli(['rate', '--study', dir, '--rater', 'lexicon', '--json']);
    expect(JSON.parse(lexicon.stdout)).toMatchObject({ rated: 4, failed: 0 });
  });

  it('draws a progress bar with failed, cached, tokens and cost on a terminal', async () => {
    const dir = await studyDir();
    const { code, stderr, stdout } = await runCli(['rate', '--study', dir, '--rater', 'gpt'], true);
    expect(code).toBe(0);
    expect(stderr).toMatch(/rating with gpt \[#+\] 100% 4\/4 ratings/);
    expect(stderr).toMatch(/failed 0 {2}cached 0 {2}tokens 3800 {2}cost \$0\.0056/);
    expect(stdout).toMatch(/gpt: 4 rated, 0 failed, 0 from the cache \(of 4\)/);
  });

  it('exits 2 on usage errors and 1 on bad input', async () => {
    const dir = await studyDir();
    const unknown = await runCli(['rate', '--study', dir, '--rater', 'nope', '--json']);
    expect(unknown.code).toBe(2);
    expect(JSON.parse(unknown.stdout).error.message).toMatch(
      /no rater "nope" in study\.json; it defines "gpt", "lexicon"/,
    );
    expect((await runCli(['rate', '--study', dir, '--rater', 'gpt', '--replicates', '0'])).code).toBe(2);
    expect((await runCli(['rate', '--study', dir, '--rater', 'gpt', '--concurrency', 'many'])).code).toBe(2);
    const missing = await runCli(['rate', '--study', dir, '--rater', 'gpt', '--sessions', 'C77/1', '--json']);
    expect(missing.code).toBe(1);
    expect(server.requests).toHaveLength(0);
  });

  it('resumes after the process is killed: nothing rated is lost, nothing is rated twice', async () => {
    const dir = await studyDir(6);
    server.setHandler(() => ({ kind: 'delay', ms: 80, then: { kind: 'answer', output: validAnswer() } }));
    const child = spawn(
      process.execPath,
      [BIN, 'rate', '--study', dir, '--rater', 'gpt', '--concurrency', '2', '--json'],
      { stdio: 'ignore' },
    );
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, sig) => resolve(sig)));
    const watcher = await openStudy(dir);
    const count = async () =>
      Number(
        (
          await watcher.db
            .selectFrom('ratings')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const deadline = Date.now() + 20_000;
    while ((await count()) < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const kept = await watcher.db
      .selectFrom('ratings')
      .select(['id', 'created_at', 'cache_key'])
      .orderBy('id')
      .execute();
    await watcher.close();
    expect(kept.length).toBeGreaterThanOrEqual(3);
    expect(kept.length).toBeLessThan(12);

    server.setHandler(() => ({ kind: 'answer', output: validAnswer() }));
    const before = server.requests.length;
    const rerun = await runCli(['rate', '--study', dir, '--rater', 'gpt', '--json']);
    expect(JSON.parse(rerun.stdout)).toMatchObject({ rated: 12 - kept.length, cached: kept.length, failed: 0 });
    expect(server.requests.length - before).toBe(12 - kept.length);
    const s = await openStudy(dir);
    const all = await s.db
      .selectFrom('ratings')
      .select(['id', 'transcript_id', 'created_at', 'cache_key'])
      .orderBy('id')
      .execute();
    const audits = await s.db.selectFrom('audit').select('entity_id').where('entity', '=', 'rating').execute();
    await s.close();
    expect(all).toHaveLength(12);
    expect(new Set(all.map((r) => r.transcript_id)).size).toBe(12);
    for (const k of kept) expect(all.find((r) => r.id === k.id)).toMatchObject(k);
    // One audit row per stored rating: a killed transaction left neither a rating nor its audit row behind.
    expect(audits).toHaveLength(12);
  });

  it('stops cleanly on SIGINT, printing the summary of what was done', async () => {
    const dir = await studyDir(6);
    server.setHandler(() => ({ kind: 'delay', ms: 80, then: { kind: 'answer', output: validAnswer() } }));
    const child = spawn(
      process.execPath,
      [BIN, 'rate', '--study', dir, '--rater', 'gpt', '--concurrency', '2', '--json'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const deadline = Date.now() + 20_000;
    while (server.count < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const seen = server.count;
    while (server.count < seen + 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    const summary = JSON.parse(stdout);
    expect(summary.rated).toBeGreaterThan(0);
    expect(summary.rated).toBeLessThan(12);
    expect(stderr).toMatch(/interrupted: what was rated is stored; run the same command again/);
    const s = await openStudy(dir);
    const n = (await s.db.selectFrom('ratings').selectAll().execute()).length;
    await s.close();
    expect(n).toBe(summary.rated);
  });
});

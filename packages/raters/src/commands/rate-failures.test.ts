import { createServer } from 'node:net';
import type { Study } from '@alliance-lab/core';
import { runCli } from '../testing/run-cli';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultServices } from '../run/default-services';
import { rateStudy } from '../run/rate-run';
import { createFixtureStudy, validAnswer } from '../testing/study-fixture';
import { useLoopbackServer } from '../testing/use-loopback-server';

const server = useLoopbackServer((s) => s.setHandler(() => ({ kind: 'answer', output: validAnswer() })));
const open: Study[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

/** A sentence of the fixture transcripts (u2), shorter than any overlap check could catch. */
const UTTERANCE = 'It was hard.';

async function studyDir() {
  const { dir, study } = await createFixtureStudy({
    raters: {
      gpt: { provider: 'openai', model: 'gpt-test', baseUrl: server.openaiBaseUrl },
      claude: { provider: 'anthropic', model: 'claude-test', baseUrl: server.anthropicBaseUrl },
      priced: {
        provider: 'openai',
        model: 'gpt-test',
        baseUrl: server.openaiBaseUrl,
        price: { inputPerMillion: 1000, outputPerMillion: 1000 },
      },
    },
  });
  await study.close();
  return dir;
}

/** A port nothing listens on: bound once by the OS, then released. */
async function unusedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((ok) => s.listen(0, '127.0.0.1', ok));
  const port = (s.address() as { port: number }).port;
  await new Promise((ok) => s.close(ok));
  return port;
}

describe('alliance rate: exit codes', () => {
  it('exits 0 when every rating is rated or cached', async () => {
    const dir = await studyDir();
    expect((await runCli(['rate', '--study', dir, '--rater', 'gpt', '--json'])).code).toBe(0);
    const again = await runCli(['rate', '--study', dir, '--rater', 'gpt', '--json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ rated: 0, cached: 4, failed: 0 });
  });

  it('exits 1 with the summary when the server refuses the key (401)', async () => {
    const dir = await studyDir();
    server.setHandler(() => ({ kind: 'status', status: 401 }));
    const r = await runCli(['rate', '--study', dir, '--rater', 'gpt', '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ rated: 0, failed: 4, cached: 0 });
  });

  it('exits 1 when the server keeps answering 500, and when some ratings fail', async () => {
    const dir = await studyDir();
    server.setHandler(() => ({ kind: 'status', status: 500, headers: { 'retry-after': '0' } }));
    const r = await runCli(['rate', '--study', dir, '--rater', 'claude', '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ rated: 0, failed: 4 });

    let n = 0;
    server.setHandler(() => (++n === 1 ? { kind: 'status', status: 400 } : { kind: 'answer', output: validAnswer() }));
    const partial = await runCli(['rate', '--study', dir, '--rater', 'gpt', '--json', '--concurrency', '1']);
    expect(partial.code).toBe(1);
    expect(JSON.parse(partial.stdout)).toMatchObject({ rated: 3, failed: 1 });
    // The next run rates what failed, and exits 0.
    expect((await runCli(['rate', '--study', dir, '--rater', 'gpt', '--json'])).code).toBe(0);
  });

  it('exits 1 when the budget stops the run before every rating is requested', async () => {
    const dir = await studyDir();
    const r = await runCli(['rate', '--study', dir, '--rater', 'priced', '--budget', '0.000001', '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ rated: 0, failed: 0, cached: 0 });
    expect(server.requests).toHaveLength(0);
  });

  it('names the base URL of a server that is not there, never the key', async () => {
    const port = await unusedPort();
    const { study } = await createFixtureStudy({
      raters: { gpt: { provider: 'openai', model: 'gpt-test', baseUrl: `http://127.0.0.1:${port}/v1` } },
    });
    open.push(study);
    const logs: string[] = [];
    const res = await rateStudy(study, {
      rater: 'gpt',
      services: defaultServices(study),
      env: { OPENAI_API_KEY: 'sk-secret-test-key' },
      retry: { baseDelayMs: 1, maxDelayMs: 2, maxAttempts: 2 },
      log: (m) => logs.push(m),
    });
    expect(res.summary).toMatchObject({ rated: 0, failed: 4 });
    const text = logs.join('\n');
    expect(text).toContain(`could not connect to http://127.0.0.1:${port}/v1 (ECONNREFUSED)`);
    expect(text).not.toContain('sk-secret');
  });
});

describe('alliance rate: provider error bodies never reach a message', () => {
  it('keeps a short quoted utterance out of stderr and the JSON output, for both providers', async () => {
    const dir = await studyDir();
    for (const rater of ['gpt', 'claude']) {
      server.setHandler(() => ({
        kind: 'status',
        status: 400,
        message: `cannot process: ${UTTERANCE}`,
        headers: { 'x-request-id': 'req_abc123', 'request-id': 'req_abc123' },
      }));
      const text = await runCli(['rate', '--study', dir, '--rater', rater]);
      expect(text.code).toBe(1);
      expect(text.stderr).toMatch(/answered 400 invalid_request_error, request req_abc123/);
      const json = await runCli(['rate', '--study', dir, '--rater', rater, '--json']);
      for (const out of [text.stdout, text.stderr, json.stdout, json.stderr]) {
        expect(out).not.toContain(UTTERANCE);
        expect(out).not.toContain('cannot process');
      }
    }
  });
});

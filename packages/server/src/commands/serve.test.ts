import { spawn } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { runCommands } from '@alliance-lab/core/cli';
import { commands as coreCommands } from '@alliance-lab/core/commands';
import { describe, expect, it } from 'vitest';
import { createTestStudy, TRANSCRIPT_MARKER } from '../testing/test-study';
import { commands } from './index';

const BIN = fileURLToPath(new URL('../../../cli/bin/alliance.js', import.meta.url));

async function studyDir(): Promise<string> {
  const study = await createTestStudy();
  await study.close();
  return study.dir;
}

async function cli(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCommands([...coreCommands, ...commands], argv, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s), isTTY: false },
  });
  return { code, stdout, stderr };
}

describe('alliance serve', () => {
  it('serves the study on a loopback port, prints the URL on stderr, and stops cleanly on SIGINT', async () => {
    const dir = await studyDir();
    const child = spawn(process.execPath, [BIN, 'serve', '--study', dir, '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 20_000;
      while (!/http:\/\/\S+\//.test(stderr) && child.exitCode === null && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      const url = stderr.match(/http:\/\/\S+\//)?.[0];
      expect(url, stderr).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      expect(stderr).toContain('serving "Server test study" at');

      const res = await fetch(`${url}api/status`);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ clients: 3, sessions: 16, ratings: 30 });
      expect((await fetch(`${url}clients/C01`)).status).toBe(200);
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
    expect(stdout).toMatch(/^stopped serving http:\/\/127\.0\.0\.1:\d+\/\n$/);
    expect(stderr).not.toContain(TRANSCRIPT_MARKER);
  });

  it('refuses a port in use and a port out of range as usage errors', async () => {
    const dir = await studyDir();
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const port = (taken.address() as AddressInfo).port;
      const busy = await cli(['serve', '--study', dir, '--port', String(port)]);
      expect(busy.code).toBe(2);
      expect(busy.stderr).toBe(
        `error: port ${port} on 127.0.0.1 is in use; choose another with --port (0 picks a free one)\n`,
      );
    } finally {
      taken.close();
    }
    const badBase = await cli(['serve', '--study', dir, '--port', '0', '--base-url', 'survey.example.org']);
    expect(badBase.code).toBe(2);
    expect(badBase.stderr).toContain('--base-url must be an http(s) origin');
    const bad = await cli(['serve', '--study', dir, '--port', '70000']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--port must be an integer >= 0 <= 65535, got "70000"');
  });
});

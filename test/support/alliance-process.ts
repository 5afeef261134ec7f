import { spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The `alliance` bin the process tests start; the one place to change when the bin moves. */
export const ALLIANCE_BIN = resolve(repoRoot, 'packages/cli/bin/alliance.js');

export interface ProcessRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `alliance …` as its own process (a real second writer, not a second call in this one). */
export function allianceProcess(args: readonly string[], env: Record<string, string> = {}): Promise<ProcessRun> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [ALLIANCE_BIN, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.once('error', fail);
    child.once('close', (code, signal) => done({ code, signal, stdout, stderr }));
  });
}

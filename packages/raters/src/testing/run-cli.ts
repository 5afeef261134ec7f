import { runCommands } from '@alliance-lab/core/cli';
import { commands as coreCommands } from '@alliance-lab/core/commands';
import { commands as raterCommands } from '../commands/index';

/**
 * Runs `alliance ARGV` in this process with core's and the raters' commands, capturing stdout and stderr. `tty`
 * makes stderr a wide terminal (200 columns, so a progress line is not cut at the default 100).
 */
export async function runCli(argv: string[], tty = false): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCommands([...coreCommands, ...raterCommands], argv, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s), isTTY: tty, columns: 200 },
  });
  return { code, stdout, stderr };
}

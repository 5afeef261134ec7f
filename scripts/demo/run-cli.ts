import { main } from '@alliance-lab/cli';

export interface CliRun {
  data: Record<string, unknown>;
  /** What the command wrote on stderr (progress is off because stderr is not a terminal here). */
  messages: string;
}

/**
 * Runs one `alliance` command in-process, exactly as a user would type it plus --json, and returns its one JSON
 * object. The demo goes through the CLI rather than library calls so it exercises the contract users script
 * against.
 */
export async function alliance(args: readonly string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main([...args, '--json'], {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s), isTTY: false },
  });
  if (code !== 0) throw new Error(`alliance ${args.join(' ')} exited ${code}\n${stderr.trim()}`);
  return { data: JSON.parse(stdout) as Record<string, unknown>, messages: stderr };
}

import type { z } from 'zod';
import type { Progress, ProgressOptions } from './progress';

export interface CommandResult {
  /** The one JSON object printed with --json. */
  data: Record<string, unknown>;
  /** Human-readable output; defaults to the data as indented JSON. */
  text?: string;
  /** 0 unless the command completed but found bad input (e.g. scoring rows with errors). */
  exitCode?: 0 | 1;
}

export interface CommandContext {
  positionals: string[];
  json: boolean;
  quiet: boolean;
  /** Messages for the user, on stderr (never stdout, which belongs to --json). */
  log(message: string): void;
  warn(message: string): void;
  progress(opts: ProgressOptions): Progress;
  /** Aborted on SIGINT, so long runs can stop cleanly and keep what is done. */
  signal: AbortSignal;
}

export interface Command<O extends z.ZodObject = z.ZodObject> {
  /** Words after `alliance`, e.g. ['import', 'transcripts']. */
  path: string[];
  summary: string;
  description?: string;
  /** Every option of the command, built with the helpers in ./options; help and parsing are read off it. */
  options: O;
  /** Positional arguments: their name in help and how many are allowed. */
  positionals?: { name: string; min?: number; max?: number };
  examples?: string[];
  /**
   * Method syntax on purpose: a list of commands with different options is a Command[]. Heavy modules (the
   * store, providers, the server) are imported inside run, so listing the commands stays cheap.
   */
  run(ctx: CommandContext, options: z.output<O>): Promise<CommandResult>;
}

/** Identity helper that gives command literals their type, the options' output type included. */
export function defineCommand<O extends z.ZodObject>(c: Command<O>): Command<O> {
  return c;
}

import type { Progress, ProgressOptions } from './progress';

export interface OptionSpec {
  type: 'string' | 'boolean';
  description: string;
  /** Shown in help as the value's name, e.g. DIR. */
  placeholder?: string;
  short?: string;
  /** May be given several times; values arrive as an array. */
  multiple?: boolean;
  required?: boolean;
  default?: string | boolean;
}

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
  /** A string option, or undefined. */
  str(name: string): string | undefined;
  /** A string option that must be present (usage error otherwise). */
  need(name: string): string;
  /** A repeatable string option; comma-separated values are split too. */
  list(name: string): string[];
  bool(name: string): boolean;
  /** A numeric option, validated; usage error when not a number in range. */
  num(name: string, fallback?: number, range?: { min?: number; max?: number; integer?: boolean }): number | undefined;
  /** Messages for the user, on stderr (never stdout, which belongs to --json). */
  log(message: string): void;
  warn(message: string): void;
  progress(opts: ProgressOptions): Progress;
  /** Aborted on SIGINT, so long runs can stop cleanly and keep what is done. */
  signal: AbortSignal;
}

export interface Command {
  /** Words after `alliance`, e.g. ['import', 'transcripts']. */
  path: string[];
  summary: string;
  usage: string;
  description?: string;
  options: Record<string, OptionSpec>;
  /** Positional arguments: their name in help and how many are allowed. */
  positionals?: { name: string; min?: number; max?: number };
  examples?: string[];
  run(ctx: CommandContext): Promise<CommandResult>;
}

/** Identity helper that gives command literals their type. */
export function defineCommand(c: Command): Command {
  return c;
}

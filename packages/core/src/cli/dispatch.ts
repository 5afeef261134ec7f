import { editDistance } from '../util/suggest';
import { parseArgs } from 'node:util';
import { InputError, UsageError } from '../util/errors';
import type { Command, CommandContext } from './command';
import { optionInfos, type OptionInfo } from './options';
import { createProgress } from './progress';

const GLOBAL_OPTIONS: OptionInfo[] = [
  {
    name: 'json',
    type: 'boolean',
    multiple: false,
    required: false,
    description: 'print exactly one JSON object on stdout',
  },
  {
    name: 'quiet',
    type: 'boolean',
    multiple: false,
    required: false,
    description: 'no progress or messages on stderr',
  },
  { name: 'help', type: 'boolean', multiple: false, required: false, short: 'h', description: 'show help' },
];

export interface MainIo {
  stdout: { write(s: string): unknown };
  stderr: NodeJS.WriteStream | { write(s: string): unknown; isTTY?: boolean; columns?: number };
}

/**
 * Runs one command line against a list of commands: finds the command by its words, parses its options through
 * its schema, and maps errors to exit codes (2 usage, 1 bad input or internal). The list is the caller's: the
 * cli package composes every package's commands; a package's tests pass their own.
 */
export async function runCommands(
  commands: readonly Command[],
  argv: string[],
  io: MainIo = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  const json = argv.includes('--json');
  const wantsHelp = argv.includes('--help') || argv.includes('-h');
  const words = leadingWords(argv);
  const command = findCommand(commands, words);

  if (!command) {
    const topic = words[0] === 'help' ? words.slice(1) : words;
    const group = commands.filter((c) => topic.every((w, i) => c.path[i] === w));
    if (wantsHelp || words[0] === 'help') {
      io.stdout.write(`${topLevelHelp(group.length ? group : commands)}\n`);
      return 0;
    }
    if (words.length === 0) {
      io.stderr.write(`${topLevelHelp(commands)}\n`);
      return 2;
    }
    if (group.length) {
      const list = group.map((c) => c.path.join(' ')).join(', ');
      return fail(io, json, new UsageError(`"${words.join(' ')}" needs a subcommand: ${list}`));
    }
    return fail(io, json, unknownCommand(commands, words));
  }

  const rest = argv.slice(command.path.length);
  if (wantsHelp) {
    io.stdout.write(`${commandHelp(command)}\n`);
    return 0;
  }

  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  try {
    const { ctx, options } = buildContext(command, rest, io, controller.signal);
    const result = await command.run(ctx, options);
    if (ctx.json) io.stdout.write(`${JSON.stringify(result.data)}\n`);
    else io.stdout.write(`${result.text ?? JSON.stringify(result.data, null, 2)}\n`);
    return result.exitCode ?? 0;
  } catch (err) {
    return fail(io, json, err);
  } finally {
    process.off('SIGINT', onSigint);
  }
}

/** The command words: everything before the first option, so option values never read as words. */
function leadingWords(argv: string[]): string[] {
  const i = argv.findIndex((a) => a.startsWith('-'));
  return i < 0 ? argv : argv.slice(0, i);
}

function findCommand(commands: readonly Command[], words: string[]): Command | undefined {
  let best: Command | undefined;
  for (const c of commands) {
    if (c.path.every((w, i) => words[i] === w) && (!best || c.path.length > best.path.length)) best = c;
  }
  return best;
}

/** Names the first word no command has, with the nearest command (by edit distance) as a suggestion. */
function unknownCommand(commands: readonly Command[], words: string[]): UsageError {
  let known = 0;
  while (known < words.length && commands.some((c) => words.slice(0, known + 1).every((w, i) => c.path[i] === w)))
    known++;
  const typed = words.slice(0, Math.max(known + 1, 1));
  const typedText = typed.join(' ');
  // Nearest by edit distance; on a tie, a whole command beats a group that needs another word.
  let nearest: { path: string; d: number; whole: boolean } | undefined;
  for (const c of commands) {
    const path = c.path.join(' ');
    const d = editDistance(typedText, c.path.slice(0, typed.length).join(' '));
    const whole = c.path.length <= typed.length;
    if (!nearest || d < nearest.d || (d === nearest.d && whole && !nearest.whole)) nearest = { path, d, whole };
  }
  const hint =
    nearest && nearest.d <= Math.max(2, Math.floor(typedText.length / 3)) ? `; did you mean "${nearest.path}"?` : '';
  return new UsageError(`unknown command "${typedText}"${hint} (run \`alliance --help\` for the list)`);
}

function buildContext(
  command: Command,
  args: string[],
  io: MainIo,
  signal: AbortSignal,
): { ctx: CommandContext; options: Record<string, unknown> } {
  const infos = optionInfos(command.options);
  const usage = `usage: ${commandUsage(command)}`;
  const parserOptions: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {};
  for (const o of [...infos, ...GLOBAL_OPTIONS])
    parserOptions[o.name] = {
      type: o.type,
      ...(o.short ? { short: o.short } : {}),
      ...(o.multiple ? { multiple: true } : {}),
    };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args, options: parserOptions, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(`${(err as Error).message.replace(/\. To specify.*$/s, '')}\n${usage}`);
  }
  const values = parsed.values as Record<string, unknown>;
  const raw: Record<string, unknown> = {};
  for (const o of infos) if (values[o.name] !== undefined) raw[o.name] = values[o.name];
  const result = command.options.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const name = String(issue.path[0] ?? '');
    const given = raw[name];
    const message = given === undefined ? `--${name} is required` : `--${name} ${issue.message}`;
    throw new UsageError(`${message}\n${usage}`);
  }
  const pos = command.positionals;
  const n = parsed.positionals.length;
  if (!pos && n > 0) throw new UsageError(`unexpected argument "${parsed.positionals[0]}"\n${usage}`);
  if (pos && pos.min !== undefined && n < pos.min) throw new UsageError(`expected ${pos.name}\n${usage}`);
  if (pos && pos.max !== undefined && n > pos.max) throw new UsageError(`too many arguments\n${usage}`);

  const quiet = values.quiet === true;
  const ctx: CommandContext = {
    positionals: parsed.positionals,
    json: values.json === true,
    quiet,
    log: (m) => {
      if (!quiet) io.stderr.write(`${m}\n`);
    },
    warn: (m) => io.stderr.write(`warning: ${m}\n`),
    progress: (o) =>
      createProgress({
        ...o,
        stream: io.stderr as NodeJS.WriteStream,
        enabled: !quiet && Boolean((io.stderr as NodeJS.WriteStream).isTTY),
      }),
    signal,
  };
  return { ctx, options: result.data as Record<string, unknown> };
}

function fail(io: MainIo, json: boolean, err: unknown): number {
  const usage = err instanceof UsageError;
  const input = err instanceof InputError;
  // Told apart by name: the store module (and its database driver) is not loaded for a command that fails early.
  const busy = err instanceof Error && err.name === 'StudyBusyError';
  const code = usage ? 2 : 1;
  const message = err instanceof Error ? err.message : String(err);
  if (json) {
    const location = input ? (err as InputError).location : undefined;
    io.stdout.write(
      `${JSON.stringify({ error: { kind: usage ? 'usage' : input ? 'input' : busy ? 'busy' : 'internal', message, ...(location ?? {}) } })}\n`,
    );
  }
  io.stderr.write(`error: ${message}\n`);
  if (!usage && !input && !busy && process.env.ALLIANCE_DEBUG && err instanceof Error && err.stack)
    io.stderr.write(`${err.stack}\n`);
  return code;
}

export function topLevelHelp(commands: readonly Command[]): string {
  const w = Math.max(...commands.map((c) => c.path.join(' ').length));
  const lines = [
    'alliance: measure the therapeutic alliance with instruments, transcript raters and reliability/validity statistics.',
    '',
    'usage: alliance <command> [options]   (add --help to any command for its options)',
    '',
    'commands:',
    ...commands.map((c) => `  ${c.path.join(' ').padEnd(w)}  ${c.summary}`),
    '',
    'global options: --json (one JSON object on stdout), --quiet, --help',
    'exit codes: 0 success, 1 bad input, 2 usage error',
  ];
  return lines.join('\n');
}

/** The usage line, read off the options: required ones bare, the rest in brackets, then the positionals. */
export function commandUsage(c: Command): string {
  const parts = optionInfos(c.options).map((o) => {
    const flag = `--${o.name}${o.type === 'string' ? ` ${o.placeholder ?? 'VALUE'}` : ''}`;
    return o.required ? flag : `[${flag}]`;
  });
  return ['alliance', ...c.path, ...parts, '[--json]', ...(c.positionals ? [c.positionals.name] : [])].join(' ');
}

export function commandHelp(c: Command): string {
  const opts = optionInfos(c.options).map((o) => {
    const flag = `--${o.name}${o.type === 'string' ? ` ${o.placeholder ?? 'VALUE'}` : ''}${o.short ? `, -${o.short}` : ''}`;
    const shownDefault =
      o.default !== undefined && o.type === 'string' && !Array.isArray(o.default) ? `default ${String(o.default)}` : '';
    const extra = [o.required ? 'required' : '', o.multiple ? 'repeatable' : '', shownDefault]
      .filter(Boolean)
      .join(', ');
    return [flag, o.description + (extra ? ` (${extra})` : '')] as const;
  });
  const w = Math.max(10, ...opts.map(([f]) => f.length));
  return [
    `usage: ${commandUsage(c)}`,
    '',
    c.summary,
    ...(c.description ? ['', c.description] : []),
    '',
    'options:',
    ...opts.map(([f, d]) => `  ${f.padEnd(w)}  ${d}`),
    `  ${'--json'.padEnd(w)}  print exactly one JSON object on stdout`,
    ...(c.examples?.length ? ['', 'examples:', ...c.examples.map((e) => `  ${e}`)] : []),
  ].join('\n');
}

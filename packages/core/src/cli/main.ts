import { parseArgs } from 'node:util';
import { splitOutsideQuotes } from '../util/csv';
import { InputError, UsageError } from '../util/errors';
import { StudyBusyError } from '../store/write-lock';
import type { Command, CommandContext, OptionSpec } from './command';
import { coreCommands } from './commands';
import { createProgress } from './progress';

/** Packages above core in the dependency order contribute commands; they are optional at run time. */
const PLUGIN_MODULES = ['@alliance-lab/raters/commands', '@alliance-lab/server/commands'];

const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  json: { type: 'boolean', description: 'print exactly one JSON object on stdout' },
  quiet: { type: 'boolean', description: 'no progress or messages on stderr' },
  help: { type: 'boolean', short: 'h', description: 'show help' },
};

export interface MainIo {
  stdout: { write(s: string): unknown };
  stderr: NodeJS.WriteStream | { write(s: string): unknown; isTTY?: boolean };
}

export async function loadCommands(): Promise<Command[]> {
  const all = [...coreCommands];
  for (const mod of PLUGIN_MODULES) {
    try {
      const m = (await import(mod)) as { commands?: Command[] };
      all.push(...(m.commands ?? []));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // A package not installed is fine; a broken one that is installed must not fail silently.
      const missing =
        (code === 'ERR_MODULE_NOT_FOUND' &&
          String((err as Error).message).includes(mod.split('/').slice(0, 2).join('/'))) ||
        code === 'ERR_PACKAGE_PATH_NOT_EXPORTED';
      if (!missing) throw err;
    }
  }
  return all;
}

export async function main(
  argv: string[],
  io: MainIo = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  const commands = await loadCommands();
  const json = argv.includes('--json');
  const words = argv.filter((a) => !a.startsWith('-'));
  const command = findCommand(commands, argv);

  if (!command) {
    if (argv.length === 0 || argv.includes('--help') || argv.includes('-h') || argv[0] === 'help') {
      const topic = words[0] === 'help' ? words.slice(1) : words;
      const group = commands.filter((c) => topic.every((w, i) => c.path[i] === w));
      io.stdout.write(`${topLevelHelp(group.length ? group : commands)}\n`);
      return 0;
    }
    return fail(io, json, new UsageError(`unknown command "${words.join(' ')}"; run \`alliance --help\` for the list`));
  }

  const rest = argv.slice(command.path.length);
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(`${commandHelp(command)}\n`);
    return 0;
  }

  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  try {
    const ctx = buildContext(command, rest, io, controller.signal);
    const result = await command.run(ctx);
    if (ctx.json) io.stdout.write(`${JSON.stringify(result.data)}\n`);
    else io.stdout.write(`${result.text ?? JSON.stringify(result.data, null, 2)}\n`);
    return result.exitCode ?? 0;
  } catch (err) {
    return fail(io, json, err);
  } finally {
    process.off('SIGINT', onSigint);
  }
}

function findCommand(commands: Command[], argv: string[]): Command | undefined {
  let best: Command | undefined;
  for (const c of commands) {
    if (c.path.every((w, i) => argv[i] === w) && (!best || c.path.length > best.path.length)) best = c;
  }
  return best;
}

function buildContext(command: Command, args: string[], io: MainIo, signal: AbortSignal): CommandContext {
  const specs = { ...command.options, ...GLOBAL_OPTIONS };
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {};
  for (const [name, s] of Object.entries(specs))
    options[name] = { type: s.type, ...(s.short ? { short: s.short } : {}), ...(s.multiple ? { multiple: true } : {}) };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(`${(err as Error).message.replace(/\. To specify.*$/s, '')}\nusage: ${command.usage}`);
  }
  const values = parsed.values as Record<string, string | boolean | string[] | undefined>;
  for (const [name, s] of Object.entries(command.options)) {
    if (values[name] === undefined && s.default !== undefined) values[name] = s.default;
    if (s.required && values[name] === undefined)
      throw new UsageError(`--${name} is required\nusage: ${command.usage}`);
  }
  const pos = command.positionals;
  const n = parsed.positionals.length;
  if (!pos && n > 0) throw new UsageError(`unexpected argument "${parsed.positionals[0]}"\nusage: ${command.usage}`);
  if (pos && pos.min !== undefined && n < pos.min)
    throw new UsageError(`expected ${pos.name}\nusage: ${command.usage}`);
  if (pos && pos.max !== undefined && n > pos.max) throw new UsageError(`too many arguments\nusage: ${command.usage}`);

  const quiet = values.quiet === true;
  const str = (name: string) => {
    const v = values[name];
    return Array.isArray(v) ? v[v.length - 1] : typeof v === 'string' ? v : undefined;
  };
  return {
    positionals: parsed.positionals,
    json: values.json === true,
    quiet,
    str,
    need(name) {
      const v = str(name);
      if (v === undefined || v === '') throw new UsageError(`--${name} is required\nusage: ${command.usage}`);
      return v;
    },
    list(name) {
      const v = values[name];
      const arr = Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
      return arr
        .flatMap(splitOutsideQuotes)
        .map((s) => s.trim())
        .filter(Boolean);
    },
    bool: (name) => values[name] === true,
    num(name, fallback, range = {}) {
      const raw = str(name);
      if (raw === undefined) return fallback;
      const x = Number(raw);
      const bad =
        raw.trim() === '' ||
        !Number.isFinite(x) ||
        (range.integer && !Number.isInteger(x)) ||
        (range.min !== undefined && x < range.min) ||
        (range.max !== undefined && x > range.max);
      if (bad) {
        const want = [
          range.integer ? 'an integer' : 'a number',
          range.min !== undefined ? `>= ${range.min}` : '',
          range.max !== undefined ? `<= ${range.max}` : '',
        ]
          .filter(Boolean)
          .join(' ');
        throw new UsageError(`--${name} must be ${want}, got "${raw}"`);
      }
      return x;
    },
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
}

function fail(io: MainIo, json: boolean, err: unknown): number {
  const usage = err instanceof UsageError;
  const input = err instanceof InputError;
  const code = usage ? 2 : 1;
  const message = err instanceof Error ? err.message : String(err);
  if (json) {
    const location = input ? (err as InputError).location : undefined;
    io.stdout.write(
      `${JSON.stringify({ error: { kind: usage ? 'usage' : input ? 'input' : err instanceof StudyBusyError ? 'busy' : 'internal', message, ...(location ?? {}) } })}\n`,
    );
  }
  io.stderr.write(`error: ${message}\n`);
  if (
    !usage &&
    !input &&
    !(err instanceof StudyBusyError) &&
    process.env.ALLIANCE_DEBUG &&
    err instanceof Error &&
    err.stack
  )
    io.stderr.write(`${err.stack}\n`);
  return code;
}

function topLevelHelp(commands: Command[]): string {
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

export function commandHelp(c: Command): string {
  const opts = Object.entries(c.options).map(([name, s]) => {
    const flag = `--${name}${s.type === 'string' ? ` ${s.placeholder ?? 'VALUE'}` : ''}${s.short ? `, -${s.short}` : ''}`;
    const extra = [
      s.required ? 'required' : '',
      s.multiple ? 'repeatable' : '',
      s.default !== undefined && s.type === 'string' ? `default ${s.default}` : '',
    ]
      .filter(Boolean)
      .join(', ');
    return [flag, s.description + (extra ? ` (${extra})` : '')] as const;
  });
  const w = Math.max(10, ...opts.map(([f]) => f.length));
  return [
    `usage: ${c.usage}`,
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

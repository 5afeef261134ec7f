import { randomBytes } from 'node:crypto';
import { fstatSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { UsageError } from '../../util/errors';
import { defineCommand } from '../command';
import { choice, text } from '../options';

export const usersAddCommand = defineCommand({
  path: ['users', 'add'],
  summary: 'create a staff account (admin, coordinator or analyst) for `alliance serve`',
  description: [
    'The password is read from standard input when it is piped or redirected (its first line, at least 12',
    'characters); otherwise a one-time password is generated and printed once as `password: …`. Only a scrypt',
    'hash is stored.',
  ].join('\n'),
  options: z.object({
    study: text('study folder', 'DIR'),
    name: text('sign-in name', 'NAME'),
    role: choice(['admin', 'coordinator', 'analyst'], 'admin, coordinator or analyst'),
  }),
  examples: [
    'alliance users add --study demo-study --name ana --role coordinator',
    'printf \'%s\' "$PW" | alliance users add --study demo-study --name root --role admin',
  ],
  async run(_ctx, o) {
    const piped = stdinPassword();
    const password = piped ?? randomBytes(15).toString('base64url');
    // Loaded here, not at the top: the store and its database driver cost start-up time for every other command.
    const [{ addStaff }, { openStudy }] = await Promise.all([import('../../store/staff'), import('../../store/study')]);
    const study = await openStudy(o.study);
    try {
      const staff = await addStaff(study.db, study.actor, { name: o.name, role: o.role, password });
      const data = { user: { name: staff.name, role: staff.role }, ...(piped === undefined ? { password } : {}) };
      return {
        data,
        text: `added ${staff.role} ${staff.name}${piped === undefined ? `\npassword: ${password}` : ''}`,
      };
    } finally {
      await study.close();
    }
  },
});

/** The first line of standard input when it is a pipe or a file; undefined for a terminal or nothing. */
function stdinPassword(): string | undefined {
  let kind: ReturnType<typeof fstatSync>;
  try {
    kind = fstatSync(0);
  } catch {
    return undefined;
  }
  // Node gives a child a socket, not a FIFO, for a piped stdin.
  if (!kind.isFIFO() && !kind.isFile() && !kind.isSocket()) return undefined;
  const line = readFileSync(0, 'utf8').split(/\r?\n/)[0] ?? '';
  if (line.length === 0)
    throw new UsageError('standard input is piped but empty; pipe the password, or run without input');
  return line;
}

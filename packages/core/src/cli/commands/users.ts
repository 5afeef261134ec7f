import { randomBytes } from 'node:crypto';
import { fstatSync, readFileSync } from 'node:fs';
import { addStaff, StaffRole } from '../../store/staff';
import { openStudy } from '../../store/study';
import { UsageError } from '../../util/errors';
import { defineCommand } from '../command';

export const usersAddCommand = defineCommand({
  path: ['users', 'add'],
  summary: 'create a staff account (admin, coordinator or analyst) for `alliance serve`',
  usage: 'alliance users add --study DIR --name NAME --role coordinator [--json] [< password-file]',
  description: [
    'The password is read from standard input when it is piped or redirected (its first line, at least 12',
    'characters); otherwise a one-time password is generated and printed once as `password: …`. Only a scrypt',
    'hash is stored.',
  ].join('\n'),
  options: {
    study: { type: 'string', placeholder: 'DIR', description: 'study folder', required: true },
    name: { type: 'string', placeholder: 'NAME', description: 'sign-in name', required: true },
    role: { type: 'string', placeholder: 'ROLE', description: 'admin, coordinator or analyst', required: true },
  },
  examples: [
    'alliance users add --study demo-study --name ana --role coordinator',
    'printf \'%s\' "$PW" | alliance users add --study demo-study --name root --role admin',
  ],
  async run(ctx) {
    const role = StaffRole.safeParse(ctx.need('role'));
    if (!role.success)
      throw new UsageError(`--role must be one of ${StaffRole.options.join(', ')}, got "${ctx.need('role')}"`);
    const piped = stdinPassword();
    const password = piped ?? randomBytes(15).toString('base64url');
    const study = await openStudy(ctx.need('study'));
    try {
      const staff = await addStaff(study.db, study.actor, { name: ctx.need('name'), role: role.data, password });
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

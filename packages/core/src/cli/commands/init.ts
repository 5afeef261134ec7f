import { cpSync, existsSync, readdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { z } from 'zod';
import type { StudyConfigInput } from '../../study/study-config';
import { UsageError } from '../../util/errors';
import { defineCommand } from '../command';
import { text } from '../options';

/** A new study without --from: the client questionnaires most studies start with and the offline rater. */
const DEFAULT_DEFINITION: Omit<StudyConfigInput, 'name'> = {
  instruments: [
    { instrument: 'wai-sr', form: 'client', schedule: { every: 1, from: 1 } },
    { instrument: 'srs', form: 'client', schedule: { every: 1, from: 1 } },
  ],
  raters: { lexicon: { provider: 'lexicon' } },
  remoteProviders: 'deidentified',
};

/** Store files are never copied from a template: a new study starts empty. */
const isStoreFile = (f: string) => /\.sqlite(-wal|-shm)?$/.test(f);

export const initCommand = defineCommand({
  path: ['init'],
  summary: 'create a study folder with study.json and an empty store',
  description:
    'Without --from, study.json schedules client WAI-SR and SRS after every session and names the offline lexicon rater. ' +
    "With --from, the template folder's study.json (validated) and its other files (marker files, wording) are copied; its store is not.",
  positionals: { name: 'DIR', min: 1, max: 1 },
  options: z.object({
    name: text("study name (default: the template's name, or the folder name)", 'NAME').optional(),
    from: text('a study definition folder to start from, e.g. studies/demo', 'TEMPLATE_DIR').optional(),
    store: text(
      'keep the store on PostgreSQL: postgres://user@host:port/db[?schema=NAME], without a password (that comes from PGPASSWORD or ~/.pgpass)',
      'URL',
    ).optional(),
  }),
  examples: [
    'alliance init studies/pilot --name "Pilot 2026"',
    'alliance init my-demo --from studies/demo',
    'alliance init studies/trial --store postgres://alliance@db.example.org:5432/studies?schema=trial',
  ],
  async run(ctx, o) {
    const { STUDY_FILE, initStudy, readStudyConfig } = await import('../../store/study');
    const dir = ctx.positionals[0]!;
    const from = o.from;
    let definition: Omit<StudyConfigInput, 'name'> & { name?: string } = DEFAULT_DEFINITION;
    if (from) {
      if (!existsSync(join(from, STUDY_FILE))) throw new UsageError(`--from ${from}: no ${STUDY_FILE} there`);
      definition = readStudyConfig(from);
    }
    const name = o.name ?? definition.name ?? basename(resolve(dir));
    if (o.store !== undefined) definition = { ...definition, store: await postgresStore(o.store) };
    if (existsSync(join(dir, STUDY_FILE)))
      throw new UsageError(`${join(dir, STUDY_FILE)} already exists; a study is created once`);
    // The study's own instruments come first: study.json is checked against them when it is written.
    if (from) {
      for (const f of readdirSync(from)) {
        if (f !== STUDY_FILE && !isStoreFile(f)) cpSync(join(from, f), join(dir, f), { recursive: true });
      }
    }
    const study = await initStudy(dir, { ...definition, name });
    await study.close();
    const where = study.schema === null ? '' : ` (store: PostgreSQL schema ${study.schema})`;
    const message = `created study "${name}" in ${study.dir}${from ? ` from ${from}` : ''}${where}`;
    return { data: { study: study.dir, name, from: from ?? null, schema: study.schema }, text: message };
  },
});

/** study.json keeps the server's address, never its password: refused here rather than dropped unseen. */
async function postgresStore(url: string): Promise<StudyConfigInput['store']> {
  const { isPostgresUrl, redact, urlWithoutPassword } = await import('../../store/postgres');
  if (!isPostgresUrl(url) || !URL.canParse(url))
    throw new UsageError(`--store: "${redact(url)}" is not a PostgreSQL URL (postgres://user@host:port/database)`);
  const bare = urlWithoutPassword(url);
  if (bare.hadPassword) {
    throw new UsageError(
      `--store: the URL carries a password, which study.json must not keep; give ${bare.url} and put the password ` +
        'in PGPASSWORD or a ~/.pgpass line (host:port:database:user:password)',
    );
  }
  return { kind: 'postgres', url };
}

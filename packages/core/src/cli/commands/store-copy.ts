import { z } from 'zod';
import { defineCommand } from '../command';
import { flag, text } from '../options';

export const storeCopyCommand = defineCommand({
  path: ['store', 'copy'],
  summary: 'move a study between SQLite and PostgreSQL, checking row counts and content hashes',
  description:
    'FROM and TO are each a study folder or a PostgreSQL URL (postgres://user@host:port/db[?schema=NAME]; the ' +
    "password comes from PGPASSWORD or ~/.pgpass). Tables are copied in migration order in one transaction on the target, and every table's row count and content hash " +
    'are compared before it commits; any difference writes nothing and exits non-zero. A folder copied to PostgreSQL then names it in its study.json ' +
    '(its SQLite file stays as it was); a new folder as TO becomes a SQLite study with the source study.json.',
  options: z.object({
    from: text('the study to copy: its folder, or a PostgreSQL URL with ?schema=NAME', 'DIR|URL'),
    to: text('where to: a PostgreSQL URL (schema: ?schema=NAME, else from the study name) or a folder', 'URL|DIR'),
    replace: flag('overwrite a target that already holds a study'),
  }),
  examples: [
    'alliance store copy --from studies/trial --to postgres://alliance@db.example.org/studies',
    'alliance store copy --from postgres://alliance@db.example.org/studies?schema=trial --to trial-sqlite',
  ],
  async run(_ctx, o) {
    const { copyStudyStore } = await import('../../store/copy-study');
    const result = await copyStudyStore(o.from, o.to, { replace: o.replace });
    const rows = result.tables.reduce((n, t) => n + t.rows, 0);
    const lines = [
      `copied ${result.tables.length} tables, ${rows} rows, from ${result.from} to ${result.to}; counts and hashes match`,
      ...(result.studyJson ? [`${result.studyJson} now names the PostgreSQL store`] : []),
    ];
    return { data: { ...result }, text: lines.join('\n') };
  },
});

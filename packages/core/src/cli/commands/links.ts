import { z } from 'zod';
import { UsageError } from '../../util/errors';
import { defineCommand } from '../command';
import { flag, integer, text } from '../options';
import { renderTable } from '../table';

export const linksCommand = defineCommand({
  path: ['links'],
  summary: 'invitation links and short codes for the questionnaires the schedule asks for',
  description: [
    'One link per client × session × instrument form the study.json schedule names; the same cell always gets the',
    'same link. --due: only forms scheduled, not completed and not expired. --session N: only session N.',
    'Links name no client; the CSV of a mail-merge joins them to contacts by client id. expiresAt is UTC.',
  ].join('\n'),
  options: z.object({
    study: text('study folder', 'DIR'),
    session: integer('only this session number', 'N', { min: 1 }).optional(),
    due: flag('only forms that can still be answered and are not done'),
    'base-url': text('where `alliance serve` is reached', 'URL').default('http://127.0.0.1:8080'),
  }),
  examples: ['alliance links --study demo-study --due --base-url https://survey.example.org --json'],
  async run(_ctx, o) {
    const { session, due } = o;
    if (session !== undefined && due) throw new UsageError('give --session N or --due, not both');
    const base = o['base-url'].replace(/\/$/, '');
    if (!/^https?:\/\/[^/\s]+$/.test(base))
      throw new UsageError(`--base-url must be an http(s) origin such as https://survey.example.org, got "${base}"`);
    // Loaded here, not at the top: the store and its database driver cost start-up time for every other command.
    const [{ loadRegistry }, { collectionCells, issueLinks }, { readLinkKey }, { openStudy }] = await Promise.all([
      import('@alliance-lab/instruments'),
      import('../../store/invitations'),
      import('../../store/link-key'),
      import('../../store/study'),
    ]);
    const study = await openStudy(o.study);
    try {
      const registry = loadRegistry({ studyDir: study.dir });
      const cells = (await collectionCells(study.db, study.config)).filter(
        (c) =>
          c.state !== 'not scheduled' &&
          (session === undefined || c.session === session) &&
          (!due || c.state === 'due' || c.state === 'overdue'),
      );
      const issued = await issueLinks(study.db, readLinkKey(study.dir), cells, (i) => registry.definition(i).version);
      const links = issued.map((l) => ({
        client: l.client,
        session: l.session,
        instrument: l.instrument,
        form: l.form,
        url: `${base}/f/${l.token}`,
        code: l.code,
        expiresAt: l.expiresAt,
      }));
      return {
        data: { links },
        text: links.length
          ? renderTable(
              ['client', 'session', 'form', 'url', 'code', 'expires'],
              links.map((l) => [l.client, String(l.session), `${l.instrument}:${l.form}`, l.url, l.code, l.expiresAt]),
            )
          : 'no links: nothing scheduled matches',
      };
    } finally {
      await study.close();
    }
  },
});

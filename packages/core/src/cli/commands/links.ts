import { loadRegistry } from '@alliance-lab/instruments';
import { collectionCells, issueLinks } from '../../store/invitations';
import { readLinkKey } from '../../store/link-key';
import { openStudy } from '../../store/study';
import { UsageError } from '../../util/errors';
import { defineCommand } from '../command';
import { renderTable } from '../table';

export const linksCommand = defineCommand({
  path: ['links'],
  summary: 'invitation links and short codes for the questionnaires the schedule asks for',
  usage: 'alliance links --study DIR [--session N | --due] [--base-url URL] [--json]',
  description: [
    'One link per client × session × instrument form the study.json schedule names; the same cell always gets the',
    'same link. --due: only forms scheduled, not completed and not expired. --session N: only session N.',
    'Links name no client; the CSV of a mail-merge joins them to contacts by client id. expiresAt is UTC.',
  ].join('\n'),
  options: {
    study: { type: 'string', placeholder: 'DIR', description: 'study folder', required: true },
    session: { type: 'string', placeholder: 'N', description: 'only this session number' },
    due: { type: 'boolean', description: 'only forms that can still be answered and are not done' },
    'base-url': {
      type: 'string',
      placeholder: 'URL',
      description: 'where `alliance serve` is reached',
      default: 'http://127.0.0.1:8080',
    },
  },
  examples: ['alliance links --study demo-study --due --base-url https://survey.example.org --json'],
  async run(ctx) {
    const session = ctx.num('session', undefined, { min: 1, integer: true });
    const due = ctx.bool('due');
    if (session !== undefined && due) throw new UsageError('give --session N or --due, not both');
    const base = ctx.need('base-url').replace(/\/$/, '');
    if (!/^https?:\/\/[^/\s]+$/.test(base))
      throw new UsageError(`--base-url must be an http(s) origin such as https://survey.example.org, got "${base}"`);
    const study = await openStudy(ctx.need('study'));
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

import { collectionCells, countCells } from '../../store/invitations';
import { studyCounts } from '../../store/status';
import { openStudy } from '../../store/study';
import { defineCommand } from '../command';
import { renderPairs } from '../table';

export const statusCommand = defineCommand({
  path: ['status'],
  summary:
    'count what a study holds (clients, therapists, sessions, transcripts, utterances, responses, ratings) and the questionnaires due, overdue and missing',
  usage: 'alliance status --study DIR [--json]',
  options: {
    study: { type: 'string', placeholder: 'DIR', description: 'study folder', required: true },
  },
  examples: ['alliance status --study demo-study --json'],
  async run(ctx) {
    const study = await openStudy(ctx.need('study'));
    try {
      const counts = await studyCounts(study.db);
      const collection = countCells(await collectionCells(study.db, study.config));
      return {
        data: { ...counts, collection },
        text: `${study.config.name}\n\n${renderPairs(Object.entries(counts))}\n\nquestionnaires\n${renderPairs(Object.entries(collection))}`,
      };
    } finally {
      await study.close();
    }
  },
});

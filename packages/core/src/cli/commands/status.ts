import { z } from 'zod';
import { defineCommand } from '../command';
import { text } from '../options';
import { renderPairs } from '../table';

export const statusCommand = defineCommand({
  path: ['status'],
  summary:
    'count what a study holds (clients, therapists, sessions, transcripts, utterances, responses, ratings) and the questionnaires due, overdue and missing',
  options: z.object({ study: text('study folder', 'DIR') }),
  examples: ['alliance status --study demo-study --json'],
  async run(_ctx, o) {
    const [{ openStudy }, { studyCounts }, { collectionCells, countCells }] = await Promise.all([
      import('../../store/study'),
      import('../../store/status'),
      import('../../store/invitations'),
    ]);
    const study = await openStudy(o.study);
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

import { z } from 'zod';
import { defineCommand } from '../command';
import { text } from '../options';
import { renderPairs } from '../table';

export const statusCommand = defineCommand({
  path: ['status'],
  summary: 'count what a study holds: clients, therapists, sessions, transcripts, utterances, responses, ratings',
  options: z.object({ study: text('study folder', 'DIR') }),
  examples: ['alliance status --study demo-study --json'],
  async run(_ctx, o) {
    const [{ openStudy }, { studyCounts }] = await Promise.all([
      import('../../store/study'),
      import('../../store/status'),
    ]);
    const study = await openStudy(o.study);
    try {
      const counts = await studyCounts(study.db);
      return { data: { ...counts }, text: `${study.config.name}\n\n${renderPairs(Object.entries(counts))}` };
    } finally {
      await study.close();
    }
  },
});

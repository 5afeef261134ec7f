import { defineProvider } from '../provider';
import { ReplayConfig } from './replay-config';

export { ReplayConfig } from './replay-config';

/** `replay`: answers from another rater's stored run, so an analysis reproduces from the study folder alone. */
export const replayProvider = defineProvider({
  name: 'replay',
  config: ReplayConfig,
  async create(ctx) {
    const { ReplayRater } = await import('./replay-rater');
    return { rater: await ReplayRater.open(ctx.study, ctx.name, ctx.config) };
  },
});

import { defineProvider } from '../provider';
import { LexiconConfig } from './lexicon-config';

export { LexiconConfig } from './lexicon-config';

/** `lexicon`: the offline marker-count baseline; sends no prompt. */
export const lexiconProvider = defineProvider({
  name: 'lexicon',
  config: LexiconConfig,
  async create(ctx) {
    const { LexiconRater } = await import('./lexicon-rater');
    return {
      rater: new LexiconRater({ name: ctx.name, config: ctx.config, studyDir: ctx.study.dir, forms: ctx.instruments }),
    };
  },
});

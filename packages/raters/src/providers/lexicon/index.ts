import { LexiconRater, type LexiconContext } from './lexicon-rater';

export { LexiconRater, type FormCatalog, type LexiconContext } from './lexicon-rater';

export function createLexiconRater(ctx: LexiconContext): LexiconRater {
  return new LexiconRater(ctx);
}

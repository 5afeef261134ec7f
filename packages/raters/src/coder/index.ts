/**
 * `@alliance-lab/raters/coder`: the utterance coder (coding, its weights file, training and evaluation), for
 * the training script and the corpus checks.
 */
export * from './coder';
export * from './metrics';
export { DEFAULT_FIT } from './softmax';
export * from './train';
export { unpunctuated, withoutPunctuation } from './features';

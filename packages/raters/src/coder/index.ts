/**
 * `@alliance-lab/raters/coder`: the utterance coder (coding, its weights file, training and evaluation), for
 * the training script and the corpus checks.
 */
export * from './coder';
export { DEFAULT_GUARDS_FILE, GuardsFile, ReflectionGuards, readGuardsFile } from './guards';
export * from './metrics';
export { DEFAULT_FIT } from './softmax';
export * from './train';
export { unpunctuated, withoutPunctuation } from './features';

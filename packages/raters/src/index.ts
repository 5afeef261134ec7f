export * from './result-schema';
export type { FormRequest, RatableTranscript, RatableUtterance, RateRequest, RateResponse, Rater } from './rater';
export { rateStudy, type RateOptions, type RunProgress, type RunResult, type RunSummary } from './run/rate-run';
export { defaultServices } from './run/default-services';
export type { PreparedRater, RunServices } from './run/run-services';
export { InvalidAnswerError, ProviderError } from './providers/provider-error';
export { createOpenAIRater, OpenAIRater } from './providers/openai';
export { createAnthropicRater, AnthropicRater } from './providers/anthropic';
export { createReplayRater, ReplayRater } from './providers/replay';
export { createLexiconRater, LexiconRater, type FormCatalog, type LexiconContext } from './providers/lexicon';
export { DEFAULT_MARKERS_FILE, loadMarkerFile, MarkerFile } from './lexicon/marker-file';
export { domainScores, subSignalScores } from './domain-scores';
export { createPromptRenderer, PROMPTS_DIR, promptVersions, type PromptRenderer } from './prompts/prompt-renderer';
export { estimateTokens } from './prompts/estimate-tokens';
export { createValidator, normaliseQuote, validateOutput, type Validation } from './validate/validate-output';
export {
  DEIDENTIFY_VERSION,
  deidentifyTranscript,
  deidentifyUtterances,
  type Replacement,
} from './deidentify/deidentify';
export { deidentifyForStudy, storedMapping } from './deidentify/deidentify-store';
export { loadValidationData, type ValidationData } from './validate-run/data';
export { validateRaters, type RaterValidation, type ValidationResult } from './validate-run/run';
export { validateStudy } from './validate-run/validate-study';
export { summaryRows, type SummaryRow } from './validate-run/summary-rows';

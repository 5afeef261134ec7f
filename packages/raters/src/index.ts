export * from './result-schema';
export type { FormRequest, RatableTranscript, RatableUtterance, RateRequest, RateResponse, Rater } from './rater';
export { rateStudy, type RateOptions, type RunProgress, type RunResult, type RunSummary } from './run/rate-run';
export { defaultServices } from './run/default-services';
export type { PreparedRater, RunServices } from './run/run-services';
export { InvalidAnswerError, ProviderError } from './providers/provider-error';
export { createOpenAIRater, OpenAIRater } from './providers/openai/openai-rater';
export { createAnthropicRater, AnthropicRater } from './providers/anthropic/anthropic-rater';
export { createReplayRater, ReplayRater } from './providers/replay/replay-rater';
export {
  createLexiconRater,
  LexiconRater,
  type FormCatalog,
  type LexiconContext,
} from './providers/lexicon/lexicon-rater';
export { OpenAIConfig } from './providers/openai';
export { AnthropicConfig } from './providers/anthropic';
export { LexiconConfig } from './providers/lexicon';
export { ReplayConfig } from './providers/replay';
export { RaterConfig } from './providers/rater-config';
export { defineProvider, type FactoryDeps, type Provider } from './providers/provider';
export { configureRater, PROVIDER_NAMES, validateStudyRaters, type ConfiguredRater } from './providers/registry';
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

// The lexicon engine and the transcript reads on their own, for scripts and benchmarks that rate without a run.
export { compileMarkers, MarkerSet } from './lexicon/marker-set';
export { rateWithLexicon } from './lexicon/rate-lexicon';
export { loadTranscript, ratableHash, selectTranscripts, type TranscriptRef } from './run/run-transcripts';
export { analyse, type TranscriptAnalysis } from './lexicon/analyse';
export { loadValidationData, type ValidationData } from './validate-run/data';
export { validateRaters, type RaterValidation, type ValidationResult } from './validate-run/run';
export { validateStudy } from './validate-run/validate-study';
export { summaryRows, type SummaryRow } from './validate-run/summary-rows';

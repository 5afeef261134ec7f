export * from './result-schema';
export type { FormRequest, RatableTranscript, RatableUtterance, RateRequest, RateResponse, Rater } from './rater';
export { rateStudy, type RateOptions, type RunProgress, type RunResult, type RunSummary } from './run/rate-run';
export { defaultServices } from './run/default-services';
export type { PreparedRater, RunServices } from './run/run-services';
export { InvalidAnswerError, ProviderError } from './providers/provider-error';
export { createOpenAIRater, OpenAIRater } from './providers/openai';
export { createAnthropicRater, AnthropicRater } from './providers/anthropic';
export { createReplayRater, ReplayRater } from './providers/replay';

import type { RatingOutcome } from '@alliance-lab/core';
import { InvalidAnswerError, ProviderError } from '../providers/provider-error';
import type { FormRequest, RatableTranscript, RateRequest, RateResponse, Rater } from '../rater';
import { describeError } from './describe-error';
import { type RetryPolicy, withRetries } from './retry';
import type { RunServices } from './run-services';
import { addUsage, addedUsage, noUsage } from './usage';

/** What asking a rater needs besides the transcript. */
export interface CallContext {
  rater: Rater;
  forms: FormRequest[];
  replicate: number;
  services: RunServices;
  policy: RetryPolicy;
  signal: AbortSignal;
  log: (m: string) => void;
}

/**
 * One rating of one transcript: ask, validate, and if the answer fails, send it back once with the specific
 * errors. A second failure is the outcome (stored as failed, never scored), not an exception. `first` is an answer
 * already had (a batch's result for this request): it is validated as if just asked, and the repair round, when
 * needed, is a live request.
 */
export async function rateOnce(
  t: RatableTranscript,
  c: CallContext,
  first?: RateResponse | InvalidAnswerError,
): Promise<RatingOutcome> {
  const usage = noUsage();
  let requests = 0;
  const ask = async (feedback?: RateRequest['feedback']) => {
    const req: RateRequest = {
      transcript: t,
      forms: c.forms,
      replicate: c.replicate,
      ...(feedback ? { feedback } : {}),
    };
    let answer: unknown;
    let problems: string[] | null = null;
    try {
      if (!feedback && first instanceof InvalidAnswerError) throw first;
      const res =
        !feedback && first && !(first instanceof InvalidAnswerError)
          ? first
          : await withRetries((signal) => c.rater.rate({ ...req, signal }), c.policy, c.signal, {
              onRetry: (err, attempt, delay) =>
                c.log(
                  `session ${t.sessionId}: ${describeError(err)}; retry ${attempt} in ${(delay / 1000).toFixed(1)} s`,
                ),
            });
      requests++;
      addUsage(usage, res.usage);
      answer = res.output;
    } catch (err) {
      if (!(err instanceof InvalidAnswerError)) throw err;
      requests++;
      addUsage(usage, err.usage);
      answer = err.raw;
      problems = err.reasons;
    }
    const v = problems ? { ok: false as const, errors: problems } : c.services.validate(answer, t, c.forms);
    return { answer, v };
  };
  const answered = await ask();
  if (answered.v.ok) return { status: 'ok', output: answered.v.value, failure: null, usage, requests };
  const second = await ask({ previous: answered.answer, errors: answered.v.errors }).catch((err) => {
    if (err instanceof ProviderError) err.spent = addedUsage(err.spent, usage);
    throw err;
  });
  if (second.v.ok) return { status: 'ok', output: second.v.value, failure: null, usage, requests };
  return { status: 'failed', output: second.answer ?? null, failure: second.v.errors, usage, requests };
}

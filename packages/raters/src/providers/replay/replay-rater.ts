import { InputError, UsageError, type Study } from '@alliance-lab/core';
import type { RateRequest, RateResponse, Rater } from '../../rater';
import type { ReplayConfig } from './replay-config';

type Handling = 'as-is' | 'deidentified';

/**
 * `replay`: answers from another rater's stored run (the rating cache in the study store), so a published
 * analysis reproduces from the study folder alone: no keys, no network, identical answers. The replayed
 * rater's answers are validated and scored again like any other, which also checks the stored run.
 */
export class ReplayRater implements Rater {
  readonly provider = 'replay';
  readonly remote = false;

  private constructor(
    readonly name: string,
    /** The rater whose run is replayed. */
    readonly source: string,
    readonly model: string,
    readonly prompt: { version: string; hash: string },
    /** How the replayed run saw transcripts; the runner prepares them the same way so quotes still match. */
    readonly replayedHandling: Handling,
    private readonly study: Study,
  ) {}

  static async open(study: Study, name: string, config: ReplayConfig): Promise<ReplayRater> {
    const source = config.options.rater;
    const latest = await study.db
      .selectFrom('ratings')
      .select(['model', 'prompt_version', 'prompt_hash', 'params'])
      .where('rater', '=', source)
      .orderBy('created_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (!latest)
      throw new UsageError(`rater "${name}" replays "${source}", but the study holds no ratings by "${source}"`);
    const handling =
      (JSON.parse(latest.params) as { transcript?: Handling }).transcript === 'deidentified' ? 'deidentified' : 'as-is';
    return new ReplayRater(
      name,
      source,
      latest.model,
      { version: latest.prompt_version, hash: latest.prompt_hash },
      handling,
      study,
    );
  }

  async rate(req: RateRequest): Promise<RateResponse> {
    const started = performance.now();
    const row = await this.study.db
      .selectFrom('ratings')
      .innerJoin('rating_cache', 'rating_cache.key', 'ratings.cache_key')
      .select(['rating_cache.output', 'rating_cache.transcript_hash'])
      .where('ratings.rater', '=', this.source)
      .where('ratings.transcript_id', '=', req.transcript.transcriptId)
      .where('ratings.replicate', '=', req.replicate)
      .executeTakeFirst();
    if (!row) {
      throw new InputError(
        `rater "${this.name}" replays "${this.source}", which has no stored answer for session ${req.transcript.sessionId} replicate ${req.replicate}`,
      );
    }
    if (row.transcript_hash !== req.transcript.contentHash) {
      throw new InputError(
        `rater "${this.name}": the stored answer of "${this.source}" for session ${req.transcript.sessionId} was given on different transcript text (changed de-identification settings?)`,
      );
    }
    return {
      output: JSON.parse(row.output),
      usage: { inputTokens: 0, outputTokens: 0, cachedTokens: 0, costUsd: 0, latencyMs: performance.now() - started },
    };
  }
}

export function createReplayRater(study: Study, name: string, config: ReplayConfig): Promise<ReplayRater> {
  return ReplayRater.open(study, name, config);
}

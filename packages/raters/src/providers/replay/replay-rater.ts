import { InputError, UsageError, latestRating, storedAnswer, type Study } from '@alliance-lab/core';
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
    const latest = await latestRating(study.db, source);
    if (!latest)
      throw new UsageError(`rater "${name}" replays "${source}", but the study holds no ratings by "${source}"`);
    const handling = latest.params.transcript === 'deidentified' ? 'deidentified' : 'as-is';
    return new ReplayRater(
      name,
      source,
      latest.model,
      { version: latest.promptVersion, hash: latest.promptHash },
      handling,
      study,
    );
  }

  async rate(req: RateRequest): Promise<RateResponse> {
    const started = performance.now();
    const row = await storedAnswer(this.study.db, {
      rater: this.source,
      transcriptId: req.transcript.transcriptId,
      replicate: req.replicate,
    });
    if (!row) {
      throw new InputError(
        `rater "${this.name}" replays "${this.source}", which has no stored answer for session ${req.transcript.sessionId} replicate ${req.replicate}`,
      );
    }
    if (row.transcriptHash !== req.transcript.contentHash) {
      throw new InputError(
        `rater "${this.name}": the stored answer of "${this.source}" for session ${req.transcript.sessionId} was given on different transcript text (changed de-identification settings?)`,
      );
    }
    return {
      output: row.output,
      usage: { inputTokens: 0, outputTokens: 0, cachedTokens: 0, costUsd: 0, latencyMs: performance.now() - started },
    };
  }
}

export function createReplayRater(study: Study, name: string, config: ReplayConfig): Promise<ReplayRater> {
  return ReplayRater.open(study, name, config);
}

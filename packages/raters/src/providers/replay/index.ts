import type { RaterConfig, Study } from '@alliance-lab/core';
import { ReplayRater } from './replay-rater';

export { ReplayRater } from './replay-rater';

export function createReplayRater(study: Study, name: string, config: RaterConfig): Promise<ReplayRater> {
  return ReplayRater.open(study, name, config);
}

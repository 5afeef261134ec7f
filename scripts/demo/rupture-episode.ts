import type { Dialogue } from './dialogue';
import type { Rng } from './rng';
import type { SessionTalk } from './session-talk';
import type { Rupture } from './trajectories';

/** Where a rupture episode and its repair sit in the transcript (utterance ids, inclusive). */
export interface EpisodeRange {
  first: string;
  last: string;
  repairFirst?: string;
  repairLast?: string;
}

/**
 * A 3RS-style rupture episode: withdrawal (the client moves away: minimal answers, "I don't know", topic
 * shifts), confrontation (the client moves against the therapist or the work), or both. A repaired episode is
 * followed by exploratory resolution: metacommunication, the client voicing what happened, the therapist
 * acknowledging their part, and a return to shared work. An unrepaired one ends in a brush-off or the
 * therapist moving on.
 */
export function ruptureEpisode(d: Dialogue, talk: SessionTalk, rng: Rng, rupture: Rupture): EpisodeRange {
  const ids: string[] = [];
  if (rupture.type === 'withdrawal') withdrawal(d, talk, rng, rng.int(3, 5), ids);
  else if (rupture.type === 'confrontation') confrontation(d, talk, rng, rng.int(2, 4), ids);
  else {
    withdrawal(d, talk, rng, 2, ids);
    confrontation(d, talk, rng, 2, ids);
  }
  const range: EpisodeRange = { first: ids[0]!, last: ids[ids.length - 1]! };

  if (rupture.repaired) {
    range.repairFirst = d.say('therapist', talk.therapist('metacommunication'), 'metacommunication');
    d.say('client', talk.client('rupture_disclosure'), 'elaboration');
    d.say('therapist', talk.therapist('acknowledgement'), 'acknowledgement');
    d.say('client', talk.client('repair_accept'));
    d.say('therapist', talk.therapist('validation'), 'empathy');
    if (rng.bernoulli(0.5)) {
      d.say('therapist', talk.therapist('checkin'), 'checkin');
      d.say('client', talk.client('checkin_yes'));
    }
    range.repairLast = d.say('therapist', talk.therapist('collaboration'), 'collaboration');
    d.say('client', talk.client('agreement'));
  } else {
    if (rng.bernoulli(0.5)) {
      d.say('therapist', talk.therapist('metacommunication'), 'metacommunication');
      range.last = d.say('client', talk.client('rebuff'), 'minimal');
    }
    d.say('therapist', talk.therapist(rng.bernoulli(0.5) ? 'move_on' : 'persist'));
  }
  return range;
}

function withdrawal(d: Dialogue, talk: SessionTalk, rng: Rng, n: number, ids: string[]): void {
  for (let i = 0; i < n; i++) {
    if (i === 0 && rng.bernoulli(0.5)) d.say('therapist', talk.reflection(), 'reflection');
    else d.say('therapist', talk.therapist(i === 0 ? 'question' : 'probe'));
    const kind = rng.weighted({ minimal: 0.5, dont_know: 0.3, topic_shift: 0.2 });
    ids.push(d.say('client', talk.client(kind), kind));
  }
}

function confrontation(d: Dialogue, talk: SessionTalk, rng: Rng, n: number, ids: string[]): void {
  // The therapist presses on with the work, which is what the client pushes against.
  d.say('therapist', talk.therapist('collaboration'), 'collaboration');
  for (let i = 0; i < n; i++) {
    if (i > 0) d.say('therapist', talk.therapist('persist'));
    const kind = i === 0 || rng.bernoulli(0.4) ? 'complaint_therapy' : 'complaint_therapist';
    ids.push(d.say('client', talk.client(kind), kind));
  }
}

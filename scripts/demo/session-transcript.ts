import type { SessionTranscript } from '@alliance-lab/core';
import type { Client, Therapist } from './cohort';
import { Dialogue, type PlantedMarker } from './dialogue';
import type { Marker } from './markers';
import { DEMO_MODEL } from './model';
import type { PhraseBank } from './phrase-bank';
import { logistic, type Rng } from './rng';
import { ruptureEpisode, type EpisodeRange } from './rupture-episode';
import { SessionTalk, type ElaborationKind } from './session-talk';
import type { SessionState } from './trajectories';

export interface GeneratedSession {
  transcript: SessionTranscript;
  planted: PlantedMarker[];
  counts: Record<Marker, number>;
  episode?: EpisodeRange;
}

type Move = keyof typeof DEMO_MODEL.transcript.moves;
type Linear = { readonly intercept: number; readonly slope: number };

/** Utterances an exchange or the closing can add at most; the working phase stops early enough for both. */
const MAX_EXCHANGE = 6;
const MAX_CLOSING = 7;

/**
 * One session: opening (greeting, first-session framing and goals, or a look back at last week's repair),
 * agenda setting, a working phase of therapist moves and client responses whose mix follows latent alliance,
 * a rupture episode where the trajectory has one, and a closing with summary and a task for the week.
 */
export function generateSession(
  rng: Rng,
  bank: PhraseBank,
  client: Client,
  therapist: Therapist,
  state: SessionState,
): GeneratedSession {
  const m = DEMO_MODEL.transcript;
  const d = new Dialogue(therapist.id, client.id);
  const talk = new SessionTalk(rng.fork('talk'), bank, client.topics, client.goals, state.session === 1);
  const ctx: Ctx = { rng, d, talk, therapist };
  let a = state.latent;
  const target = Math.min(
    m.maxLength,
    Math.max(m.minLength, Math.round(m.lengthMean + m.lengthSlope * a + rng.normal(0, m.lengthSd))),
  );

  d.say('therapist', talk.therapist(state.session === 1 ? 'greeting_first' : 'greeting'));
  d.say('client', talk.client('greeting'));
  if (state.session === 1) {
    d.say('therapist', talk.therapist('intro_first'));
    d.say('client', talk.client('agreement'));
    d.say('therapist', talk.therapist('first_question'));
    d.say('client', talk.elaboration('situation'), 'elaboration');
    exchange(ctx, a);
    d.say('therapist', talk.therapist('goal_first'), 'goal');
    d.say('client', talk.elaboration('goal'), 'elaboration');
  } else {
    if (state.followsRepair) {
      d.say('therapist', talk.therapist('metacommunication_followup'), 'metacommunication');
      d.say('client', talk.client('followup_response'), 'elaboration');
    }
    d.say('therapist', talk.therapist('week_question'));
    respond(ctx, a, 'question');
  }
  // The first session sets goals instead of an agenda.
  if (state.session > 1 && rng.bernoulli(logistic(lin(m.agenda, a) + Math.log(therapist.structure)))) {
    d.say('therapist', talk.therapist('agenda'), 'agenda');
    if (rng.bernoulli(logistic(lin(m.client.elaboration, a))))
      d.say('client', talk.elaboration('situation'), 'elaboration');
    else d.say('client', talk.client('agenda_reply'));
  }

  const episodeAt = Math.round(target * rng.uniform(m.episodeStartMin, m.episodeStartMax));
  let episode: EpisodeRange | undefined;
  while (d.length + MAX_EXCHANGE + MAX_CLOSING <= target) {
    if (state.rupture && !episode && d.length >= episodeAt) {
      episode = ruptureEpisode(d, talk, rng, state.rupture);
      if (!state.rupture.repaired) a -= m.afterUnrepairedDrop;
      continue;
    }
    exchange(ctx, a);
  }
  if (state.rupture && !episode)
    throw new Error(`session ${client.id}/${state.session} ended before its rupture episode`);

  if (rng.bernoulli(logistic(lin(m.summary, a)))) {
    d.say('therapist', talk.summary(), 'summary');
    if (rng.bernoulli(0.5)) {
      d.say('therapist', talk.therapist('checkin'), 'checkin');
      d.say('client', talk.client('checkin_yes'));
    } else d.say('client', talk.client('backchannel'));
  }
  if (rng.bernoulli(logistic(lin(m.homework, a) + Math.log(therapist.structure)))) {
    d.say('therapist', talk.therapist('homework'), 'collaboration');
    if (rng.bernoulli(logistic(lin(m.client.minimal, a)))) d.say('client', talk.client('minimal'), 'minimal');
    else d.say('client', talk.client('agreement'));
  }
  d.say('therapist', talk.therapist('closing'));
  d.say('client', talk.client('closing'));

  return {
    transcript: {
      client: client.id,
      therapist: therapist.id,
      session: state.session,
      date: state.date,
      utterances: d.utterances,
    },
    planted: d.planted,
    counts: d.counts(),
    ...(episode ? { episode } : {}),
  };
}

interface Ctx {
  rng: Rng;
  d: Dialogue;
  talk: SessionTalk;
  therapist: Therapist;
}

function lin(p: Linear, a: number): number {
  return p.intercept + p.slope * a;
}

/** One therapist move and the client's answer. */
function exchange(ctx: Ctx, a: number): void {
  const { rng, d, talk, therapist } = ctx;
  const style: Record<Move, number> = {
    question: 1,
    information: 1,
    reflection: therapist.warmth,
    empathy: therapist.warmth,
    collaboration: therapist.structure,
    goal: therapist.structure,
    checkin: therapist.structure,
  };
  const weights = Object.fromEntries(
    Object.entries(DEMO_MODEL.transcript.moves).map(([k, w]) => [k, w.base * Math.exp(w.slope * a) * style[k as Move]]),
  ) as Record<Move, number>;
  const move = rng.weighted(weights);
  switch (move) {
    case 'question':
    case 'information':
      d.say('therapist', talk.therapist(move));
      break;
    case 'reflection':
      d.say('therapist', talk.reflection(), 'reflection');
      break;
    case 'empathy':
      d.say('therapist', talk.empathy(), 'empathy');
      break;
    default:
      d.say('therapist', talk.therapist(move), move);
  }
  respond(ctx, a, move);
}

/** The client's answer: elaboration, a withdrawal move, or a neutral reply, with probabilities set by latent alliance. */
function respond(ctx: Ctx, a: number, after: Move, probed = false): void {
  const { rng, d, talk } = ctx;
  const c = DEMO_MODEL.transcript.client;
  const p = {
    elaboration: logistic(lin(c.elaboration, a)),
    minimal: logistic(lin(c.minimal, a)),
    dont_know: logistic(lin(c.dontKnow, a)),
    topic_shift: logistic(lin(c.topicShift, a)),
  };
  const rest = Math.max(0, 1 - p.elaboration - p.minimal - p.dont_know - p.topic_shift);
  const kind = rng.weighted({ ...p, neutral: rest });
  switch (kind) {
    case 'elaboration': {
      const topic: ElaborationKind =
        after === 'goal'
          ? 'goal'
          : after === 'reflection' || after === 'empathy'
            ? 'continue'
            : after === 'information'
              ? 'thought'
              : 'situation';
      d.say('client', talk.elaboration(topic), 'elaboration');
      if (rng.bernoulli(0.25)) {
        d.say('therapist', talk.therapist('backchannel'));
        d.say('client', talk.elaboration('continue'), 'elaboration');
      }
      return;
    }
    case 'minimal':
    case 'dont_know':
      d.say('client', talk.client(kind), kind);
      if (!probed && rng.bernoulli(0.6)) {
        d.say('therapist', talk.therapist('probe'));
        respond(ctx, a, 'question', true);
      }
      return;
    case 'topic_shift':
      d.say('client', talk.client('topic_shift'), 'topic_shift');
      d.say('therapist', talk.therapist('redirect'));
      if (!probed) respond(ctx, a, 'question', true);
      return;
    default:
      d.say('client', neutralReply(talk, rng, after));
  }
}

function neutralReply(talk: SessionTalk, rng: Rng, after: Move): string {
  if (after === 'checkin') return talk.client(rng.bernoulli(0.8) ? 'checkin_yes' : 'checkin_correct');
  if (after === 'collaboration' || after === 'goal') return talk.client('agreement');
  if (after === 'reflection' && rng.bernoulli(0.5)) return talk.client('checkin_yes');
  return talk.client(rng.bernoulli(0.3) ? 'backchannel' : 'neutral');
}

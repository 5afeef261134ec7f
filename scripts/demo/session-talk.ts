import { fill, slotsOf, type Content, type PhraseBank, type Topic } from './phrase-bank';
import type { Rng } from './rng';

type TherapistPhrases = keyof PhraseBank['therapist'];
type ClientBank = PhraseBank['client'];
/** The client's plain phrase lists (details carry a gist and are picked separately). */
type ClientPhrases = { [K in keyof ClientBank]: ClientBank[K] extends string[] ? K : never }[keyof ClientBank];
export type ElaborationKind = 'situation' | 'thought' | 'goal' | 'continue';

/** Phrases that refer back to earlier sessions, which a first session cannot use. */
const EARLIER_SESSIONS = /last time|last week|when we started|since I last/i;

/** Client turns spent on one situation before a question moves the client on (twice that when the therapist keeps reflecting). */
const TURNS_PER_SITUATION = 4;

/**
 * What the client has said so far in one session, and phrase picking that draws on it. A session stays mostly
 * on one topic (usually the presenting concern) and explores a situation for a few turns (feelings, thoughts,
 * details) before the client brings up the next; reflections reflect the latest situation, feeling or thought;
 * summaries gather what was discussed; no phrase repeats within a session while an unused alternative exists.
 */
export class SessionTalk {
  private readonly used = new Set<string>();
  private readonly reflected = new Set<string>();
  private readonly focus: Topic;
  private readonly other: Topic;
  private situation: Content | undefined;
  private turnsOnSituation = 0;
  private feeling: string | undefined;
  private feelingPositive = false;
  private thought: Content | undefined;
  private lastDetail: Content | undefined;
  private readonly discussed: Content[] = [];
  readonly goal: Content;

  constructor(
    private readonly rng: Rng,
    private readonly bank: PhraseBank,
    topicIds: readonly [string, string],
    goalIndexes: readonly number[],
    private readonly firstSession: boolean,
  ) {
    const topics = topicIds.map((id) => bank.topics.find((t) => t.id === id)!);
    this.goal = topics[0]!.goals[rng.pick(goalIndexes)]!;
    [this.focus, this.other] = rng.bernoulli(0.75) ? [topics[0]!, topics[1]!] : [topics[1]!, topics[0]!];
  }

  therapist(kind: TherapistPhrases): string {
    return this.fresh(
      this.bank.therapist[kind].filter((p) => slotsOf(p).every((s) => this.slot(s) !== undefined)),
      kind,
    );
  }

  client(kind: ClientPhrases): string {
    return this.fresh(this.bank.client[kind], kind);
  }

  /**
   * A reflection of something the client said that has not been reflected yet (a therapist does not reflect the
   * same worry four times); a generic one when there is nothing new to reflect.
   */
  reflection(): string {
    const fresh = (name: string) => {
      const key = this.slotKey(name);
      return key !== undefined && !this.reflected.has(key);
    };
    const options = this.bank.therapist.reflection.filter((p) => {
      const slots = slotsOf(p);
      return slots.some(fresh) && slots.every((s) => this.slot(s) !== undefined);
    });
    if (options.length === 0) return this.therapist('reflection_generic');
    const template = this.rng.pick(options);
    for (const s of slotsOf(template)) this.reflected.add(this.slotKey(s)!);
    return fill(template, Object.fromEntries(slotsOf(template).map((s) => [s, this.slot(s)])));
  }

  /** Identifies what a slot would reflect, so the same content is not reflected twice. */
  private slotKey(name: string): string | undefined {
    if (name === 'gist') return this.situation && `s:${this.situation.client}`;
    if (name === 'thought') return this.thought && `t:${this.thought.client}`;
    if (name === 'detail') return this.lastDetail && `d:${this.lastDetail.client}`;
    if (name === 'feeling')
      return this.feeling && !this.feelingPositive ? `f:${this.situation?.client}:${this.feeling}` : undefined;
    return undefined;
  }

  /** Empathy for a hard moment, affirmation for a step forward. */
  empathy(): string {
    return this.therapist(this.situation?.positive ? 'affirmation' : 'empathy');
  }

  summary(): string {
    // A summary needs something to sum up; a session that never got to a thought borrows one from the topic.
    const first = this.discussed[0] ?? this.newSituation();
    const thought = this.thought ?? this.newThought();
    return fill(this.rng.pick(this.bank.therapist.summary), {
      gist: first.gist,
      thought: thought.gist,
      goal: this.goal.gist,
    });
  }

  /** A client turn of one to three sentences. */
  elaboration(kind: ElaborationKind = 'situation'): string {
    const parts: string[] = [];
    if (kind === 'goal') {
      parts.push(this.goal.client);
      if (this.rng.bernoulli(0.3)) parts.push(this.detail());
    } else if (
      !this.situation ||
      this.turnsOnSituation >= (kind === 'situation' ? TURNS_PER_SITUATION : 2 * TURNS_PER_SITUATION)
    ) {
      const s = this.newSituation();
      parts.push(s.client);
      if (this.rng.bernoulli(0.5)) parts.push(this.feelingLine());
    } else if (kind === 'thought' && this.unused('thoughts')) {
      parts.push(this.newThought().client);
      if (this.rng.bernoulli(0.3)) parts.push(this.feelingLine());
    } else {
      parts.push(this.continuation());
    }
    this.turnsOnSituation++;
    const text = parts.join(' ');
    return this.rng.bernoulli(0.35) ? withOpener(this.client('elaboration_opener'), text) : text;
  }

  /** More about the current situation: how it felt, what went through the client's mind, what else happened. */
  private continuation(): string {
    const positive = this.situation?.positive === true;
    const options: Record<'feeling' | 'thought' | 'detail', number> = {
      // One feeling per situation: a client who said they felt let down does not switch to numb a turn later.
      feeling: this.feeling === undefined ? 0.4 : 0,
      thought: !positive && this.unused('thoughts') ? 0.3 : 0,
      detail: 0.5,
    };
    const pick = this.rng.weighted(options);
    if (pick === 'feeling') return this.feelingLine();
    if (pick === 'thought') return this.newThought().client;
    return this.detail();
  }

  private detail(): string {
    const all = this.bank.client[this.situation?.positive ? 'detail_positive' : 'detail'];
    const unused = all.filter((c) => !this.used.has(c.client));
    const d = this.rng.pick(unused.length ? unused : all);
    this.used.add(d.client);
    this.lastDetail = d;
    return d.client;
  }

  private newSituation(): Content {
    // Clients sometimes bring in something from the other part of their life.
    const s = this.pickContent('situations', this.rng.bernoulli(0.2) ? this.other : this.focus);
    this.situation = s;
    this.turnsOnSituation = 0;
    this.feeling = undefined;
    this.lastDetail = undefined;
    this.discussed.push(s);
    return s;
  }

  private newThought(): Content {
    const t = this.pickContent('thoughts');
    this.thought = t;
    return t;
  }

  private feelingLine(): string {
    const positive = this.situation?.positive === true;
    this.feeling = this.rng.pick(positive ? this.bank.feelings.positive : this.bank.feelings.negative);
    this.feelingPositive = positive;
    return fill(this.rng.pick(this.bank.client.feeling_line), { feeling: this.feeling });
  }

  private unused(kind: 'situations' | 'thoughts'): boolean {
    return this.focus[kind].some((c) => !this.used.has(c.client));
  }

  private pickContent(kind: 'situations' | 'thoughts', topic = this.focus): Content {
    const all = topic[kind];
    const unused = all.filter((c) => !this.used.has(c.client));
    const c = this.rng.pick(unused.length ? unused : all);
    this.used.add(c.client);
    return c;
  }

  private slot(name: string): string | undefined {
    switch (name) {
      case 'gist':
        return this.situation?.gist;
      case 'thought':
        return this.thought?.gist;
      case 'detail':
        return this.lastDetail?.gist;
      case 'feeling':
        // Feeling templates speak of a hard feeling; after a good moment they are filtered out by this.
        return this.feelingPositive ? undefined : this.feeling;
      case 'goal':
        return this.goal.gist;
      case 'person':
        return this.rng.pick(this.focus.people);
      default:
        return undefined;
    }
  }

  private fresh(all: readonly string[], kind: string): string {
    const options = this.firstSession ? all.filter((o) => !EARLIER_SESSIONS.test(o)) : all;
    if (options.length === 0) throw new Error(`no usable "${kind}" phrase for this moment`);
    const unused = options.filter((o) => !this.used.has(o));
    const template = this.rng.pick(unused.length ? unused : options);
    this.used.add(template);
    return fill(template, Object.fromEntries(slotsOf(template).map((s) => [s, this.slot(s)])));
  }
}

function withOpener(opener: string, text: string): string {
  if (!opener || /^(So|Well|I mean|Honestly|The thing is)\b/.test(text)) return text;
  const keep = /^I\b/.test(text);
  return opener + (keep ? text : text[0]!.toLowerCase() + text.slice(1));
}

import { tokenHash } from '../lexicon/token-hash';

/**
 * The utterance coder's fixed word lists, held as token hashes. They are part of the model: the weights were fitted
 * with them, so changing a list needs retraining (npm run train:coder), unlike the lexicon's marker file.
 */

/** Words too common to say anything about whether a therapist is saying back what the client said. */
const STOP = new Set(
  (
    'a an the and or but so to of in on at for with it is are was were be been am i you me my your he she they ' +
    'we us our their them this that there what how do does did not no yes yeah okay ok um uh like just really ' +
    "can could would will have has had if then than as about all very well know think mm hmm i'm it's that's " +
    "you're don't right go get got one some"
  ).split(' '),
);

export const STOP_HASHES = new Set([...STOP].map(tokenHash));

/** A list of phrases, each as token hashes, found anywhere in an utterance's words. */
class PhraseList {
  private readonly byFirst = new Map<number, number[][]>();

  constructor(phrases: readonly string[]) {
    for (const phrase of phrases) {
      const p = phrase.split(' ').map(tokenHash);
      const list = this.byFirst.get(p[0]!);
      if (list) list.push(p);
      else this.byFirst.set(p[0]!, [p]);
    }
  }

  foundIn(h: readonly number[]): boolean {
    for (let k = 0; k < h.length; k++) {
      const list = this.byFirst.get(h[k]!);
      if (!list) continue;
      for (const p of list) {
        let j = 1;
        while (j < p.length && k + j < h.length && h[k + j] === p[j]) j++;
        if (j === p.length) return true;
      }
    }
    return false;
  }
}

/**
 * How a reflection of feeling often opens ("that must be hard", "I can imagine…"). AnnoMI holds few of most of
 * these, so each alone gets little weight; one shared feature (`emp|1`) learns from all of them together and
 * carries that weight to a phrase AnnoMI never has, as text support is full of.
 */
export const EMPATHY_OPENINGS = new PhraseList([
  'sounds like',
  'that sounds',
  'it sounds',
  'must be',
  'must have been',
  'must feel',
  'i hear',
  'i can hear',
  'i understand',
  'i can understand',
  'i can imagine',
  'i imagine',
  'i can tell',
  'i can see',
  'it seems',
  'seems like',
  'you seem',
  "you're feeling",
  'you are feeling',
  "you're saying",
  'you are saying',
  "what i'm hearing",
]);

/**
 * How advice and information are put ("you could try…", "it might help to…", "a lot of people…"), for `inp|1`:
 * MI therapists seldom advise, so AnnoMI holds a few turns of each phrase, nearly all coded therapist input, and
 * a supporter's "Maybe you could try talking to him" would otherwise read as a reflection by its "you". Phrases
 * AnnoMI codes as often question or reflection as input ("you could", "make sure", "try to") are left out.
 */
export const INPUT_PHRASES = new PhraseList([
  'you should',
  'you could try',
  'you can try',
  'you might try',
  'i suggest',
  'i would suggest',
  "i'd suggest",
  'i recommend',
  'i would recommend',
  "i'd recommend",
  'my advice',
  'it might help',
  'it may help',
  'it could help',
  'it can help',
  'it might be helpful',
  'it may be helpful',
  'a good idea',
  'reach out',
  'i want you to',
  'i encourage',
  'many people',
  'a lot of people',
  'most people',
  'research',
  'studies show',
  'studies have',
  "it's common",
  'it is common',
  "it's very common",
  "it's normal",
  'it is normal',
  'recommended',
  'guidelines',
  'can cause',
  'is linked',
]);

/** Words naming a feeling or how hard something is: the content of a reflection of feeling (`emo|1`). */
export const FEELING_WORDS = new Set(
  (
    'hard difficult tough painful frustrating frustrated upset sad stressed stressful anxious worried scared afraid ' +
    'angry lonely hurt hurtful overwhelmed overwhelming exhausted tired depressed hopeless helpless ashamed guilty ' +
    'embarrassed confused disappointed disappointing heartbroken devastated terrible awful miserable nervous ' +
    'fear upsetting unfair lost stuck trapped alone discouraged'
  )
    .split(' ')
    .map(tokenHash),
);

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

/**
 * How a reflection of feeling often opens ("that must be hard", "I can imagine…"). AnnoMI holds few of most of
 * these, so each alone gets little weight; one shared feature (`emp|1`) learns from all of them together and
 * carries that weight to a phrase AnnoMI never has, as text support is full of.
 */
const EMPATHY_OPENINGS = [
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
].map((p) => p.split(' ').map(tokenHash));
const EMPATHY_BY_FIRST = new Map<number, number[][]>();
for (const p of EMPATHY_OPENINGS) {
  const list = EMPATHY_BY_FIRST.get(p[0]!);
  if (list) list.push(p);
  else EMPATHY_BY_FIRST.set(p[0]!, [p]);
}

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

export function hasEmpathyOpening(h: readonly number[]): boolean {
  for (let k = 0; k < h.length; k++) {
    const list = EMPATHY_BY_FIRST.get(h[k]!);
    if (!list) continue;
    for (const p of list) {
      let j = 1;
      while (j < p.length && k + j < h.length && h[k + j] === p[j]) j++;
      if (j === p.length) return true;
    }
  }
  return false;
}

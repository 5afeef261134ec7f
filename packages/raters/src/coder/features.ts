import { type Tokens, tokenize } from '../lexicon/phrase-matcher';

/**
 * The utterance coder's features, shared by training (scripts/train-coder.ts) and coding so that the two can
 * never drift apart. Every feature is a short readable string such as `w|sounds` (a word), `b|you feel` (two
 * words), `pf2|i guess` (how the other speaker's utterance before opened), `ov|3` (how much of the client's last words the therapist says back). The weights file keys its weights by
 * these strings. (Character n-grams and the previous utterance's words were tried and left out: on AnnoMI they
 * let the model memorise transcripts, and held-out reflection and question F1 fell.) Coding does not build the strings: it computes the same 32-bit FNV-1a hash of each while reading
 * the text, and looks the hash up, which is what makes coding a 300-utterance session take well under a
 * millisecond.
 */

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a over the characters of `s` from state `h`. */
export function fnv(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME);
  return h;
}

/** The hash a feature string has; `kind|content` hashed in one go equals the streamed hash used while coding. */
export const featureHash = (feature: string): number => fnv(FNV_OFFSET, feature) | 0;

const KINDS = [
  'bias',
  'w',
  'b',
  'f1',
  'f2',
  'l1',
  'end',
  'len',
  'pf1',
  'pf2',
  'pend',
  'plen',
  'prole',
  'nf1',
  'nf2',
  'nlen',
  'ov',
  'ovp',
  'pcode',
  'sq',
  'sq2',
  'ls',
  'nq',
] as const;
type Kind = (typeof KINDS)[number];
const KIND_STATE = Object.fromEntries(KINDS.map((k) => [k, fnv(FNV_OFFSET, `${k}|`)])) as Record<Kind, number>;
const SPACE = 32;

/** Words too common to say anything about whether a therapist is saying back what the client said. */
const STOP = new Set(
  (
    'a an the and or but so to of in on at for with it is are was were be been am i you me my your he she they ' +
    'we us our their them this that there what how do does did not no yes yeah okay ok um uh like just really ' +
    "can could would will have has had if then than as about all very well know think mm hmm i'm it's that's " +
    "you're don't right go get got one some"
  ).split(' '),
);

/** An utterance with the bits of it the features read, computed once per utterance and shared by neighbours. */
export interface Prepared {
  role: 'therapist' | 'client' | 'other';
  /** The lexicon's tokens, kept so that the lexicon reads the same utterance without tokenising it again. */
  tokens: Tokens;
  words: string[];
  question: boolean;
  content: Set<string>;
  /** Sentences as word ranges, with whether each ends in "?". */
  sentences: Array<{ from: number; to: number; question: boolean }>;
}

export function prepare(role: Prepared['role'], text: string): Prepared {
  const tokens = tokenize(text);
  const words = tokens.words;
  const content = new Set<string>();
  for (const w of words) if (w.length > 2 && !STOP.has(w)) content.add(stem(w));
  const sentences: Prepared['sentences'] = [];
  let from = 0;
  for (let k = 0; k < words.length; k++) {
    const gapEnd = k + 1 < words.length ? tokens.start[k + 1]! : text.length;
    let end = '';
    for (let c = tokens.end[k]!; c < gapEnd; c++) {
      const ch = text[c];
      if (ch === '?' || ch === '.' || ch === '!') end = ch === '?' || end === '?' ? '?' : ch;
    }
    if (end || k === words.length - 1) {
      sentences.push({ from, to: k + 1, question: end === '?' });
      from = k + 1;
    }
  }
  return { role, tokens, words, question: endsWithQuestion(text), content, sentences };
}

/** A crude stem (worry, worried, worrying read alike), enough for counting shared words. */
function stem(w: string): string {
  if (w.length > 5 && w.endsWith('ing')) return w.slice(0, -3);
  if (w.length > 4 && w.endsWith('ed')) return w.slice(0, -2);
  if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss')) return w.slice(0, -1);
  return w;
}

/** Collects features either as hashes (coding) or as strings with their hashes (training). */
export class FeatureSink {
  hashes: Int32Array = new Int32Array(512);
  count = 0;
  strings: string[] | null;

  constructor(keepStrings = false) {
    this.strings = keepStrings ? [] : null;
  }

  reset(): void {
    this.count = 0;
    if (this.strings) this.strings.length = 0;
  }

  private push(h: number, kind: Kind, content: string): void {
    if (this.count === this.hashes.length) {
      const grown = new Int32Array(this.hashes.length * 2);
      grown.set(this.hashes);
      this.hashes = grown;
    }
    this.hashes[this.count++] = h;
    if (this.strings) this.strings.push(`${kind}|${content}`);
  }

  add(kind: Kind, content: string): void {
    this.push(fnv(KIND_STATE[kind], content), kind, content);
  }

  /** Two words with a space between, hashed without joining them. */
  add2(kind: Kind, a: string, b: string): void {
    const h = fnv(Math.imul(fnv(KIND_STATE[kind], a) ^ SPACE, FNV_PRIME), b);
    this.push(h, kind, this.strings ? `${a} ${b}` : '');
  }
}

const lengthBucket = (n: number): string => (n === 0 ? '0' : String(Math.min(7, Math.floor(Math.log2(n)) + 1)));

/**
 * The features of utterance `i` among its neighbours: its own words and word pairs, how it and each of its
 * questions open, how it ends, its length; the other speaker's utterance before it (how it opens, whether it asked),
 * how the next utterance opens (a client's "yeah, exactly" after a reflection), how many of the other speaker's
 * last content words it repeats, and the code given to the same speaker's previous utterance.
 */
export function extract(sink: FeatureSink, all: readonly Prepared[], i: number, previousCode: string | null): void {
  sink.reset();
  const u = all[i]!;
  const w = u.words;
  sink.add('bias', '');
  for (let k = 0; k < w.length; k++) {
    sink.add('w', w[k]!);
    sink.add2('b', k === 0 ? '<s>' : w[k - 1]!, w[k]!);
  }
  if (w.length > 0) sink.add2('b', w[w.length - 1]!, '</s>');
  sink.add('f1', w[0] ?? '');
  if (w.length > 1) sink.add2('f2', w[0]!, w[1]!);
  sink.add('l1', w[w.length - 1] ?? '');
  sink.add('end', u.question ? '?' : '.');
  sink.add('len', lengthBucket(w.length));
  // Where in the utterance a question sits, and how it opens ("what ..." is open, "do you ..." closed).
  let questions = 0;
  for (const q of u.sentences) {
    if (!q.question) continue;
    questions++;
    sink.add('sq', w[q.from]!);
    if (q.to - q.from > 1) sink.add2('sq2', w[q.from]!, w[q.from + 1]!);
  }
  sink.add('nq', String(Math.min(questions, 2)));
  const last = u.sentences[u.sentences.length - 1];
  if (last) sink.add2('ls', last.question ? '?' : '.', w[last.from]!);

  const before = previousOther(all, i);
  if (before >= 0) {
    const p = all[before]!;
    sink.add('prole', i - before === 1 ? 'adjacent' : 'gap');
    const pw = p.words;
    sink.add('pf1', pw[0] ?? '');
    if (pw.length > 1) sink.add2('pf2', pw[0]!, pw[1]!);
    sink.add('pend', p.question ? '?' : '.');
    sink.add('plen', lengthBucket(pw.length));
    // Saying back what the client just said is what a reflection is; a question seldom repeats as much.
    if (u.content.size > 0 && p.content.size > 0) {
      let shared = 0;
      for (const c of u.content) if (p.content.has(c)) shared++;
      sink.add('ov', String(Math.min(5, Math.round((shared / u.content.size) * 5))));
      sink.add('ovp', String(Math.min(5, Math.round((shared / p.content.size) * 5))));
    } else sink.add('ov', 'none');
  } else sink.add('prole', 'none');

  const next = all[i + 1];
  if (next && next.role !== u.role) {
    sink.add('nf1', next.words[0] ?? '');
    if (next.words.length > 1) sink.add2('nf2', next.words[0]!, next.words[1]!);
    sink.add('nlen', lengthBucket(next.words.length));
  } else sink.add('nf1', '<none>');
  sink.add('pcode', previousCode ?? '<none>');
}

/** The nearest earlier utterance of the other speaker (therapist ↔ client), or -1. */
function previousOther(all: readonly Prepared[], i: number): number {
  const role = all[i]!.role;
  for (let k = i - 1; k >= 0 && k >= i - 3; k--) {
    const r = all[k]!.role;
    if (r !== role && r !== 'other') return k;
  }
  return -1;
}

function endsWithQuestion(text: string): boolean {
  for (let k = text.length - 1; k >= 0; k--) {
    const c = text[k]!;
    if (c === '?') return true;
    if (c !== ' ' && c !== '"' && c !== "'" && c !== ')' && c !== '”' && c !== '\n' && c !== '\t' && c !== '-')
      return false;
  }
  return false;
}

import { InputError, readCsvRows } from '@alliance-lab/core';
import type { RatableUtterance } from '../rater';
import { CLIENT_CODES, SUBCODES, THERAPIST_CODES, type WeightsFile } from './coder';
import { extract, FeatureSink, type Prepared, prepare, withoutPunctuation } from './features';
import { DEFAULT_FIT, type Example, type FitOptions, fitSoftmax } from './softmax';

/**
 * Training the utterance coder from AnnoMI's expert codes, shared by scripts/train-coder.ts (which writes the
 * shipped weights) and scripts/check-annomi.ts (which re-trains without each held-out fold of transcripts, so
 * that its held-out figure never rates a transcript with a coder that saw its codes).
 */

export interface Coded extends RatableUtterance {
  code: string | null;
  subcode: string | null;
}
export interface Transcript {
  id: string;
  /** AnnoMI's expert label of the session, high or low MI quality. */
  quality: string | null;
  utterances: Coded[];
  prepared: Prepared[];
}

export interface TrainOptions {
  /** Features seen in fewer training utterances are left out. */
  minCount: number;
  /** Weights below this in every class are dropped from the file. */
  prune: number;
  fit: FitOptions;
  /** Feature kinds left out (ablations). */
  drop: readonly string[];
  /** Whether to fit the heads for unpunctuated utterances too (on the transcripts with punctuation removed). */
  unpunctuated: boolean;
}
export const DEFAULT_TRAIN: TrainOptions = { minCount: 3, prune: 0.02, fit: DEFAULT_FIT, drop: [], unpunctuated: true };

/** The transcript with every utterance's punctuation removed, codes kept. */
export function unpunctuatedCopy(t: Transcript): Transcript {
  return { ...t, prepared: t.utterances.map((u) => prepare(u.role, withoutPunctuation(u.text))) };
}

export const HEAD_CLASSES = {
  therapist: THERAPIST_CODES as readonly string[],
  client: CLIENT_CODES as readonly string[],
  reflection: SUBCODES.reflection as readonly string[],
  question: SUBCODES.question as readonly string[],
  input: SUBCODES.input as readonly string[],
};
type HeadName = keyof typeof HEAD_CLASSES;

/** Fold of each transcript id: a seeded order dealt round-robin, so no transcript is split. */
export function foldsByTranscript(ids: readonly string[], folds: number, seed: number): Map<string, number> {
  const order = [...ids].sort((a, b) => hashOf(`${seed}:${a}`) - hashOf(`${seed}:${b}`));
  return new Map(order.map((id, i) => [id, i % folds]));
}

/**
 * Fits all five heads on the transcripts and, unless turned off, five more on the same transcripts with their
 * punctuation removed, and returns them as a weights file.
 */
export function fitHeads(train: readonly Transcript[], options: TrainOptions = DEFAULT_TRAIN): WeightsFile {
  const heads = fitHeadSet(train, options);
  const unpunctuated = options.unpunctuated ? fitHeadSet(train.map(unpunctuatedCopy), options) : undefined;
  return {
    version: 'annomi-coder-1',
    description:
      'Utterance coder weights: multinomial logistic regression (AdaGrad, L2) over word, word-pair, punctuation and sentence features of the utterance and features of its neighbours; a second set of heads, fitted on the transcripts with their punctuation removed, codes utterances without any. Trained by scripts/train-coder.ts; see packages/raters/coder/README.md.',
    source: {
      data: 'AnnoMI (uccollab/AnnoMI, commit 42936645ec3857a9c84ab296a36a3c34b779ef49), AnnoMI-full.csv: expert MI codes of 133 demonstration transcripts',
      citation:
        'Wu, Z., Balloccu, S., Kumar, V., Helaoui, R., Reiter, E., Reforgiato Recupero, D., & Riboni, D. (2022). Anno-MI: A dataset of expert-annotated counselling dialogues. ICASSP 2022, doi:10.1109/ICASSP43922.2022.9746035; Wu, Z. et al. (2023). Creation, analysis and evaluation of AnnoMI. Future Internet 15(3):110, doi:10.3390/fi15030110',
      licence:
        'AnnoMI ships no licence file; its README once stated "License: Public Domain" (commit 126d9856) and asks for the two citations above. The transcripts are of public MI demonstration videos. Only model weights derived from the codes are shipped here, no text.',
    },
    evaluation: {},
    heads,
    ...(unpunctuated ? { unpunctuated } : {}),
  };
}

function fitHeadSet(train: readonly Transcript[], options: TrainOptions): WeightsFile['heads'] {
  const { minCount, prune, fit: fitOptions } = options;
  const keep = (f: string) => !options.drop.some((d) => f.startsWith(`${d}|`));
  const sink = new FeatureSink(true);
  const data: Record<HeadName, Array<{ features: string[]; label: number }>> = {
    therapist: [],
    client: [],
    reflection: [],
    question: [],
    input: [],
  };
  for (const t of train) {
    let lastTherapist: string | null = null;
    let lastClient: string | null = null;
    t.utterances.forEach((u, i) => {
      if (u.role === 'other' || u.code === null) return;
      extract(sink, t.prepared, i, u.role === 'therapist' ? lastTherapist : lastClient);
      const features = sink.strings!.filter(keep);
      const head = u.role === 'therapist' ? 'therapist' : 'client';
      data[head].push({ features, label: HEAD_CLASSES[head].indexOf(u.code) });
      if (u.subcode !== null && (u.code === 'reflection' || u.code === 'question' || u.code === 'input')) {
        const k = HEAD_CLASSES[u.code].indexOf(u.subcode);
        if (k >= 0) data[u.code].push({ features, label: k });
      }
      if (u.role === 'therapist') lastTherapist = u.code;
      else lastClient = u.code;
    });
  }
  const heads = {} as WeightsFile['heads'];
  for (const name of Object.keys(HEAD_CLASSES) as HeadName[]) {
    const rows = data[name];
    const counts = new Map<string, number>();
    for (const r of rows) for (const f of new Set(r.features)) counts.set(f, (counts.get(f) ?? 0) + 1);
    const vocab = new Map<string, number>();
    for (const [f, c] of counts) if (c >= minCount) vocab.set(f, vocab.size);
    const examples: Example[] = rows.map((r) => ({
      label: r.label,
      features: Int32Array.from(new Set(r.features.filter((f) => vocab.has(f)).map((f) => vocab.get(f)!))),
    }));
    const k = HEAD_CLASSES[name].length;
    const w = fitSoftmax(examples, vocab.size, k, fitOptions);
    const weights: Record<string, number[]> = {};
    for (const [f, id] of vocab) {
      const row = Array.from(w.subarray(id * k, id * k + k));
      if (f !== 'bias|' && Math.max(...row.map(Math.abs)) < prune) continue;
      weights[f] = row.map((x) => Math.round(x * 1000) / 1000);
    }
    heads[name] = { classes: [...HEAD_CLASSES[name]], weights };
  }
  return heads;
}

/**
 * AnnoMI-full has one row per utterance and annotator (seven transcripts were coded by all ten). Each utterance
 * takes its most frequent code, the first annotator's on a tie, and the most frequent subcode among the rows
 * that gave that code.
 */
export async function readAnnomi(file: string): Promise<Transcript[]> {
  const quality = new Map<string, string>();
  const byTranscript = new Map<
    string,
    Map<number, { role: string; text: string; votes: string[]; subs: string[][] }>
  >();
  for await (const row of readCsvRows(file, { file })) {
    const v = row.values;
    const t = v.transcript_id;
    const uid = Number(v.utterance_id);
    if (t === undefined || !Number.isInteger(uid))
      throw new InputError('expected the AnnoMI-full columns transcript_id and utterance_id', { file, line: row.line });
    let m = byTranscript.get(t);
    if (!m) byTranscript.set(t, (m = new Map()));
    let u = m.get(uid);
    const role = v.interlocutor === 'therapist' ? 'therapist' : v.interlocutor === 'client' ? 'client' : 'other';
    if (!u) m.set(uid, (u = { role, text: v.utterance_text ?? '', votes: [], subs: [] }));
    if (v.mi_quality !== undefined) quality.set(t, v.mi_quality);
    const main = role === 'therapist' ? v.main_therapist_behaviour : v.client_talk_type;
    const code = main === 'therapist_input' ? 'input' : main;
    if (!code || code === 'n/a') continue;
    u.votes.push(code);
    const subtype =
      code === 'reflection'
        ? v.reflection_subtype
        : code === 'question'
          ? v.question_subtype
          : code === 'input'
            ? v.therapist_input_subtype
            : undefined;
    u.subs.push([code, subtype ?? 'n/a']);
  }
  const out: Transcript[] = [];
  for (const [id, m] of byTranscript) {
    const utterances: Coded[] = [...m.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([uid, u]) => {
        const code = mode(u.votes);
        const subs = u.subs.filter(([c, s]) => c === code && s !== 'n/a').map(([, s]) => s!);
        return {
          id: String(uid),
          role: u.role as Coded['role'],
          text: u.text,
          code,
          subcode: subs.length > 0 ? mode(subs) : null,
        };
      });
    out.push({
      id,
      quality: quality.get(id) ?? null,
      utterances,
      prepared: utterances.map((u) => prepare(u.role, u.text)),
    });
  }
  return out;
}

function mode(xs: readonly string[]): string | null {
  if (xs.length === 0) return null;
  const counts = new Map<string, number>();
  for (const x of xs) counts.set(x, (counts.get(x) ?? 0) + 1);
  let best = xs[0]!;
  for (const [x, c] of counts) if (c > counts.get(best)!) best = x;
  return best;
}

function hashOf(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * npm run train:coder -- PATH [--folds 5] [--out FILE] [--seed N] [--no-write]
 *
 * Trains the utterance coder from AnnoMI's expert codes and writes the weights file the raters package ships
 * (packages/raters/coder/weights.json). PATH is your copy of AnnoMI: its folder or AnnoMI-full.csv. The script
 * first evaluates by cross-validation grouped by transcript (each fold's model never sees the transcripts it is
 * scored on, and codes them in order, each utterance reading the code it gave the one before), beside a keyword
 * baseline (the lexicon's phrases and the question mark), then fits on every transcript and reports the in-sample
 * figures separately. Only weights and figures are written; no AnnoMI text.
 */
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { readCsvRows } from '../packages/core/src/util/csv';
import {
  CLIENT_CODES,
  DEFAULT_WEIGHTS_FILE,
  SUBCODES,
  THERAPIST_CODES,
  UtteranceCoder,
  type WeightsFile,
} from '../packages/raters/src/coder/coder';
import { extract, FeatureSink, type Prepared, prepare } from '../packages/raters/src/coder/features';
import { accuracy, perCodeMetrics } from '../packages/raters/src/coder/metrics';
import { DEFAULT_FIT, type Example, fitSoftmax } from '../packages/raters/src/coder/softmax';
import { analyse } from '../packages/raters/src/lexicon/analyse';
import { loadMarkerFile } from '../packages/raters/src/lexicon/marker-file';
import { compileMarkers } from '../packages/raters/src/lexicon/marker-set';
import type { RatableUtterance } from '../packages/raters/src/rater';

const FILE = 'AnnoMI-full.csv';
const usage = 'usage: npm run train:coder -- PATH [--folds N] [--seed N] [--out FILE] [--no-write]';

const args = (() => {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        folds: { type: 'string', default: '5' },
        seed: { type: 'string', default: '2026' },
        out: { type: 'string', default: DEFAULT_WEIGHTS_FILE },
        'no-write': { type: 'boolean', default: false },
        'min-count': { type: 'string', default: '3' },
        prune: { type: 'string', default: '0.02' },
        l2: { type: 'string', default: String(DEFAULT_FIT.l2) },
        epochs: { type: 'string', default: String(DEFAULT_FIT.epochs) },
        rate: { type: 'string', default: String(DEFAULT_FIT.rate) },
        drop: { type: 'string', default: '' },
      },
    });
  } catch (err) {
    return fail(2, `${(err as Error).message}\n${usage}`);
  }
})();
const [target] = args.positionals;
if (!target || args.positionals.length > 1) fail(2, usage);
const folds = Number(args.values.folds);
const seed = Number(args.values.seed);
const minCount = Number(args.values['min-count']);
const prune = Number(args.values.prune);
const fitOptions = {
  ...DEFAULT_FIT,
  l2: Number(args.values.l2),
  epochs: Number(args.values.epochs),
  rate: Number(args.values.rate),
};
/** Feature kinds left out of the model (for ablations): the coder still reads them, but no weight matches. */
const dropped = args.values.drop
  .split(',')
  .filter(Boolean)
  .map((k) => `${k}|`);
const keep = (f: string) => !dropped.some((d) => f.startsWith(d));
const csv = resolve(existsSync(target) && statSync(target).isDirectory() ? join(target, FILE) : target);
if (!existsSync(csv)) fail(1, `${csv}: not found; give the AnnoMI folder or the path of ${FILE}`);

interface Coded extends RatableUtterance {
  code: string | null;
  subcode: string | null;
}
interface Transcript {
  id: string;
  utterances: Coded[];
  prepared: Prepared[];
}

const transcripts = await readAnnomi(csv);
process.stderr.write(
  `AnnoMI: ${transcripts.length} transcripts, ${transcripts.reduce((s, t) => s + t.utterances.length, 0)} utterances\n`,
);

const HEAD_CLASSES = {
  therapist: THERAPIST_CODES as readonly string[],
  client: CLIENT_CODES as readonly string[],
  reflection: SUBCODES.reflection as readonly string[],
  question: SUBCODES.question as readonly string[],
  input: SUBCODES.input as readonly string[],
};
type HeadName = keyof typeof HEAD_CLASSES;

// Folds by transcript, in a seeded order, so no transcript is split between training and test.
const order = transcripts.map((t) => t.id).sort((a, b) => hashOf(`${seed}:${a}`) - hashOf(`${seed}:${b}`));
const foldOf = new Map(order.map((id, i) => [id, i % folds]));

const heldOut = {
  gold: { therapist: [] as string[], client: [] as string[] },
  pred: { therapist: [] as string[], client: [] as string[] },
};
const heldOutSub = { gold: [] as string[], pred: [] as string[] };
for (let f = 0; f < folds; f++) {
  const train = transcripts.filter((t) => foldOf.get(t.id) !== f);
  const test = transcripts.filter((t) => foldOf.get(t.id) === f);
  const coder = new UtteranceCoder(fitHeads(train), 'cv');
  score(coder, test, heldOut, heldOutSub);
  process.stderr.write(`fold ${f + 1}/${folds} done\n`);
}
const baseline = keywordBaseline(transcripts);
const finalFile = fitHeads(transcripts);
const inSample = {
  gold: { therapist: [] as string[], client: [] as string[] },
  pred: { therapist: [] as string[], client: [] as string[] },
};
const inSampleSub = { gold: [] as string[], pred: [] as string[] };
score(new UtteranceCoder(finalFile, 'all'), transcripts, inSample, inSampleSub);

const report = (r: typeof heldOut, sub: typeof heldOutSub) => ({
  therapist: perCodeMetrics(r.gold.therapist, r.pred.therapist, THERAPIST_CODES),
  therapistAccuracy: accuracy(r.gold.therapist, r.pred.therapist),
  client: perCodeMetrics(r.gold.client, r.pred.client, CLIENT_CODES),
  clientAccuracy: accuracy(r.gold.client, r.pred.client),
  subcodeAccuracy: accuracy(sub.gold, sub.pred),
});
const evaluation = {
  method: `${folds}-fold cross-validation grouped by transcript (seed ${seed}); held-out transcripts coded in order with the fold's own predicted codes as context`,
  heldOut: report(heldOut, heldOutSub),
  inSample: report(inSample, inSampleSub),
  keywordBaseline: {
    method:
      'therapist: "?" at the end is a question, else a lexicon reflection phrase is a reflection, else a psychoeducation, directive or warning phrase is input, else other; client: lexicon change-talk or sustain-talk phrases, else neutral',
    therapist: perCodeMetrics(baseline.gold.therapist, baseline.pred.therapist, THERAPIST_CODES),
    client: perCodeMetrics(baseline.gold.client, baseline.pred.client, CLIENT_CODES),
  },
};
const file: WeightsFile = { ...finalFile, evaluation };
console.log(JSON.stringify(evaluation, null, 1));
const features = Object.values(file.heads).reduce((s, h) => s + Object.keys(h.weights).length, 0);
if (!args.values['no-write']) {
  writeFileSync(args.values.out, `${JSON.stringify(file)}\n`);
  process.stderr.write(`wrote ${args.values.out} (${features} feature rows)\n`);
}

/** Fits all five heads on the transcripts and returns them as a weights file. */
function fitHeads(train: readonly Transcript[]): WeightsFile {
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
  return {
    version: 'annomi-coder-1',
    description:
      'Utterance coder weights: multinomial logistic regression (AdaGrad, L2) over word, word-pair and character n-gram features of the utterance and its context. Trained by scripts/train-coder.ts; see packages/raters/coder/README.md.',
    source: {
      data: 'AnnoMI (uccollab/AnnoMI, commit 42936645ec3857a9c84ab296a36a3c34b779ef49), AnnoMI-full.csv: expert MI codes of 133 demonstration transcripts',
      citation:
        'Wu, Z., Balloccu, S., Kumar, V., Helaoui, R., Reiter, E., Reforgiato Recupero, D., & Riboni, D. (2022). Anno-MI: A dataset of expert-annotated counselling dialogues. ICASSP 2022, doi:10.1109/ICASSP43922.2022.9746035; Wu, Z. et al. (2023). Creation, analysis and evaluation of AnnoMI. Future Internet 15(3):110, doi:10.3390/fi15030110',
      licence:
        'AnnoMI ships no licence file; its README once stated "License: Public Domain" (commit 126d9856) and asks for the two citations above. The transcripts are of public MI demonstration videos. Only model weights derived from the codes are shipped here, no text.',
    },
    evaluation: {},
    heads,
  };
}

function score(coder: UtteranceCoder, test: readonly Transcript[], into: typeof heldOut, sub: typeof heldOutSub) {
  for (const t of test) {
    const codes = coder.codePrepared(t.utterances, t.prepared);
    t.utterances.forEach((u, i) => {
      const c = codes[i];
      if (u.code === null || !c) return;
      into.gold[c.role].push(u.code);
      into.pred[c.role].push(c.code);
      if (u.subcode !== null && c.code === u.code && c.subcode !== null) {
        sub.gold.push(u.subcode);
        sub.pred.push(c.subcode);
      }
    });
  }
}

function keywordBaseline(all: readonly Transcript[]) {
  const set = compileMarkers(loadMarkerFile());
  const ids = (xs: string[]) => new Set(xs.map((x) => set.markerIndex(x)));
  const reflection = ids(['reflection', 'reflective-opening', 'feeling-reflection']);
  const input = ids(['psychoeducation', 'directive', 'warning']);
  const change = ids(['change-talk']);
  const sustain = ids(['sustain-talk']);
  const out = {
    gold: { therapist: [] as string[], client: [] as string[] },
    pred: { therapist: [] as string[], client: [] as string[] },
  };
  for (const t of all) {
    const a = analyse(set, t.utterances);
    t.utterances.forEach((u, i) => {
      if (u.code === null || u.role === 'other') return;
      const at = a.markersAt[i]!;
      const has = (s: Set<number>) => at.some((m) => s.has(m));
      const pred =
        u.role === 'therapist'
          ? a.question[i]
            ? 'question'
            : has(reflection)
              ? 'reflection'
              : has(input)
                ? 'input'
                : 'other'
          : has(change)
            ? 'change'
            : has(sustain)
              ? 'sustain'
              : 'neutral';
      out.gold[u.role].push(u.code);
      out.pred[u.role].push(pred);
    });
  }
  return out;
}

/**
 * AnnoMI-full has one row per utterance and annotator (seven transcripts were coded by all ten). Each utterance
 * takes its most frequent code, the first annotator's on a tie, and the most frequent subcode among the rows
 * that gave that code.
 */
async function readAnnomi(file: string): Promise<Transcript[]> {
  const byTranscript = new Map<
    string,
    Map<number, { role: string; text: string; votes: string[]; subs: string[][] }>
  >();
  for await (const row of readCsvRows(file, { file })) {
    const v = row.values;
    const t = v.transcript_id;
    const uid = Number(v.utterance_id);
    if (t === undefined || !Number.isInteger(uid)) fail(1, `${file}: expected the AnnoMI-full columns`);
    let m = byTranscript.get(t);
    if (!m) byTranscript.set(t, (m = new Map()));
    let u = m.get(uid);
    const role = v.interlocutor === 'therapist' ? 'therapist' : v.interlocutor === 'client' ? 'client' : 'other';
    if (!u) m.set(uid, (u = { role, text: v.utterance_text ?? '', votes: [], subs: [] }));
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
    out.push({ id, utterances, prepared: utterances.map((u) => prepare(u.role, u.text)) });
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

function fail(code: number, message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

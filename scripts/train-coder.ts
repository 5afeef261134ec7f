/**
 * npm run train:coder -- PATH [--folds 5] [--out FILE] [--seed N] [--no-write] [--no-unpunctuated]
 *
 * Trains the utterance coder from AnnoMI's expert codes and writes the weights file the raters package ships
 * (packages/raters/coder/weights.json). PATH is your copy of AnnoMI: its folder or AnnoMI-full.csv. The script
 * first evaluates by cross-validation grouped by transcript (each fold's model never sees the transcripts it is
 * scored on, and codes them in order, each utterance reading the code it gave the one before), beside a keyword
 * baseline (the lexicon's phrases and the question mark), and again on the held-out transcripts with their
 * punctuation removed; then fits on every transcript and reports the in-sample figures separately. Besides the main
 * heads it fits the heads for unpunctuated utterances (on the transcripts with punctuation removed) unless told
 * not to. Every coder scored here runs the reflection guards (guards.json, or --guards FILE) as the shipped one does;
 * the held-out figures without them are reported beside. Only weights and figures are written; no AnnoMI text.
 */
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  CLIENT_CODES,
  DEFAULT_GUARDS_FILE,
  DEFAULT_WEIGHTS_FILE,
  readGuardsFile,
  THERAPIST_CODES,
  UtteranceCoder,
  type WeightsFile,
} from '@alliance-lab/raters/coder';
import { accuracy, perCodeMetrics } from '@alliance-lab/raters/coder';
import { DEFAULT_FIT } from '@alliance-lab/raters/coder';
import {
  fitHeads,
  foldsByTranscript,
  readAnnomi,
  type TrainOptions,
  type Transcript,
  unpunctuatedCopy,
} from '@alliance-lab/raters/coder';
import { analyse } from '@alliance-lab/raters';
import { loadMarkerFile } from '@alliance-lab/raters';
import { compileMarkers } from '@alliance-lab/raters';

const FILE = 'AnnoMI-full.csv';
const usage =
  'usage: npm run train:coder -- PATH [--folds N] [--seed N] [--out FILE] [--guards FILE] [--no-write] [--no-unpunctuated]';

const args = (() => {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        folds: { type: 'string', default: '5' },
        seed: { type: 'string', default: '2026' },
        out: { type: 'string', default: DEFAULT_WEIGHTS_FILE },
        guards: { type: 'string', default: DEFAULT_GUARDS_FILE },
        'no-write': { type: 'boolean', default: false },
        'min-count': { type: 'string', default: '3' },
        prune: { type: 'string', default: '0.02' },
        l2: { type: 'string', default: String(DEFAULT_FIT.l2) },
        epochs: { type: 'string', default: String(DEFAULT_FIT.epochs) },
        rate: { type: 'string', default: String(DEFAULT_FIT.rate) },
        drop: { type: 'string', default: '' },
        'no-unpunctuated': { type: 'boolean', default: false },
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
const train: TrainOptions = {
  minCount: Number(args.values['min-count']),
  prune: Number(args.values.prune),
  fit: {
    ...DEFAULT_FIT,
    l2: Number(args.values.l2),
    epochs: Number(args.values.epochs),
    rate: Number(args.values.rate),
  },
  // Feature kinds left out of the model (for ablations): the coder still reads them, but no weight matches.
  drop: args.values.drop.split(',').filter(Boolean),
  unpunctuated: !args.values['no-unpunctuated'],
};
const csv = resolve(existsSync(target) && statSync(target).isDirectory() ? join(target, FILE) : target);
if (!existsSync(csv)) fail(1, `${csv}: not found; give the AnnoMI folder or the path of ${FILE}`);

const transcripts = await readAnnomi(csv);
process.stderr.write(
  `AnnoMI: ${transcripts.length} transcripts, ${transcripts.reduce((s, t) => s + t.utterances.length, 0)} utterances\n`,
);

const foldOf = foldsByTranscript(
  transcripts.map((t) => t.id),
  folds,
  seed,
);

const heldOut = {
  gold: { therapist: [] as string[], client: [] as string[] },
  pred: { therapist: [] as string[], client: [] as string[] },
};
const heldOutSub = { gold: [] as string[], pred: [] as string[] };
// The same held-out transcripts with their punctuation removed, as chat or speech recognition may give them.
const bare = {
  gold: { therapist: [] as string[], client: [] as string[] },
  pred: { therapist: [] as string[], client: [] as string[] },
};
const bareSub = { gold: [] as string[], pred: [] as string[] };
// The model alone, without the reflection guards, for contrast.
const unguarded = {
  gold: { therapist: [] as string[], client: [] as string[] },
  pred: { therapist: [] as string[], client: [] as string[] },
};
const unguardedSub = { gold: [] as string[], pred: [] as string[] };
const guards = readGuardsFile(resolve(args.values.guards)).guards;
for (let f = 0; f < folds; f++) {
  const fitOn = transcripts.filter((t) => foldOf.get(t.id) !== f);
  const test = transcripts.filter((t) => foldOf.get(t.id) === f);
  const weights = fitHeads(fitOn, train);
  const coder = new UtteranceCoder(weights, 'cv', guards);
  score(coder, test, heldOut, heldOutSub);
  score(new UtteranceCoder(weights, 'cv'), test, unguarded, unguardedSub);
  score(coder, test.map(unpunctuatedCopy), bare, bareSub);
  process.stderr.write(`fold ${f + 1}/${folds} done\n`);
}
const baseline = keywordBaseline(transcripts);
const finalFile = fitHeads(transcripts, train);
const inSample = {
  gold: { therapist: [] as string[], client: [] as string[] },
  pred: { therapist: [] as string[], client: [] as string[] },
};
const inSampleSub = { gold: [] as string[], pred: [] as string[] };
score(new UtteranceCoder(finalFile, 'all', guards), transcripts, inSample, inSampleSub);

const report = (r: typeof heldOut, sub: typeof heldOutSub) => ({
  therapist: perCodeMetrics(r.gold.therapist, r.pred.therapist, THERAPIST_CODES),
  therapistAccuracy: accuracy(r.gold.therapist, r.pred.therapist),
  client: perCodeMetrics(r.gold.client, r.pred.client, CLIENT_CODES),
  clientAccuracy: accuracy(r.gold.client, r.pred.client),
  subcodeAccuracy: accuracy(sub.gold, sub.pred),
});
const evaluation = {
  method: `${folds}-fold cross-validation grouped by transcript (seed ${seed}); held-out transcripts coded in order with the fold's own predicted codes as context`,
  guards: `every coder scored runs the reflection guards of ${basename(args.values.guards)}; heldOutWithoutGuards is the model alone`,
  heldOut: report(heldOut, heldOutSub),
  heldOutWithoutGuards: report(unguarded, unguardedSub),
  heldOutUnpunctuated: report(bare, bareSub),
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
const features = [...Object.values(file.heads), ...Object.values(file.unpunctuated ?? {})].reduce(
  (s, h) => s + Object.keys(h.weights).length,
  0,
);
if (!args.values['no-write']) {
  writeFileSync(args.values.out, `${JSON.stringify(file)}\n`);
  process.stderr.write(`wrote ${args.values.out} (${features} feature rows)\n`);
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

function fail(code: number, message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

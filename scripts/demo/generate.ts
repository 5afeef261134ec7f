// `npm run demo-data [-- OUT_DIR]`: regenerates the demo dataset (default datasets/demo) from the seed.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateDemo } from './write-dataset';

const root = fileURLToPath(new URL('../../', import.meta.url));
const out = resolve(process.argv[2] ?? resolve(root, 'datasets/demo'));
const s = generateDemo(out);
process.stdout.write(
  `wrote ${out}: ${s.clients} clients, ${s.therapists} therapists, ${s.sessions} sessions, ${s.utterances} utterances, ` +
    `${s.ruptures} ruptures (${s.repaired} repaired), ${s.codedSessions} coded sessions\n`,
);

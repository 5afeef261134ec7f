import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineCommand, list, text } from '@alliance-lab/core/cli';
import { z } from 'zod';

export const CODE_COLUMNS = ['client', 'session', 'utterance_id', 'role', 'code', 'subcode', 'probability'];

export const codeCommand = defineCommand({
  path: ['code'],
  summary:
    'code every utterance with the MI utterance coder (reflection, question, input, other; change, sustain, neutral talk)',
  description: [
    "Codes each utterance of the sessions' current transcripts with the utterance coder trained on AnnoMI's expert",
    'codes (packages/raters/coder): therapist utterances as reflection (simple, complex), question (open, closed),',
    'input (information, advice, negotiation, options) or other; client utterances as change, sustain or neutral',
    'talk. An utterance with no punctuation (chat, speech recognition without it) is coded by heads trained on',
    'AnnoMI with its punctuation removed. A coded reflection that puts advice, information, an affirmation or a',
    "self-disclosure as such is recoded input or other by the coder's guards (packages/raters/coder/guards.json).",
    "The codes are stored in the study (replacing that coder version's earlier",
    'codes of the same transcript; running again changes nothing) and written as CSV, one row per utterance:',
    `${CODE_COLUMNS.join(',')}. Utterances of neither speaker get an empty code.`,
  ].join('\n'),
  options: z.object({
    study: text('study folder', 'DIR'),
    out: text('the CSV to write', 'FILE.csv'),
    sessions: list('session ids (C01/3) or client ids (C01); default all', 'ID,...'),
    weights: text('a coder weights file; default the shipped one', 'FILE').optional(),
    guards: text(
      'a reflection guards file; default the shipped one (one with no guards turns them off)',
      'FILE',
    ).optional(),
  }),
  examples: [
    'alliance code --study demo-study --out codes.csv',
    'alliance code --study pilot --sessions C01 --out c01.csv --json',
  ],
  async run(ctx, o) {
    const out = resolve(o.out);
    const weights = o.weights;
    // Loaded here, not at the top: the store and its database driver cost start-up time for every other command.
    const { CsvWriter, openStudy, storeUtteranceCodes, UsageError } = await import('@alliance-lab/core');
    if (existsSync(out) && statSync(out).isDirectory()) throw new UsageError(`--out ${o.out} is a folder; give a file`);
    const study = await openStudy(o.study);
    // Written beside the target and moved into place at the end, so a run that fails leaves no half-written CSV.
    const tmp = `${out}.${process.pid}.tmp`;
    let csv: InstanceType<typeof CsvWriter> | undefined;
    let written = false;
    try {
      const [{ loadCoder }, { selectTranscripts, loadTranscript }] = await Promise.all([
        import('../coder/coder'),
        import('../run/run-transcripts'),
      ]);
      const coder = loadCoder(
        weights ? resolve(weights) : undefined,
        o.guards === undefined ? undefined : resolve(o.guards),
      );
      const refs = await selectTranscripts(study, o.sessions);
      csv = new CsvWriter(tmp, CODE_COLUMNS);
      const bar = ctx.progress({ label: 'coding', total: refs.length, unit: 'sessions' });
      let changed = 0;
      const counts: Record<string, number> = {};
      for (const ref of refs) {
        const t = await loadTranscript(study, ref);
        const codes = coder.code(t.utterances);
        const [client, session] = ref.sessionId.split('/') as [string, string];
        t.utterances.forEach((u, i) => {
          const c = codes[i];
          if (c) counts[c.code] = (counts[c.code] ?? 0) + 1;
          csv!.row([client, session, u.id, u.role, c?.code, c?.subcode, c?.probability]);
        });
        const stored = codes.filter((c) => c !== null);
        if (await storeUtteranceCodes(study, ref.transcriptId, { version: coder.version, hash: coder.hash }, stored))
          changed++;
        bar.tick(1, { stored: changed });
      }
      bar.finish();
      const utterances = csv.rows;
      csv.close();
      csv = undefined;
      renameSync(tmp, out);
      written = true;
      const data = {
        sessions: refs.length,
        utterances,
        stored: changed,
        coder: coder.version,
        guards: coder.guardsVersion,
        out,
        counts,
      };
      const name = coder.guardsVersion ? `${coder.version} with ${coder.guardsVersion}` : coder.version;
      const text = `${name}: coded ${utterances} utterance${utterances === 1 ? '' : 's'} of ${refs.length} session${refs.length === 1 ? '' : 's'} (${changed} stored anew); wrote ${out}`;
      return { data, text };
    } finally {
      csv?.close();
      if (!written) rmSync(tmp, { force: true });
      await study.close();
    }
  },
});

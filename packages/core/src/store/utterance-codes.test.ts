import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { importTranscriptFiles } from '../import/transcripts';
import { InputError } from '../util/errors';
import { initStudy } from './study';
import { readUtteranceCodes, storeUtteranceCodes } from './utterance-codes';
import { storeKinds, useStore } from '../../../../test/support/stores';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function study() {
  const root = mkdtempSync(join(tmpdir(), 'codes-'));
  dirs.push(root);
  const s = await initStudy(join(root, 'study'), { name: 'codes' });
  const file = join(root, 's.jsonl');
  const utterances = [
    { id: 'a', role: 'therapist', text: 'How are you?' },
    { id: 'b', role: 'client', text: 'Fine.' },
  ];
  writeFileSync(file, `${JSON.stringify({ client: 'C1', therapist: 'T1', session: 1, utterances })}\n`);
  await importTranscriptFiles(s, { files: [file] });
  const t = await s.db.selectFrom('transcripts').select('id').executeTakeFirstOrThrow();
  return { s, transcript: t.id };
}

const CODER = { version: 'test-coder-1', hash: 'h1' };
const codes = [
  { utteranceId: 'b', role: 'client' as const, code: 'neutral' as const, subcode: null, probability: 0.7 },
  { utteranceId: 'a', role: 'therapist' as const, code: 'question' as const, subcode: 'open', probability: 0.9 },
];

describe.each(storeKinds)('utterance codes store on %s', (kind) => {
  useStore(kind);
  it('stores in utterance order, is idempotent, and replaces a changed set with an audit entry', async () => {
    const { s, transcript } = await study();
    try {
      expect(await storeUtteranceCodes(s, transcript, CODER, codes)).toBe(true);
      expect((await readUtteranceCodes(s, transcript)).map((c) => c.utteranceId)).toEqual(['a', 'b']);
      expect(await storeUtteranceCodes(s, transcript, CODER, codes)).toBe(false);
      const changed = [{ ...codes[0]!, code: 'change' as const }, codes[1]!];
      expect(await storeUtteranceCodes(s, transcript, CODER, changed)).toBe(true);
      expect((await readUtteranceCodes(s, transcript, CODER.version))[1]!.code).toBe('change');
      const audit = await s.db.selectFrom('audit').select('action').where('entity', '=', 'utterance-codes').execute();
      expect(audit.map((a) => a.action)).toEqual(['insert', 'update']);
    } finally {
      await s.close();
    }
  });

  it('refuses codes for utterances the transcript does not have, or of the wrong speaker, writing nothing', async () => {
    const { s, transcript } = await study();
    try {
      await expect(storeUtteranceCodes(s, transcript, CODER, [{ ...codes[0]!, utteranceId: 'zz' }])).rejects.toThrow(
        InputError,
      );
      await expect(storeUtteranceCodes(s, transcript, CODER, [{ ...codes[0]!, utteranceId: 'a' }])).rejects.toThrow(
        /"a" .* is therapist, not client/,
      );
      expect(await readUtteranceCodes(s, transcript)).toEqual([]);
    } finally {
      await s.close();
    }
  });
});

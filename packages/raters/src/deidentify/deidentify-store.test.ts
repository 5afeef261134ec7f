import type { Study } from '@alliance-lab/core';
import { afterEach, describe, expect, it } from 'vitest';
import { loadTranscript, selectTranscripts } from '../run/run-transcripts';
import { createFixtureStudy, NAMES } from '../testing/study-fixture';
import { deidentifyForStudy, deidentifySettingsHash, storedMapping } from './deidentify-store';
import { storeKinds, useStore } from '../../../../test/support/stores';

const open: Study[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

async function fixture() {
  const { study } = await createFixtureStudy({
    raters: { lexicon: { provider: 'lexicon' } },
    clients: 1,
    sessionsPerClient: 1,
  });
  open.push(study);
  const [ref] = await selectTranscripts(study);
  return { study, t: await loadTranscript(study, ref!) };
}

describe.each(storeKinds)('deidentifyForStudy on %s', (kind) => {
  useStore(kind);
  it("replaces the study's names and stores the mapping beside the transcript", async () => {
    const { study, t } = await fixture();
    const out = await deidentifyForStudy(study, t);
    const text = out.utterances.map((u) => u.text).join('\n');
    for (const part of NAMES.flatMap((n) => n.split(' '))) expect(text).not.toContain(part);
    expect(text).toContain('Hi [NAME_1], good to see you again.');
    expect(out.contentHash).not.toBe(t.contentHash);
    const rows = await study.db.selectFrom('deidentification_maps').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      transcript_id: t.transcriptId,
      settings_hash: deidentifySettingsHash(NAMES),
      deidentified_hash: out.contentHash,
    });
    expect(await storedMapping(study, t.transcriptId)).toEqual(
      expect.arrayContaining([{ placeholder: '[NAME_1]', kind: 'NAME', originals: ['Sam'] }]),
    );
  });

  it('gives the same text and keeps one row when run again', async () => {
    const { study, t } = await fixture();
    const a = await deidentifyForStudy(study, t);
    const b = await deidentifyForStudy(study, t);
    expect(b).toEqual(a);
    expect(await study.db.selectFrom('deidentification_maps').select('transcript_id').execute()).toHaveLength(1);
  });

  it('keys mappings by the name list, ignoring order and case', () => {
    expect(deidentifySettingsHash(['Sam Rivera', 'Maria Lopez'])).toBe(
      deidentifySettingsHash(['maria  lopez', 'SAM RIVERA']),
    );
    expect(deidentifySettingsHash(['Sam Rivera'])).not.toBe(deidentifySettingsHash(['Sam Rivera', 'Maria Lopez']));
  });

  it('has no mapping for a transcript never de-identified', async () => {
    const { study, t } = await fixture();
    expect(await storedMapping(study, t.transcriptId)).toBeUndefined();
  });
});

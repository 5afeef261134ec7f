import { describe, expect, it } from 'vitest';
import { TranscriptImportInterrupted, importTranscriptFiles, type TranscriptImportRequest } from './import-files';
import { NamePattern } from './name-pattern';
import { SpeakerMap } from './speaker-map';
import { fixture, freshStudy, snapshot, tempFile } from './test-support';
import { storeKinds, useStore } from '../../../../../test/support/stores';

const vttMeta = { client: 'C90', therapist: 'T90', session: 1 };
const zoomSpeakers = SpeakerMap.parse(['Dr. Lee=therapist', 'Sam=client']);

/** Bad inputs of every kind; each must fail with its location and leave the store exactly as it was. */
const malformed: Array<[string, Omit<TranscriptImportRequest, 'files'>, RegExp]> = [
  [
    'malformed/bad-timestamp.vtt',
    { meta: vttMeta, speakers: zoomSpeakers },
    /bad-timestamp\.vtt, line 8, column 18: expected a cue end time/,
  ],
  [
    'malformed/bad-timestamp.srt',
    { meta: vttMeta },
    /bad-timestamp\.srt, line 14, column 1: expected a cue start time/,
  ],
  ['malformed/bad-timestamp.csv', {}, /bad-timestamp\.csv, line 4, column "start": expected start as seconds/],
  [
    'malformed/end-before-start.vtt',
    { meta: vttMeta },
    /end-before-start\.vtt, line 3, column 18: the cue ends before it starts/,
  ],
  [
    'malformed/unknown-speaker.srt',
    { meta: vttMeta },
    /unknown-speaker\.srt, line 7: 2 speakers are not mapped to a role: "Casey" \(line 7\), "Robin" \(line 11\)/,
  ],
  ['malformed/unknown-speaker.csv', {}, /unknown-speaker\.csv, line 4: a speaker is not mapped to a role: "partner"/],
  ['zoom-session.vtt', { meta: vttMeta }, /zoom-session\.vtt, line 5: 2 speakers are not mapped to a role/],
  ['malformed/broken-quoting.csv', {}, /broken-quoting\.csv, line 3, column 28: a quote inside an unquoted field/],
  [
    'malformed/unclosed-quote.csv',
    {},
    /unclosed-quote\.csv, line 3: a quoted field opened at column 19 is never closed/,
  ],
  ['malformed/broken-line.jsonl', {}, /broken-line\.jsonl, line 3, column \d+: not valid JSON/],
  ['malformed/bad-role.jsonl', {}, /bad-role\.jsonl, line 2, column \d+: utterances\[1\]\.role/],
  ['malformed/bad-start.json', {}, /bad-start\.json, line 7, column 66: utterances\[1\]\.start/],
  ['malformed/no-prefix.txt', { meta: vttMeta }, /no-prefix\.txt, line 1, column 1: text with no speaker/],
  ['malformed/empty.vtt', { meta: vttMeta }, /empty\.vtt, line 1: the file is empty/],
  ['malformed/empty.srt', { meta: vttMeta }, /empty\.srt, line 1: the file is empty/],
  ['malformed/empty.txt', { meta: vttMeta }, /empty\.txt, line 1: the file is empty/],
  ['malformed/empty.csv', {}, /empty\.csv, line 1: the file is empty/],
  ['malformed/empty.json', {}, /empty\.json, line 1: the file is empty/],
  ['malformed/empty.jsonl', {}, /empty\.jsonl, line 1: the file is empty/],
  ['malformed/latin1.txt', { meta: vttMeta }, /latin1\.txt, line 1: not valid UTF-8 text/],
  ['malformed/latin1.csv', {}, /latin1\.csv, line 3: not valid UTF-8 text/],
  ['malformed/utf16.vtt', { meta: vttMeta }, /utf16\.vtt, line 1: the file is UTF-16 encoded/],
];

async function seeded() {
  const study = await freshStudy();
  await importTranscriptFiles(study, { files: [fixture('sessions.jsonl'), fixture('sessions.csv')] });
  return study;
}

describe.each(storeKinds)('importing transcript files on %s', (kind) => {
  const store = useStore(kind);
  it('imports several formats in one call and reports what it did', async () => {
    const study = await freshStudy();
    const summary = await importTranscriptFiles(study, {
      files: [fixture('sessions.jsonl'), fixture('session.json'), fixture('sessions.csv')],
    });
    // 3 + 1 + 2 sessions; 7 + 3 + 5 utterances, counted from the fixtures.
    expect(summary).toMatchObject({
      files: 3,
      sessionsImported: 6,
      newVersions: 0,
      restored: 0,
      unchanged: 0,
      utterances: 15,
    });
    expect(summary.perFile.map((f) => [f.format, f.sessionsImported, f.utterances])).toEqual([
      ['jsonl', 3, 7],
      ['json', 1, 3],
      ['csv', 2, 5],
    ]);
    // Options must agree with metadata a file carries, so single-session captions are imported on their own.
    await expect(importTranscriptFiles(study, { files: [fixture('session.json')], meta: vttMeta })).rejects.toThrow(
      /session\.json, line 2, column 13: client: the file says "C201" but C90 was given/,
    );
    expect(
      await importTranscriptFiles(study, {
        files: [fixture('zoom-session.vtt')],
        meta: vttMeta,
        speakers: zoomSpeakers,
      }),
    ).toMatchObject({ sessionsImported: 1, utterances: 4 });
    expect((await snapshot(study)).counts).toMatchObject({
      clients: 6,
      therapists: 5,
      sessions: 7,
      transcripts: 7,
      utterances: 19,
    });
    await study.close();
  });

  it('is idempotent: importing the same files again changes nothing', async () => {
    const study = await seeded();
    const before = await snapshot(study);
    const again = await importTranscriptFiles(study, { files: [fixture('sessions.jsonl'), fixture('sessions.csv')] });
    expect(again).toMatchObject({ files: 2, sessionsImported: 0, newVersions: 0, unchanged: 5, utterances: 0 });
    expect(await snapshot(study)).toEqual(before);
    await study.close();
  });

  if (kind === 'sqlite')
    it.each(malformed)('%s fails with its location and leaves the store unchanged', async (file, opts, message) => {
      const study = await seeded();
      const before = await snapshot(study);
      await expect(importTranscriptFiles(study, { ...opts, files: [fixture(file)] })).rejects.toThrow(message);
      expect(await snapshot(study)).toEqual(before);
      await study.close();
    });
  // The same refusals against one seeded study: a fresh PostgreSQL schema per file would cost a migration each.
  else
    it('fails each malformed file with its location and leaves the store unchanged', async () => {
      const study = await seeded();
      const before = await snapshot(study);
      for (const [file, opts, message] of malformed) {
        await expect(importTranscriptFiles(study, { ...opts, files: [fixture(file)] }), file).rejects.toThrow(message);
        expect(await snapshot(study), file).toEqual(before);
      }
      await study.close();
    });

  it('rolls back sessions already written from the failing file, and keeps files imported before it', async () => {
    const study = await freshStudy();
    // Session C1/1 is fine and is written before the unmapped speaker in C2/1 is found.
    const bad = tempFile(
      'two-sessions.csv',
      'client,therapist,session,speaker,text\nC1,T1,1,therapist,Hello\nC1,T1,1,client,Hi\nC2,T1,1,partner,Hey\n',
    );
    const err = await importTranscriptFiles(study, { files: [fixture('session.json'), bad] }).catch(
      (e: Error & { imported?: unknown }) => e,
    );
    expect(String(err)).toMatch(/two-sessions\.csv, line 4: a speaker is not mapped to a role: "partner"/);
    expect((err as { imported?: unknown }).imported).toMatchObject({ files: 1, sessionsImported: 1 });
    const snap = await snapshot(study);
    expect(snap.counts).toMatchObject({ clients: 1, sessions: 1, transcripts: 1, utterances: 3 });
    expect(snap.audit).toHaveLength(1);
    await study.close();
  });

  it('checks every file before importing any', async () => {
    const study = await freshStudy();
    await expect(
      importTranscriptFiles(study, { files: [fixture('session.json'), fixture('no-such-file.json')] }),
    ).rejects.toThrow(/no-such-file\.json: file not found/);
    await expect(
      importTranscriptFiles(study, { files: [fixture('session.json'), fixture('../README.md')] }),
    ).rejects.toThrow(/cannot tell the format of .*README\.md/);
    expect((await snapshot(study)).counts.transcripts).toBe(0);
    await study.close();
  });

  it('reads session metadata off file names', async () => {
    const study = await freshStudy();
    const text = 'T: How are you?\nC: Fine.\n';
    const files = [
      tempFile('C21_s1.txt', text),
      tempFile('C21_s2.txt', `${text}T: Good.\n`),
      tempFile('C22_s1.txt', text),
    ];
    const summary = await importTranscriptFiles(study, {
      files,
      meta: { therapist: 'T5' },
      namePattern: NamePattern.compile('{client}_s{session}.txt'),
    });
    expect(summary).toMatchObject({ files: 3, sessionsImported: 3 });
    const sessions = await study.db.selectFrom('sessions').select(['id', 'therapist_id']).orderBy('id').execute();
    expect(sessions).toEqual([
      { id: 'C21/1', therapist_id: 'T5' },
      { id: 'C21/2', therapist_id: 'T5' },
      { id: 'C22/1', therapist_id: 'T5' },
    ]);
    await study.close();
  });

  it('parses on a second thread with the same results and the same errors', async () => {
    const inThread = await freshStudy();
    store.another();
    const threaded = await freshStudy();
    await importTranscriptFiles(inThread, { files: [fixture('sessions.jsonl'), fixture('sessions.csv')] });
    await importTranscriptFiles(inThread, {
      files: [fixture('zoom-session.vtt')],
      meta: vttMeta,
      speakers: zoomSpeakers,
    });
    const summary = await importTranscriptFiles(threaded, {
      files: [fixture('sessions.jsonl'), fixture('sessions.csv')],
      threadedFromBytes: 0,
    });
    expect(summary).toMatchObject({ files: 2, sessionsImported: 5, utterances: 12 });
    await importTranscriptFiles(threaded, {
      files: [fixture('zoom-session.vtt')],
      meta: vttMeta,
      speakers: zoomSpeakers,
      threadedFromBytes: 0,
    });
    const dump = async (s: typeof threaded) => ({
      transcripts: await s.db
        .selectFrom('transcripts')
        .select(['id', 'content_hash', 'utterance_count'])
        .orderBy('id')
        .execute(),
      utterances: await s.db.selectFrom('utterances').selectAll().orderBy('transcript_id').orderBy('seq').execute(),
    });
    expect(await dump(threaded)).toEqual(await dump(inThread));

    const before = await snapshot(threaded);
    await expect(
      importTranscriptFiles(threaded, { files: [fixture('malformed/broken-line.jsonl')], threadedFromBytes: 0 }),
    ).rejects.toThrow(
      /broken-line\.jsonl, line 3, column \d+: not valid JSON: expected "," or "\]" after an array element/,
    );
    await expect(
      importTranscriptFiles(threaded, { files: [fixture('zoom-session.vtt')], meta: vttMeta, threadedFromBytes: 0 }),
    ).rejects.toThrow(/zoom-session\.vtt, line 5: 2 speakers are not mapped/);
    expect(await snapshot(threaded)).toEqual(before);
    await inThread.close();
    await threaded.close();
  });

  it('passes parser warnings on, from this thread and from the parser thread', async () => {
    const shuffled = tempFile(
      'shuffled.vtt',
      'WEBVTT\n\n00:00:05.000 --> 00:00:06.000\n<v T>Later.\n\n00:00:01.000 --> 00:00:02.000\n<v C>Earlier.\n',
    );
    for (const threadedFromBytes of [Number.POSITIVE_INFINITY, 0]) {
      const study = await freshStudy();
      const warnings: string[] = [];
      await importTranscriptFiles(study, {
        files: [shuffled],
        meta: vttMeta,
        threadedFromBytes,
        onWarning: (m) => warnings.push(m),
      });
      expect(warnings).toEqual([expect.stringMatching(/shuffled\.vtt, line 6: a cue starts before the cue above it/)]);
      await study.close();
    }
  });

  it('stops the parser thread and rolls back when the store refuses a session', async () => {
    const study = await freshStudy();
    await importTranscriptFiles(study, {
      files: [
        tempFile(
          'first.jsonl',
          '{"client":"C302","therapist":"T09","session":1,"utterances":[{"id":"u1","role":"client","text":"Hi"}]}\n',
        ),
      ],
    });
    const before = await snapshot(study);
    // sessions.jsonl records C302 session 1 with therapist T02, on its line 4.
    await expect(
      importTranscriptFiles(study, { files: [fixture('sessions.jsonl')], threadedFromBytes: 0 }),
    ).rejects.toThrow(
      /sessions\.jsonl, line 4: client C302 session 1 is recorded with therapist T09, but this input says T02/,
    );
    expect(await snapshot(study)).toEqual(before);
    await study.close();
  });

  it('rolls back the file in progress when interrupted', async () => {
    const study = await freshStudy();
    const controller = new AbortController();
    controller.abort();
    const err = await importTranscriptFiles(study, {
      files: [fixture('sessions.jsonl')],
      signal: controller.signal,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TranscriptImportInterrupted);
    expect(String(err)).toMatch(/import interrupted; .*sessions\.jsonl was rolled back/);
    expect((await snapshot(study)).counts.transcripts).toBe(0);
    await study.close();
  });
});

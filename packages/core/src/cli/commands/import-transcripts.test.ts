import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture } from '../../import/transcripts/test-support';
import { auditTrail } from '../../store/audit';
import { openStudy } from '../../store/study';
import { runCore as main } from './testing';
import { storeKinds, useStore } from '../../../../../test/support/stores';
import { tempDir } from '../../../../../test/support/temp-dir';

async function run(argv: string[], tty = false) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: { write: (s: string) => (stdout += s) },
    // A wide terminal, so the bar is not left out to fit the default 100 columns.
    stderr: { write: (s: string) => (stderr += s), isTTY: tty, columns: 200 },
  });
  return { code, stdout, stderr };
}

const scratch = tempDir('cli-import-files-');
function scratchFile(name: string, text: string): string {
  const p = join(scratch, name);
  writeFileSync(p, text);
  return p;
}

/** The store's files byte for byte, to show a dry run writes nothing. */
function storeBytes(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.sqlite') || n.endsWith('.sqlite-wal')))
    out[f] = readFileSync(join(dir, f)).toString('base64');
  return out;
}

async function newStudy(): Promise<string> {
  const dir = join(tempDir('cli-import-'), 'study');
  expect((await run(['init', dir, '--json'])).code).toBe(0);
  return dir;
}

async function state(dir: string) {
  const status = await run(['status', '--study', dir, '--json']);
  const study = await openStudy(dir);
  const audit = await auditTrail(study.db);
  await study.close();
  return { status: JSON.parse(status.stdout), audit };
}

describe.each(storeKinds)('alliance import transcripts on %s', (kind) => {
  const store = useStore(kind);
  it('imports files and prints one JSON summary; a second run changes nothing', async () => {
    const dir = await newStudy();
    const first = await run([
      'import',
      'transcripts',
      '--study',
      dir,
      fixture('sessions.jsonl'),
      fixture('sessions.csv'),
      '--json',
    ]);
    expect(first.code).toBe(0);
    expect(first.stderr).toBe('');
    expect(first.stdout.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(first.stdout)).toEqual({
      files: 2,
      sessionsImported: 5,
      newVersions: 0,
      restored: 0,
      unchanged: 0,
      utterances: 12,
    });
    const before = await state(dir);
    expect(before.status).toMatchObject({ clients: 4, sessions: 5, transcripts: 5, utterances: 12 });
    const again = await run([
      'import',
      'transcripts',
      '--study',
      dir,
      fixture('sessions.jsonl'),
      fixture('sessions.csv'),
      '--json',
    ]);
    expect(JSON.parse(again.stdout)).toEqual({
      files: 2,
      sessionsImported: 0,
      newVersions: 0,
      restored: 0,
      unchanged: 5,
      utterances: 0,
    });
    expect(await state(dir)).toEqual(before);
  });

  it('imports captions with session options and a speaker map, and stores a changed file as a new version', async () => {
    const dir = await newStudy();
    const args = [
      'import',
      'transcripts',
      '--study',
      dir,
      '--client',
      'C01',
      '--therapist',
      'T02',
      '--session',
      '3',
      '--date',
      '2026-02-03',
    ];
    const vtt = await run([...args, '--speakers', 'Dr. Lee=therapist,Sam=client', fixture('zoom-session.vtt')]);
    expect(vtt.code).toBe(0);
    expect(vtt.stdout).toMatch(/imported 1 file: 1 new session, 0 new versions, 0 unchanged, 4 utterances/);
    const srt = await run([
      ...args,
      '--format',
      'srt',
      '--speakers',
      'Jordan=client',
      '--json',
      fixture('session.srt'),
    ]);
    expect(JSON.parse(srt.stdout)).toMatchObject({ sessionsImported: 0, newVersions: 1, utterances: 4 });
    const s = await state(dir);
    expect(s.status).toMatchObject({ sessions: 1, transcripts: 1, utterances: 4 });
    expect(s.audit.map((a) => [a.entityId, a.action])).toEqual([
      ['C01/3/v1', 'insert'],
      ['C01/3/v1', 'update'],
      ['C01/3/v2', 'insert'],
    ]);
  });

  it('fails bad input with exit 1 and a located JSON error, leaving status and audit unchanged', async () => {
    const dir = await newStudy();
    await run(['import', 'transcripts', '--study', dir, fixture('sessions.jsonl')]);
    const before = await state(dir);
    const bad = await run([
      'import',
      'transcripts',
      '--study',
      dir,
      fixture('sessions.csv'),
      fixture('malformed/broken-line.jsonl'),
      '--json',
    ]);
    expect(bad.code).toBe(1);
    const error = JSON.parse(bad.stdout).error;
    expect(error).toMatchObject({ kind: 'input', file: fixture('malformed/broken-line.jsonl'), line: 3 });
    expect(typeof error.column).toBe('number');
    expect(bad.stderr).toMatch(/1 file was imported before the error \(imported 1 file: 2 new sessions/);
    const after = await state(dir);
    // sessions.csv committed before the bad file; the bad file added nothing.
    expect(after.status).toEqual({
      ...before.status,
      clients: before.status.clients + 2,
      sessions: before.status.sessions + 2,
      therapists: before.status.therapists + 1,
      transcripts: before.status.transcripts + 2,
      utterances: before.status.utterances + 5,
      // The two new sessions make their questionnaires due; that is counted from the schedule, not stored.
      collection: after.status.collection,
    });
    expect(after.audit).toHaveLength(before.audit.length + 2);

    const only = await state(dir);
    const latin = await run([
      'import',
      'transcripts',
      '--study',
      dir,
      '--client',
      'C9',
      '--therapist',
      'T9',
      '--session',
      '1',
      fixture('malformed/latin1.txt'),
    ]);
    expect(latin.code).toBe(1);
    expect(latin.stderr).toMatch(/latin1\.txt, line 1: not valid UTF-8 text/);
    expect(await state(dir)).toEqual(only);
  });

  it('--dry-run counts what would be added, changed and left alone, and writes nothing', async () => {
    const dir = await newStudy();
    expect((await run(['import', 'transcripts', '--study', dir, fixture('sessions.jsonl')])).code).toBe(0);
    const before = await state(dir);
    // On SQLite not a byte of the store's files changes; on PostgreSQL the status and audit below show it.
    const bytes = storeBytes(dir);
    expect(Object.keys(bytes).length > 0).toBe(kind === 'sqlite');
    const changed = scratchFile(
      'changed.jsonl',
      readFileSync(fixture('sessions.jsonl'), 'utf8')
        .split('\n')
        .map((l, i) => (i === 0 ? l.replace(/"text":"([^"]*)"/, '"text":"$1 (edited)"') : l))
        .join('\n'),
    );
    const dry = await run([
      'import',
      'transcripts',
      '--study',
      dir,
      '--dry-run',
      '--json',
      changed,
      fixture('sessions.csv'),
    ]);
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout)).toEqual({ add: 2, change: 1, unchanged: 2 });
    expect(storeBytes(dir)).toEqual(bytes);
    expect(await state(dir)).toEqual(before);
    const text = await run(['import', 'transcripts', '--study', dir, '--dry-run', changed]);
    expect(text.stdout).toMatch(/dry run, nothing written: 1 file would add 0 sessions, change 1 .* leave 2 unchanged/);
  });

  it('maps a quoted speaker label holding a comma, or labels from a --speakers-file', async () => {
    const vtt = scratchFile(
      'teams.vtt',
      'WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v Lee, Jordan (Dr.)>How are you?</v>\n\n00:00:04.000 --> 00:00:05.000\n<v Sam>Fine.</v>\n',
    );
    const meta = ['--client', 'C01', '--therapist', 'T01', '--session', '1', '--json'];
    const dir = await newStudy();
    const quoted = await run([
      'import',
      'transcripts',
      '--study',
      dir,
      ...meta,
      '--speakers',
      '"Lee, Jordan (Dr.)"=therapist,Sam=client',
      vtt,
    ]);
    expect(quoted.stderr).toBe('');
    expect(JSON.parse(quoted.stdout)).toMatchObject({ sessionsImported: 1, utterances: 2 });
    const file = scratchFile('speakers.csv', 'speaker,role\n"Lee, Jordan (Dr.)",therapist\nSam,client\n');
    store.another();
    const other = await newStudy();
    const fromFile = await run(['import', 'transcripts', '--study', other, ...meta, '--speakers-file', file, vtt]);
    expect(JSON.parse(fromFile.stdout)).toMatchObject({ sessionsImported: 1, utterances: 2 });
    const badRole = scratchFile('bad-speakers.csv', 'speaker,role\nSam,patient\n');
    const bad = await run(['import', 'transcripts', '--study', other, ...meta, '--speakers-file', badRole, vtt]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/bad-speakers\.csv, line 2, column "role": the role must be therapist, client or other/);
  });

  it('reads a semicolon-separated CSV, and --delimiter overrides the guess', async () => {
    const semi = scratchFile(
      'semi.csv',
      'client;therapist;session;speaker;text\nC1;T1;1;therapist;Hello, welcome\nC1;T1;1;client;Hi\n',
    );
    const dir = await newStudy();
    const r = await run(['import', 'transcripts', '--study', dir, '--json', semi]);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toMatchObject({ sessionsImported: 1, utterances: 2 });
    const wrong = await run(['import', 'transcripts', '--study', dir, '--delimiter', 'comma', semi]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(
      /semi\.csv, line 2: expected 1 field as in the header, found 2.*one column joined by semicolons.*--delimiter ';'/,
    );
    const noComma = scratchFile('semi2.csv', 'client;therapist;session;speaker;text\nC1;T1;1;client;Hi\n');
    const joined = await run(['import', 'transcripts', '--study', dir, '--delimiter', ',', noComma]);
    expect(joined.stderr).toMatch(
      /semi2\.csv, line 1: no speaker column.*the header reads as one column joined by semicolons/,
    );
    expect((await run(['import', 'transcripts', '--study', dir, '--delimiter', ';;', semi])).code).toBe(2);
  });

  it('exits 2 on usage errors before touching the store', async () => {
    const dir = await newStudy();
    const cases: Array<[string[], RegExp]> = [
      [['--columns', 'speeker=who'], /--columns entry "speeker=who" should be FIELD=HEADER/],
      [['--speakers', 'Sam'], /--speakers entry "Sam" should look like "Name=therapist"/],
      [['--session', '0'], /--session must be an integer >= 1/],
      [['--client', 'Jane Doe'], /--client must be a pseudonymous id/],
      [['--date', '3/2/2026'], /--date must be a real date as YYYY-MM-DD/],
      [['--date', '2025-02-30'], /--date must be a real date as YYYY-MM-DD, got "2025-02-30"/],
      [['--name-pattern', '{name}.vtt'], /unknown placeholder \{name\}/],
      [['--format', 'docx'], /--format must be one of json, jsonl, csv, vtt, srt, text/],
    ];
    for (const [opts, message] of cases) {
      const r = await run(['import', 'transcripts', '--study', dir, ...opts, fixture('session.json')]);
      expect(r.code, opts.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    expect((await run(['import', 'transcripts', '--study', dir])).code).toBe(2);
    expect((await state(dir)).status.transcripts).toBe(0);
  });

  it('draws progress on a terminal and keeps stdout to the one JSON object', async () => {
    const dir = await newStudy();
    const r = await run(
      ['import', 'transcripts', '--study', dir, fixture('sessions.jsonl'), fixture('session.json'), '--json'],
      true,
    );
    expect(r.code).toBe(0);
    // The bar follows bytes read; the files done are a field beside it.
    expect(r.stderr).toMatch(/importing \[#+\] 100% ([\d.]+ k?B)\/\1 .*files 2\/2 {2}sessions 4/);
    expect(JSON.parse(r.stdout)).toMatchObject({ files: 2, sessionsImported: 4 });
  });

  it('imports an AnnoMI-shaped export with a column map, one client per transcript', async () => {
    const dir = await newStudy();
    const r = await run([
      'import',
      'transcripts',
      '--study',
      dir,
      '--columns',
      'client=transcript_id,speaker=interlocutor,text=utterance_text,start=timestamp,id=utterance_id',
      '--therapist',
      'annomi',
      '--session',
      '1',
      '--json',
      fixture('annomi-shaped.csv'),
    ]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ files: 1, sessionsImported: 2, utterances: 10 });
    expect((await state(dir)).status).toMatchObject({
      clients: 2,
      therapists: 1,
      sessions: 2,
      transcripts: 2,
      utterances: 10,
    });
  });
});

import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { dropSchema, postgresSchemaUrl } from '../../../../test/support/stores';
import { postgresMissing, postgresUrl, uniqueSchema } from '../../../../test/support/postgres';
import { tempDir } from '../../../../test/support/temp-dir';
import { runCore } from '../cli/commands/testing';
import { appendAudit, auditTrail } from './audit';
import { copyStore, storeHashes } from './copy';
import { storePassword } from './postgres';
import { upsertResponse } from './responses';
import { ensureSession } from './sessions';
import { initStudy, openStudy } from './study';
import { storeTranscript } from './transcripts';

async function cli(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCore(argv, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
  });
  return { code, stdout, stderr };
}

const schemas: string[] = [];
const schema = () => {
  const s = uniqueSchema();
  schemas.push(s);
  return s;
};
afterEach(async () => {
  for (const s of schemas.splice(0)) await dropSchema(s);
});

async function tablesIn(name: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    const r = await client.query('select table_name from information_schema.tables where table_schema = $1', [name]);
    return r.rows.map((x) => x.table_name as string).sort();
  } finally {
    await client.end();
  }
}

describe.skipIf(postgresMissing !== undefined)('a study on PostgreSQL', () => {
  it('is created by init --store with the URL (no password) in study.json, in its own schema', async () => {
    const s = schema();
    const dir = join(tempDir('pg-init-'), 'trial');
    const r = await cli(['init', dir, '--store', postgresSchemaUrl(s), '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ schema: s });
    const json = JSON.parse(readFileSync(join(dir, 'study.json'), 'utf8'));
    expect(json.store).toEqual({ kind: 'postgres', url: postgresSchemaUrl(s) });
    expect(existsSync(join(dir, 'study.sqlite'))).toBe(false);
    const tables = await tablesIn(s);
    expect(tables).toContain('kysely_migration');
    expect(tables).toContain('utterances');
    const study = await openStudy(dir);
    expect(study.dialect).toBe('postgres');
    expect(study.schema).toBe(s);
    await study.close();
  });

  it('refuses a URL with a password, writing nothing', async () => {
    const dir = join(tempDir('pg-init-'), 'trial');
    const withPassword = postgresUrl!.replace('postgres://postgres@', 'postgres://postgres:secret@');
    const r = await cli(['init', dir, '--store', withPassword]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/carries a password.*PGPASSWORD or a ~\/\.pgpass line/s);
    expect(r.stderr).not.toContain('secret');
    expect(existsSync(join(dir, 'study.json'))).toBe(false);
  });

  it('keeps studies sharing a database apart by schema, each named after its study', async () => {
    const root = tempDir('pg-share-');
    const a = schema();
    const b = schema();
    expect((await cli(['init', join(root, 'a'), '--name', a, '--store', postgresUrl!])).code).toBe(0);
    expect((await cli(['init', join(root, 'b'), '--name', b, '--store', postgresUrl!])).code).toBe(0);
    const sa = await openStudy(join(root, 'a'));
    const sb = await openStudy(join(root, 'b'));
    expect([sa.schema, sb.schema]).toEqual([a, b]);
    await ensureSession(sa.db, { client: 'C1', therapist: 'T1', session: 1 });
    expect(await sa.db.selectFrom('sessions').select('id').execute()).toEqual([{ id: 'C1/1' }]);
    expect(await sb.db.selectFrom('sessions').select('id').execute()).toEqual([]);
    // count(*) is a bigint on PostgreSQL; the store reads it as the number SQLite gives.
    const { n } = await sa.db
      .selectFrom('sessions')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(n).toBe(1);
    await sa.close();
    await sb.close();
  });

  it('follows ALLIANCE_STORE_URL for a run, whatever study.json says', async () => {
    const s = schema();
    const dir = join(tempDir('pg-env-'), 'x');
    await (await initStudy(dir, { name: 'X' })).close();
    process.env.ALLIANCE_STORE_URL = postgresSchemaUrl(s);
    try {
      const study = await openStudy(dir);
      expect(study.dialect).toBe('postgres');
      expect(study.schema).toBe(s);
      await study.close();
    } finally {
      delete process.env.ALLIANCE_STORE_URL;
    }
    expect(await tablesIn(s)).toContain('ratings');
  });

  it('takes the password from PGPASSWORD, else the matching ~/.pgpass line', async () => {
    const file = join(tempDir('pgpass-'), 'pgpass');
    writeFileSync(file, 'db.example.org:5432:studies:alice:from-file\n*:*:*:bob:other\n');
    chmodSync(file, 0o600);
    const saved = { pw: process.env.PGPASSWORD, file: process.env.PGPASSFILE };
    delete process.env.PGPASSWORD;
    process.env.PGPASSFILE = file;
    try {
      const conn = { host: 'db.example.org', port: 5432, database: 'studies', user: 'alice' };
      expect(await storePassword(conn)).toBe('from-file');
      expect(await storePassword({ ...conn, user: 'carol' })).toBeUndefined();
      process.env.PGPASSWORD = 'from-env';
      expect(await storePassword(conn)).toBe('from-env');
    } finally {
      if (saved.pw === undefined) delete process.env.PGPASSWORD;
      else process.env.PGPASSWORD = saved.pw;
      if (saved.file === undefined) delete process.env.PGPASSFILE;
      else process.env.PGPASSFILE = saved.file;
    }
  });
});

describe.skipIf(postgresMissing !== undefined)('alliance store copy', () => {
  async function filledStudy(dir: string) {
    const s = await initStudy(dir, { name: 'Copy me' }, { actor: 'ana' });
    await s.db.transaction().execute(async (trx) => {
      for (const session of [1, 2]) {
        await storeTranscript(
          { db: trx, sqlite: s.sqlite, actor: s.actor },
          {
            transcript: {
              client: 'C01',
              therapist: 'T01',
              session,
              utterances: [
                { id: 'u1', role: 'therapist', text: 'Hello — “quoted” ünïcode', start: 0.25, end: 1.5 },
                { id: 'u2', role: 'client', text: `Session ${session}` },
              ],
            },
            line: 1,
          },
          { file: 'a.json', format: 'json' },
        );
      }
    });
    const sessionId = await ensureSession(s.db, { client: 'C01', session: 1 });
    await upsertResponse(
      s.db,
      s.actor,
      { sessionId, instrument: 'srs', form: 'client', respondent: 'client', items: { '1': 3.5, '2': null } },
      [{ scale: 'total', score: 3.5, pomp: 35.125, prorated: true, missing: false }],
    );
    await s.close();
  }

  it('moves a study to PostgreSQL and back with identical hashes, refusing a non-empty target without --replace', async () => {
    const root = tempDir('copy-');
    const s = schema();
    await filledStudy(join(root, 'src'));
    const before = await openStudy(join(root, 'src'));
    const sourceHashes = await storeHashes(before);
    await before.close();
    expect(sourceHashes.find((t) => t.table === 'utterances')?.rows).toBe(4);

    const there = await cli(['store', 'copy', '--from', join(root, 'src'), '--to', postgresSchemaUrl(s), '--json']);
    expect(there.stderr).toBe('');
    expect(there.code).toBe(0);
    expect(JSON.parse(there.stdout).tables).toEqual(sourceHashes);
    // The folder now lives on PostgreSQL; a new audit row gets a fresh id after the copied ones.
    expect(JSON.parse(readFileSync(join(root, 'src', 'study.json'), 'utf8')).store).toEqual({
      kind: 'postgres',
      url: postgresSchemaUrl(s),
    });
    const onPg = await openStudy(join(root, 'src'));
    expect(onPg.dialect).toBe('postgres');
    expect(await storeHashes(onPg)).toEqual(sourceHashes);
    const copiedAudit = (await auditTrail(onPg.db)).length;
    expect(copiedAudit).toBeGreaterThan(0);
    await appendAudit(onPg.db, {
      actor: 'ana',
      entity: 'session',
      entityId: 'copy-check',
      action: 'insert',
      before: null,
      after: {},
    });
    expect(await auditTrail(onPg.db)).toHaveLength(copiedAudit + 1);
    await onPg.db.deleteFrom('audit').where('entity_id', '=', 'copy-check').execute();
    await onPg.close();

    await filledStudy(join(root, 'other'));
    const again = await cli(['store', 'copy', '--from', join(root, 'other'), '--to', postgresSchemaUrl(s)]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already holds a study .*--replace/);

    const back = await cli(['store', 'copy', '--from', postgresSchemaUrl(s), '--to', join(root, 'src'), '--json']);
    expect(back.code).toBe(2);
    expect(back.stderr).toMatch(/same store/);

    const home = await cli(['store', 'copy', '--from', join(root, 'src'), '--to', join(root, 'back'), '--json']);
    expect(home.stderr).toBe('');
    expect(home.code).toBe(0);
    const returned = await openStudy(join(root, 'back'));
    expect(returned.dialect).toBe('sqlite');
    expect(returned.config.name).toBe('Copy me');
    expect(await storeHashes(returned)).toEqual(sourceHashes);
    await returned.close();

    const replaced = await cli([
      'store',
      'copy',
      '--from',
      postgresSchemaUrl(s),
      '--to',
      join(root, 'back'),
      '--replace',
    ]);
    expect(replaced.stderr).toBe('');
    expect(replaced.code).toBe(0);
    expect(replaced.stdout).toMatch(/counts and hashes match/);
  });

  it('writes nothing and says which table differs when the copy does not match its source', async () => {
    const root = tempDir('copy-');
    await filledStudy(join(root, 'src'));
    const source = await openStudy(join(root, 'src'));
    const s = schema();
    const target = await openStudy(join(root, 'src'), { store: postgresSchemaUrl(s) });
    // A target that alters what it is given: the check before commit must catch it.
    await sql`create function mangle() returns trigger language plpgsql as $$ begin new.text := new.text || '!'; return new; end $$`.execute(
      target.db,
    );
    await sql`create trigger mangle before insert on utterances for each row execute function mangle()`.execute(
      target.db,
    );
    try {
      await expect(copyStore({ ...source, label: 'src' }, { ...target, label: 'pg' })).rejects.toThrow(
        /nothing was written: utterances: content hash [0-9a-f]{64} ≠ source [0-9a-f]{64}$/,
      );
      const counts = await storeHashes(target);
      expect(counts.every((t) => t.rows === 0)).toBe(true);
    } finally {
      await source.close();
      await target.close();
    }
  });

  it('needs a schema to copy from a bare URL', async () => {
    const r = await cli(['store', 'copy', '--from', postgresUrl!, '--to', join(tempDir('copy-'), 'x')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/schema=NAME/);
  });
});

import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { postgresMissing, postgresUrl, uniqueSchema } from '../../../../test/support/postgres';

describe.skipIf(postgresMissing !== undefined)('the test PostgreSQL', () => {
  it('accepts connections and keeps one schema per test apart', async () => {
    const client = new pg.Client({ connectionString: postgresUrl });
    await client.connect();
    try {
      const a = uniqueSchema();
      const b = uniqueSchema();
      expect(a).not.toBe(b);
      await client.query(`create schema ${a}`);
      await client.query(`create table ${a}.t (x int)`);
      await client.query(`insert into ${a}.t values (1), (2)`);
      const r = await client.query(`select count(*)::int as n from ${a}.t`);
      expect(r.rows[0].n).toBe(2);
      const other = await client.query(
        'select count(*)::int as n from information_schema.tables where table_schema = $1',
        [b],
      );
      expect(other.rows[0].n).toBe(0);
      await client.query(`drop schema ${a} cascade`);
    } finally {
      await client.end();
    }
  });
});

import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { postgresMissing, postgresUrl, uniqueSchema } from './postgres';
import { dropPostgresSchema } from './postgres-cluster';

export type StoreKind = 'sqlite' | 'postgres';

/**
 * The stores a store test runs on, for describe.each: SQLite always, PostgreSQL when the run has one (always under
 * CI, where postgres-setup.ts fails the run without it).
 */
export const storeKinds: StoreKind[] = postgresMissing === undefined ? ['sqlite', 'postgres'] : ['sqlite'];

/**
 * Puts every study the enclosing describe's tests open on `kind`. For PostgreSQL each test gets a fresh schema
 * through ALLIANCE_STORE_URL (the run-wide override every openStudy honours), dropped after the test; for SQLite
 * nothing changes. A test that opens two different studies at once would share the schema, so such tests stay
 * on SQLite or give each study its own URL.
 *
 * `shared`: one schema for the whole describe instead, set before its beforeAll hooks and dropped after its
 * afterAll ones, for a describe whose tests read one study built once (registered first, so it runs first).
 */
export function useStore(
  kind: StoreKind,
  opts: { shared?: boolean } = {},
): { schema(): string | null; another(): void; apart<T>(fn: () => Promise<T>): Promise<T> } {
  const made: string[] = [];
  if (kind === 'postgres') {
    let saved: string | undefined;
    const before = () => {
      saved = process.env.ALLIANCE_STORE_URL;
      switchSchema(made);
    };
    const after = async () => {
      if (saved === undefined) delete process.env.ALLIANCE_STORE_URL;
      else process.env.ALLIANCE_STORE_URL = saved;
      let tables = 0;
      for (const schema of made.splice(0)) tables += await dropCounting(schema);
      // A study built once for the describe that never reached PostgreSQL (a child process given an environment
      // without the URL, say) would pass as a second SQLite run.
      if (opts.shared && tables === 0) throw new Error('no study of this describe was stored on PostgreSQL');
    };
    if (opts.shared) {
      beforeAll(before);
      afterAll(after);
    } else {
      beforeEach(before);
      afterEach(after);
    }
  }
  return {
    schema: () => made.at(-1) ?? null,
    /** Studies opened from now on in this test go to a schema of their own (on SQLite they have their folders). */
    another: () => {
      if (kind === 'postgres') switchSchema(made);
    },
    /**
     * Runs `fn` (which makes a second study) with a schema of its own, then puts back the current one, so the
     * describe's shared study is still the one later tests open.
     */
    apart: async <T>(fn: () => Promise<T>): Promise<T> => {
      if (kind !== 'postgres') return fn();
      const current = process.env.ALLIANCE_STORE_URL;
      switchSchema(made);
      try {
        return await fn();
      } finally {
        process.env.ALLIANCE_STORE_URL = current;
      }
    },
  };
}

function switchSchema(made: string[]): void {
  const schema = uniqueSchema();
  made.push(schema);
  process.env.ALLIANCE_STORE_URL = postgresSchemaUrl(schema);
}

/** The test PostgreSQL's URL for one schema. */
export function postgresSchemaUrl(schema: string): string {
  if (!postgresUrl) throw new Error(`no test PostgreSQL: ${postgresMissing}`);
  return `${postgresUrl}?schema=${schema}`;
}

export async function dropSchema(schema: string): Promise<void> {
  await dropCounting(schema);
}

/** Drops a schema, saying how many tables it held. */
function dropCounting(schema: string): Promise<number> {
  if (!postgresUrl) throw new Error(`no test PostgreSQL: ${postgresMissing}`);
  return dropPostgresSchema(postgresUrl, schema);
}

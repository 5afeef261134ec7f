import type { Migration, MigrationProvider } from 'kysely';
import * as m0001 from './0001-initial';
import * as m0002 from './0002-rating-cache';
import * as m0003 from './0003-deidentification';
import * as m0004 from './0004-utterance-codes';
import * as m0005 from './0005-cache-leases';
import * as m0006 from './0006-collection';
import * as m0007 from './0007-validation-runs';
import * as m0008 from './0008-export-secret';
import * as m0009 from './0009-rating-batches';
import * as m0010 from './0010-score-scales';

/**
 * Migrations in order. Listed statically (not read from a folder) so they work the same from source, from a
 * bundle and in tests. A new migration is a new file plus one line here; a shipped migration never changes.
 */
export const migrations: Record<string, Migration> = {
  '0001-initial': m0001,
  '0002-rating-cache': m0002,
  '0003-deidentification': m0003,
  '0004-utterance-codes': m0004,
  '0005-cache-leases': m0005,
  '0006-collection': m0006,
  '0007-validation-runs': m0007,
  '0008-export-secret': m0008,
  '0009-rating-batches': m0009,
  '0010-score-scales': m0010,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};

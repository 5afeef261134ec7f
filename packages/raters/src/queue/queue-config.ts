import { type Study, UsageError, sha256 } from '@alliance-lab/core';
import { DEFAULT_RETRY_POLICY } from '../run/retry';

/**
 * Where a study's rating queue lives and how its jobs behave. The queue is pg-boss in a PostgreSQL schema of its
 * own per study (several studies share a database), one queue per rater, with a dead-letter queue beside it.
 */

/** The PostgreSQL schema of a study's queue: its name made safe, and a hash so two similar names stay apart. */
export function queueSchema(studyName: string): string {
  const slug = studyName
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 24);
  // pg-boss allows 50 characters: 15 + 24 + 1 + 8.
  return `alliance_queue_${slug || 'study'}_${sha256(studyName).slice(0, 8)}`;
}

/** The queue of one rater's jobs, and where its failures go. */
export function queueNames(rater: string): { queue: string; deadLetter: string } {
  const safe = `${rater.replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, 40)}_${sha256(rater).slice(0, 8)}`;
  return { queue: `rate_${safe}`, deadLetter: `rate_${safe}_failed` };
}

/** The URL of a study's PostgreSQL store as study.json names it (store.url), if it names one. */
export function storeUrlOf(study: Study): string | undefined {
  return study.config.store.kind === 'postgres' ? study.config.store.url : undefined;
}

/**
 * The queue's PostgreSQL: --queue-url, else ALLIANCE_STORE_URL, else study.json's store.url (the study store's own
 * URL when the study lives on PostgreSQL). A password in the URL is refused; it comes from PGPASSWORD or ~/.pgpass, which pg reads.
 */
export function queueUrl(
  option: string | undefined,
  env: Record<string, string | undefined>,
  storeUrl?: string,
): string {
  const raw = option ?? (env.ALLIANCE_STORE_URL || storeUrl);
  if (!raw || raw.trim() === '') {
    throw new UsageError(
      'the queue needs the study on PostgreSQL (alliance init --store postgres://…) or --queue-url postgres://…',
    );
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`the queue URL is not a URL: give postgres://user@host:port/database`);
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:')
    throw new UsageError(`the queue URL must start with postgres://, got ${url.protocol}//…`);
  if (url.password)
    throw new UsageError('the queue URL holds a password: leave it out and set PGPASSWORD or a ~/.pgpass entry');
  return raw;
}

/** How jobs are sent: fixed when they are enqueued (pg-boss keeps expiry and retries on each job). */
export interface JobTiming {
  /** A job running longer than this returns to the queue (a worker killed with kill -9). */
  expireInSeconds: number;
  /** pg-boss's retries of a job: the rate run's attempts less the first. */
  retryLimit: number;
  /** Seconds before the first retry; doubling, with jitter. */
  retryDelay: number;
}

export const DEFAULT_EXPIRE_SECONDS = 45;

/**
 * ALLIANCE_QUEUE_EXPIRE_SECONDS and ALLIANCE_QUEUE_RETRY_DELAY_SECONDS override the defaults (tests shorten
 * both). The expiry plus the workers' maintenance interval is how long a killed worker's job stays taken.
 */
export function jobTiming(env: Record<string, string | undefined>): JobTiming {
  return {
    expireInSeconds: seconds(env, 'ALLIANCE_QUEUE_EXPIRE_SECONDS', DEFAULT_EXPIRE_SECONDS, 1),
    retryLimit: DEFAULT_RETRY_POLICY.maxAttempts - 1,
    retryDelay: seconds(env, 'ALLIANCE_QUEUE_RETRY_DELAY_SECONDS', 1, 0),
  };
}

/** How often a worker looks for expired jobs: often enough that one returns within the expiry and a little. */
export function maintenanceSeconds(expireInSeconds: number): number {
  return Math.max(1, Math.min(10, Math.floor(expireInSeconds / 3)));
}

function seconds(env: Record<string, string | undefined>, name: string, fallback: number, min: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > 86_000)
    throw new UsageError(`${name} must be a whole number of seconds >= ${min}, got "${raw}"`);
  return n;
}

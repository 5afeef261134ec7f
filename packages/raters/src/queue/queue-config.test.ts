import { describe, expect, it } from 'vitest';
import { queueUrl } from './queue-config';

describe('the queue database', () => {
  it('is --queue-url, else ALLIANCE_STORE_URL, else the study store URL of study.json', () => {
    const store = 'postgres://lab@db.lab/study';
    expect(queueUrl('postgres://q@h/db', { ALLIANCE_STORE_URL: 'postgres://e@h/db' }, store)).toBe('postgres://q@h/db');
    expect(queueUrl(undefined, { ALLIANCE_STORE_URL: 'postgres://e@h/db' }, store)).toBe('postgres://e@h/db');
    expect(queueUrl(undefined, {}, store)).toBe(store);
    expect(queueUrl(undefined, { ALLIANCE_STORE_URL: '' }, store)).toBe(store);
    expect(() => queueUrl(undefined, {}, undefined)).toThrow(/needs the study on PostgreSQL/);
  });
});

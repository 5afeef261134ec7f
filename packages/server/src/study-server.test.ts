import type { Server } from 'node:http';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { constants, type PerformanceEntry, PerformanceObserver } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RESPONSE_HEADERS } from './security-headers';
import { createStudyServer } from './study-server';
import { type CollectionStudy, createCollectionStudy, SRS_ANSWERS } from './testing/collection-study';

/**
 * The server `alliance serve` runs, over a real socket: the adapter's paths (Content-Length bodies, string
 * pages with plain headers) are not the ones app.request() takes.
 */
let t: CollectionStudy;
let server: Server;
let port: number;
beforeAll(async () => {
  t = await createCollectionStudy();
  server = createStudyServer(t.study, { host: '127.0.0.1', onError: (m) => t.logs.push(m) });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
  await t.remove();
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One POST; `chunked` sends the body without a Content-Length. */
function post(path: string, body: string, opts: { chunked?: boolean; host?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          ...(opts.host ? { host: opts.host } : {}),
          ...(opts.chunked ? { 'transfer-encoding': 'chunked' } : { 'content-length': Buffer.byteLength(body) }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }),
        );
      },
    );
    req.on('error', reject);
    if (opts.chunked) for (let i = 0; i < body.length; i += 4096) req.write(body.slice(i, i + 4096));
    req.end(opts.chunked ? undefined : body);
  });
}

const encoded = (values: Record<string, string>) => new URLSearchParams(values).toString();
const responses = async () => (await t.study.db.selectFrom('responses').select('id').execute()).length;

describe('the study server', () => {
  it('stores a submission once, answers the second 410, both pages with every response header', async () => {
    const l = t.link('C01', 1, 'srs');
    const first = await post(`/f/${l.token}`, encoded(SRS_ANSWERS));
    expect(first.status).toBe(200);
    expect(first.body).toContain('Thank you');
    expect(first.headers['content-type']).toBe('text/html; charset=UTF-8');
    expect(Number(first.headers['content-length'])).toBe(Buffer.byteLength(first.body));
    for (const [name, value] of Object.entries(RESPONSE_HEADERS)) expect(first.headers[name.toLowerCase()]).toBe(value);
    const second = await post(`/f/${l.token}`, encoded(SRS_ANSWERS));
    expect(second.status).toBe(410);
    expect(second.headers['content-security-policy']).toBe(RESPONSE_HEADERS['Content-Security-Policy']);
    const row = await t.study.db
      .selectFrom('invitations')
      .select(['completed_at', 'response_id'])
      .where('session_id', '=', 'C01/1')
      .where('instrument', '=', 'srs')
      .executeTakeFirstOrThrow();
    expect(row.completed_at).not.toBeNull();
    expect(row.response_id).toBe((await t.study.db.selectFrom('responses').select('id').executeTakeFirstOrThrow()).id);
  });

  it('refuses an oversized body by its Content-Length and, sent chunked, as it arrives, writing nothing', async () => {
    const l = t.link('C01', 2, 'srs');
    const before = await responses();
    const big = encoded({ ...SRS_ANSWERS, '1': 'x'.repeat(40_000) });
    expect((await post(`/f/${l.token}`, big)).status).toBe(413);
    expect((await post(`/f/${l.token}`, big, { chunked: true })).status).toBe(413);
    // A small chunked body is still read and stored.
    expect((await post(`/f/${l.token}`, encoded(SRS_ANSWERS), { chunked: true })).status).toBe(200);
    expect(await responses()).toBe(before + 1);
  });

  it('answers only requests addressed to a loopback name, as alliance serve does', async () => {
    const l = t.link('C02', 1, 'srs');
    const before = await responses();
    const res = await post(`/f/${l.token}`, encoded(SRS_ANSWERS), { host: `attacker.example:${port}` });
    expect(res.status).toBe(403);
    expect(await responses()).toBe(before);
  });

  it('checkpoints the WAL off the request path while it listens', async () => {
    // The serving connection never checkpoints inside a commit while the worker does (see checkpointer.ts).
    expect(t.study.sqlite!.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    // A second server over the same study, closed, leaves the first one's checkpoints as they were.
    const other = createStudyServer(t.study, { host: '127.0.0.1', onError: (m) => t.logs.push(m) });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    await new Promise<void>((resolve) => other.close(() => resolve()));
    expect(t.study.sqlite!.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    expect(t.logs).toEqual([]);
  });

  it('collects the startup garbage before it serves, without handing gc() to the process', async () => {
    const kinds: number[] = [];
    const observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) kinds.push((e as PerformanceEntry & { detail: { kind: number } }).detail.kind);
    });
    observer.observe({ entryTypes: ['gc'] });
    try {
      const other = createStudyServer(t.study, { host: '127.0.0.1', onError: (m) => t.logs.push(m) });
      // GC entries are delivered after the task that ran the collection.
      await new Promise((resolve) => setTimeout(resolve, 0));
      other.close();
    } finally {
      observer.disconnect();
    }
    expect(kinds).toContain(constants.NODE_PERFORMANCE_GC_MAJOR);
    expect((globalThis as { gc?: unknown }).gc).toBeUndefined();
  });
});

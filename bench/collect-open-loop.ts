import { Connection, requestTail } from './collect-client';

/**
 * The collection bench's open-loop load: request i is due at start + i / rate, whatever became of the ones before
 * it (wrk2's and k6's constant arrival rate). A closed loop, where each connection sends its next request when the
 * answer comes, slows down when the server does and so never offers the load that would show a stall; here a
 * stall of the server, or of this generator, leaves requests due and unanswered, and each latency is counted from
 * the time its request was due (coordinated omission corrected), not from when it was written.
 *
 * A due request takes an idle keep-alive connection from a pool opened beforehand, each of its connections
 * answered once (a GET) before the clock starts so that the server has accepted them all. The pool is sized so
 * that a send does not wait for a busy connection: at 1,600 requests a second, 256 connections cover a stall of
 * 160 ms. Should every one be busy, the request waits for the first to come free, is counted in `queued`, and its
 * wait is charged to it like any other. The pool does not grow during the run: tried, the first request on a
 * connection opened under load waited 50–800 ms for Node's server to read it while requests on open connections
 * waited 25, a figure of connection set-up under saturation rather than of a submission, and a server that has
 * fallen behind would be sent a connect for every due request.
 */
export interface ScheduleResult {
  /** Per path, in the order given: the status of its one answer. */
  statuses: number[];
  /** Per request: milliseconds from when it was due to reading its whole answer. */
  latencies: number[];
  /** Per request: milliseconds from when it was due to when it was written (the generator's own lateness). */
  lag: number[];
  /** Requests that found every connection busy and waited for one. */
  queued: number;
  /** From the first request's due time to the last answer. */
  seconds: number;
}

/** Opens `size` keep-alive connections and has each answered once, so that the server has accepted them all. */
export async function openPool(url: URL, size: number): Promise<Connection[]> {
  const all = await Promise.all(Array.from({ length: size }, () => Connection.open(Number(url.port), url.hostname)));
  const warm = Buffer.from(`GET /static/autosave.js HTTP/1.1\r\nHost: ${url.host}\r\n\r\n`, 'latin1');
  await Promise.all(all.map((c) => c.send(warm)));
  return all;
}

/** Posts `body` once to every path on schedule over the pool's connections, and closes them. */
export async function postOnSchedule(
  all: readonly Connection[],
  url: URL,
  paths: readonly string[],
  body: string,
  rate: number,
): Promise<ScheduleResult> {
  const idle = [...all];
  const statuses = new Array<number>(paths.length).fill(0);
  const latencies = new Array<number>(paths.length).fill(0);
  const lag = new Array<number>(paths.length).fill(0);
  const tail = requestTail(url, body);
  const interval = 1000 / rate;
  let next = 0;
  let answered = 0;
  let last = 0;
  let queued = 0;
  const waiters: ((c: Connection) => void)[] = [];
  const release = (c: Connection) => {
    const w = waiters.shift();
    if (w) w(c);
    else idle.push(c);
  };
  const start = performance.now() + 5;

  try {
    await new Promise<void>((resolve, reject) => {
      const send = async (i: number, due: number) => {
        // The longest idle first: every connection stays in use, none left idle long enough for the server's
        // keep-alive timeout (5 s) to close it.
        let conn = idle.shift();
        if (!conn) {
          queued++;
          conn = await new Promise<Connection>((r) => waiters.push(r));
        }
        const request = Buffer.from(`POST ${paths[i]} HTTP/1.1\r\n${tail}`, 'latin1');
        lag[i] = performance.now() - due;
        statuses[i] = await conn.send(request);
        last = performance.now();
        latencies[i] = last - due;
        release(conn);
        if (++answered === paths.length) resolve();
      };
      // Timers fire a millisecond apart at best: each tick sends every request due by then, late by up to that
      // millisecond plus any delay of this event loop, and both are in the latencies.
      const tick = () => {
        const now = performance.now();
        while (next < paths.length && start + next * interval <= now) {
          const i = next++;
          send(i, start + i * interval).catch(reject);
        }
        if (next < paths.length) setTimeout(tick, Math.max(0, start + next * interval - performance.now()));
      };
      setTimeout(tick, 5);
    });
  } finally {
    for (const c of all) c.close();
  }
  return { statuses, latencies, lag, queued, seconds: (last - start) / 1000 };
}

import { connect, type Socket } from 'node:net';

/**
 * The collection bench's load generator: keep-alive HTTP/1.1 connections, each posting one form at a time and
 * reading the answer's status line and Content-Length framing, nothing more. It shares the machine's two cores
 * with the server it measures, and node:http's client spent about as much CPU per request as the server's whole
 * submission path; this spends a tenth of that. An answer it cannot frame (chunked, malformed, cut off) fails
 * the run instead of being counted.
 */
export interface LoadResult {
  /** Per path, in the order given: the status of its one answer. */
  statuses: number[];
  /** Per request, milliseconds from writing it to reading its whole answer. */
  latencies: number[];
  /** Per request, when it was written (performance.timeOrigin + now: comparable across processes). */
  sent: number[];
  /** Per request, the connection (0 … concurrency - 1) it went over. */
  via: number[];
  seconds: number;
}

/** The head every post of the bench carries after its request line. */
export function requestTail(url: URL, body: string): string {
  return `Host: ${url.host}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

const HEAD_END = Buffer.from('\r\n\r\n');

export class Connection {
  private readonly socket: Socket;
  private chunks: Buffer[] = [];
  private waiting: { resolve: (status: number) => void; reject: (err: Error) => void } | undefined;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.read(chunk));
    socket.on('error', (err) => this.fail(err));
    socket.on('close', () => this.fail(new Error('the server closed a keep-alive connection')));
  }

  static open(port: number, host: string): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, host, () => {
        socket.off('error', reject);
        resolve(new Connection(socket));
      });
      socket.once('error', reject);
    });
  }

  send(request: Buffer): Promise<number> {
    if (this.waiting) throw new Error('one request at a time per connection');
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.socket.write(request);
    });
  }

  close(): void {
    this.socket.removeAllListeners('close');
    this.socket.destroy();
  }

  private read(chunk: Buffer): void {
    this.chunks.push(chunk);
    const data = this.chunks.length === 1 ? chunk : Buffer.concat(this.chunks);
    this.chunks = [data];
    const end = data.indexOf(HEAD_END);
    if (end < 0) return;
    const head = data.toString('latin1', 0, end);
    const status = /^HTTP\/1\.1 (\d{3}) /.exec(head);
    const length = /\r\ncontent-length: *(\d+)/i.exec(head);
    if (!status || !length || /\r\ntransfer-encoding:/i.test(head)) {
      this.fail(new Error(`an answer the bench cannot frame: ${JSON.stringify(head.slice(0, 200))}`));
      return;
    }
    const total = end + HEAD_END.length + Number(length[1]);
    if (data.length < total) return;
    if (data.length > total) {
      this.fail(new Error('bytes after an answer, with no request outstanding'));
      return;
    }
    this.chunks = [];
    const w = this.waiting;
    this.waiting = undefined;
    w?.resolve(Number(status[1]));
  }

  private fail(err: Error): void {
    const w = this.waiting;
    this.waiting = undefined;
    w?.reject(err);
    this.socket.destroy();
  }
}

/** Posts `body` once to every path over `concurrency` connections; each connection takes the next path free. */
export async function postEach(
  url: URL,
  paths: readonly string[],
  body: string,
  concurrency: number,
): Promise<LoadResult> {
  const port = Number(url.port);
  const conns = await Promise.all(Array.from({ length: concurrency }, () => Connection.open(port, url.hostname)));
  const statuses = new Array<number>(paths.length).fill(0);
  const latencies: number[] = [];
  const sent: number[] = [];
  const via: number[] = [];
  const tail = requestTail(url, body);
  let next = 0;
  const started = performance.now();
  try {
    await Promise.all(
      conns.map(async (conn, c) => {
        while (next < paths.length) {
          const i = next++;
          const request = Buffer.from(`POST ${paths[i]} HTTP/1.1\r\n${tail}`, 'latin1');
          const t0 = performance.now();
          statuses[i] = await conn.send(request);
          latencies.push(performance.now() - t0);
          sent.push(performance.timeOrigin + t0);
          via.push(c);
        }
      }),
    );
  } finally {
    for (const c of conns) c.close();
  }
  return { statuses, latencies, sent, via, seconds: (performance.now() - started) / 1000 };
}

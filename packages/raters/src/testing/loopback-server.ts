import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { type BatchScript, type LineAnswer, type LoopbackBatches, loopbackBatches } from './loopback-batches';

/**
 * An HTTP server on 127.0.0.1 that speaks the OpenAI chat-completions and Anthropic messages wire formats, so
 * providers are tested through the real SDKs over real HTTP without reaching the internet. Each test scripts
 * what the "model" does (answers, broken answers, rate limits, server errors, slowness, dropped connections)
 * and reads back what the server received.
 */

export type Api = 'openai' | 'anthropic';

export interface ReceivedRequest {
  api: Api;
  path: string;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body. */
  body: any;
  /** The body as sent, for checks that nothing (e.g. a client's name) appears anywhere in it. */
  raw: string;
  /** 1-based arrival order across the server's life. */
  n: number;
  /** Set for a line of a batch: the batch's id (a line is answered by the same replies as a live request). */
  batch?: string;
  receivedAt: number;
}

export interface TokenCounts {
  input?: number;
  output?: number;
  /** OpenAI: prompt_tokens_details.cached_tokens; Anthropic: cache_read_input_tokens. */
  cached?: number;
  /** Anthropic only: cache_creation_input_tokens. */
  cacheWrite?: number;
}

export type Reply =
  /** A well-formed completion whose structured answer is `output` (the JSON content, or the tool input). */
  | { kind: 'answer'; output: unknown; usage?: TokenCounts }
  /** A completion whose text is `text` as is (OpenAI: message content; Anthropic: a text block, no tool call). */
  | { kind: 'text'; text: string; usage?: TokenCounts }
  /** An HTTP error in the provider's error envelope. */
  | {
      kind: 'status';
      status: number;
      message?: string;
      type?: string;
      param?: string;
      headers?: Record<string, string>;
    }
  /** Read the request, then destroy the socket without answering. */
  | { kind: 'drop' }
  /** Wait, then reply. */
  | { kind: 'delay'; ms: number; then: Reply };

export type { BatchScript };

export type Handler = (req: ReceivedRequest) => Reply | Promise<Reply>;

export interface LoopbackServerOptions {
  /** Added before every reply (the bench's simulated model latency). */
  latencyMs?: number;
  /** Keep every request for inspection (default true; the bench turns it off). */
  record?: boolean;
  /** Used when the queue is empty. Default: a 500, so an unscripted request is loud. */
  handler?: Handler;
  /** Serve the providers' files and batches endpoints (default true; false is a server without a batch API). */
  batchApi?: boolean;
}

export interface LoopbackServer {
  /** http://127.0.0.1:PORT */
  url: string;
  /** Base URL for the openai SDK (…/v1). */
  openaiBaseUrl: string;
  /** Base URL for the Anthropic SDK (it appends /v1/messages itself). */
  anthropicBaseUrl: string;
  requests: ReceivedRequest[];
  /** Replies used in order, one per request, before the handler. */
  enqueue(...replies: Reply[]): void;
  setHandler(handler: Handler): void;
  /** Forget recorded requests and unused scripted replies (between tests). */
  reset(): void;
  /** Requests that arrived, whether recorded or not. */
  readonly count: number;
  /** The batch endpoints: how batches go (script, release) and what they received (created, calls). */
  batches: Pick<LoopbackBatches, 'script' | 'release' | 'created' | 'calls'>;
  close(): Promise<void>;
}

export async function startLoopbackServer(opts: LoopbackServerOptions = {}): Promise<LoopbackServer> {
  const queue: Reply[] = [];
  let handler: Handler =
    opts.handler ?? (() => ({ kind: 'status', status: 500, message: 'no reply scripted for this request' }));
  const requests: ReceivedRequest[] = [];
  const record = opts.record ?? true;
  let count = 0;
  let seq = 0;

  const answerLine = async (line: { api: Api; path: string; body: unknown; batch: string }): Promise<LineAnswer> => {
    count += 1;
    const raw = JSON.stringify(line.body);
    const received: ReceivedRequest = { ...line, headers: {}, raw, n: count, receivedAt: Date.now() };
    if (record) requests.push(received);
    const reply = await (queue.shift() ?? handler(received));
    return lineAnswer(line.api, received, reply, ++seq);
  };
  const batches = loopbackBatches(answerLine);

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const buffer = Buffer.concat(chunks);
      const raw = buffer.toString('utf8');
      const [path = '', search = ''] = (req.url ?? '').split('?');
      if (opts.batchApi !== false && (path.includes('/files') || path.includes('/batches'))) {
        void batches
          .handle(req.method ?? 'GET', path, req.headers, buffer, url, new URLSearchParams(search))
          .then((routed) => {
            if (!routed)
              send(res, 404, { error: { message: `no route ${req.method} ${path}`, type: 'not_found_error' } });
            else if (routed.text !== undefined) {
              res.writeHead(routed.status, { 'content-type': 'application/binary' });
              res.end(routed.text);
            } else send(res, routed.status, routed.body);
          })
          .catch((err) =>
            send(res, 500, {
              error: { message: `batch endpoint failed: ${(err as Error).message}`, type: 'api_error' },
            }),
          );
        return;
      }
      const api: Api | null = req.url?.endsWith('/chat/completions')
        ? 'openai'
        : req.url?.endsWith('/messages')
          ? 'anthropic'
          : null;
      if (!api || req.method !== 'POST') {
        send(res, 404, { error: { message: `no route ${req.method} ${req.url}`, type: 'not_found_error' } });
        return;
      }
      let body: any;
      try {
        body = JSON.parse(raw);
      } catch {
        send(res, 400, { error: { message: 'request body is not JSON', type: 'invalid_request_error' } });
        return;
      }
      count += 1;
      const received: ReceivedRequest = {
        api,
        path: req.url ?? '',
        headers: req.headers,
        body,
        raw,
        n: count,
        receivedAt: Date.now(),
      };
      if (record) requests.push(received);
      const next = queue.shift();
      void Promise.resolve(next ?? handler(received))
        .then(async (reply) => {
          if (opts.latencyMs) await sleep(opts.latencyMs);
          await respond(req, res, api, received, reply, ++seq);
        })
        .catch((err) =>
          send(res, 500, { error: { message: `test handler failed: ${(err as Error).message}`, type: 'api_error' } }),
        );
    });
  });
  // The SDKs keep connections alive; a short server timeout would turn into spurious resets mid-test.
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    openaiBaseUrl: `${url}/v1`,
    anthropicBaseUrl: url,
    requests,
    enqueue: (...replies) => void queue.push(...replies),
    setHandler: (h) => void (handler = h),
    reset: () => {
      requests.length = 0;
      queue.length = 0;
      batches.reset();
    },
    batches: {
      script: (b) => batches.script(b),
      release: () => batches.release(),
      get created() {
        return batches.created;
      },
      get calls() {
        return batches.calls;
      },
    },
    get count() {
      return count;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function respond(
  req: IncomingMessage,
  res: ServerResponse,
  api: Api,
  received: ReceivedRequest,
  reply: Reply,
  id: number,
): Promise<void> {
  if (res.destroyed || req.socket.destroyed) return;
  switch (reply.kind) {
    case 'delay':
      await sleep(reply.ms);
      return respond(req, res, api, received, reply.then, id);
    case 'drop':
      req.socket.destroy();
      return;
    case 'status': {
      const body = errorBody(api, reply.status, reply.type, reply.message ?? `status ${reply.status}`, reply.param);
      send(res, reply.status, body, reply.headers);
      return;
    }
    case 'answer':
    case 'text': {
      const { content, usage } = answerParts(received, reply);
      send(
        res,
        200,
        api === 'openai'
          ? openaiCompletion(received, reply, content, usage, id)
          : anthropicMessage(received, reply, content, usage, id),
      );
      return;
    }
  }
}

/** What a live request would have been answered, as a batch line's status and body. */
async function lineAnswer(api: Api, received: ReceivedRequest, reply: Reply, id: number): Promise<LineAnswer> {
  switch (reply.kind) {
    case 'delay':
      await sleep(reply.ms);
      return lineAnswer(api, received, reply.then, id);
    case 'drop':
      return { status: 500, body: errorBody(api, 500, 'api_error', 'the connection was dropped') };
    case 'status':
      return {
        status: reply.status,
        body: errorBody(api, reply.status, reply.type, reply.message ?? `status ${reply.status}`, reply.param),
      };
    case 'answer':
    case 'text': {
      const { content, usage } = answerParts(received, reply);
      return {
        status: 200,
        body:
          api === 'openai'
            ? openaiCompletion(received, reply, content, usage, id)
            : anthropicMessage(received, reply, content, usage, id),
      };
    }
  }
}

function errorBody(api: Api, status: number, type: string | undefined, message: string, param?: string) {
  const t = type ?? defaultErrorType(status);
  return api === 'openai'
    ? { error: { message, type: t, param: param ?? null, code: null } }
    : { type: 'error', error: { type: t, message } };
}

function answerParts(received: ReceivedRequest, reply: Extract<Reply, { kind: 'answer' | 'text' }>) {
  const content = reply.kind === 'answer' ? JSON.stringify(reply.output) : reply.text;
  const usage = {
    input: reply.usage?.input ?? Math.ceil(received.raw.length / 4),
    output: reply.usage?.output ?? Math.ceil(content.length / 4),
    cached: reply.usage?.cached ?? 0,
    cacheWrite: reply.usage?.cacheWrite ?? 0,
  };
  return { content, usage };
}

function openaiCompletion(
  received: ReceivedRequest,
  _reply: Reply,
  content: string,
  usage: Required<TokenCounts>,
  id: number,
) {
  return {
    id: `chatcmpl-loopback-${id}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: received.body.model,
    choices: [
      { index: 0, message: { role: 'assistant', content, refusal: null }, finish_reason: 'stop', logprobs: null },
    ],
    usage: {
      prompt_tokens: usage.input,
      completion_tokens: usage.output,
      total_tokens: usage.input + usage.output,
      prompt_tokens_details: { cached_tokens: usage.cached },
    },
  };
}

function anthropicMessage(
  received: ReceivedRequest,
  reply: Reply,
  content: string,
  usage: Required<TokenCounts>,
  id: number,
) {
  const toolName = received.body.tools?.[0]?.name ?? 'answer';
  const block =
    reply.kind === 'answer'
      ? { type: 'tool_use', id: `toolu_loopback_${id}`, name: toolName, input: (reply as { output: unknown }).output }
      : { type: 'text', text: content };
  return {
    id: `msg_loopback_${id}`,
    type: 'message',
    role: 'assistant',
    model: received.body.model,
    content: [block],
    stop_reason: block.type === 'tool_use' ? 'tool_use' : 'end_turn',
    stop_sequence: null,
    // Anthropic reports input_tokens without the cached parts; the total is the sum of the three.
    usage: {
      input_tokens: Math.max(0, usage.input - usage.cached - usage.cacheWrite),
      output_tokens: usage.output,
      cache_creation_input_tokens: usage.cacheWrite,
      cache_read_input_tokens: usage.cached,
    },
  };
}

function defaultErrorType(status: number): string {
  if (status === 429) return 'rate_limit_error';
  if (status === 400) return 'invalid_request_error';
  if (status === 401) return 'authentication_error';
  if (status === 529) return 'overloaded_error';
  return 'api_error';
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

import type { IncomingHttpHeaders } from 'node:http';

/**
 * The batch half of the loopback server: OpenAI's files and batches endpoints (POST /v1/files, POST /v1/batches,
 * GET /v1/batches[/{id}], GET /v1/files/{id}/content) and Anthropic's Message Batches (POST /v1/messages/batches,
 * GET /v1/messages/batches[/{id}], GET …/results), the lists newest first with the APIs' cursors. Each line of a batch is answered, when the batch is created,
 * by the same scripted replies and handler as a live request, so a test scripts a batch's answers as it scripts
 * live ones; a BatchScript decides how the batch itself goes (how many polls it stays in progress, whether it
 * completes, expires or is cancelled midway, or is held until released).
 */

export interface BatchScript {
  /** Polls answered "in progress" before the batch ends (default 1). */
  pollsInProgress?: number;
  /** How it ends: completed (default), expired or cancelled, with only the first `finishedLines` lines done. */
  outcome?: 'completed' | 'expired' | 'cancelled';
  finishedLines?: number;
  /** Stay in progress, however often polled, until release() (a run killed while it waits). */
  hold?: boolean;
  /**
   * Create the batch but never answer the creating request (until reset): the window in which a run killed after
   * the provider accepted its batch has not yet stored the batch's id.
   */
  stallCreate?: boolean;
}

/** A line's answer as a live request would have had it: status and JSON body. */
export type LineAnswer = { status: number; body: unknown };

export interface BatchLineRequest {
  api: 'openai' | 'anthropic';
  path: string;
  body: unknown;
  batch: string;
}

export interface LoopbackBatches {
  /** Applies to batches created from now on. */
  script(s: BatchScript): void;
  /** Lets held batches end (as their script says) at their next poll. */
  release(): void;
  /** Batch creations received (both providers), for "sent once" checks. */
  readonly created: number;
  /** Every batch endpoint call, as "METHOD path". */
  readonly calls: string[];
  reset(): void;
  handle(
    method: string,
    path: string,
    headers: IncomingHttpHeaders,
    body: Buffer,
    origin: string,
    query?: URLSearchParams,
  ): Promise<Routed>;
}

export type Routed = { status: number; body: unknown; text?: undefined } | { status: number; text: string } | null;

interface Batch {
  api: 'openai' | 'anthropic';
  id: string;
  createdAt: number;
  script: Required<Omit<BatchScript, 'hold' | 'stallCreate'>> & { hold: boolean };
  metadata: Record<string, string> | null;
  polls: number;
  lines: Array<{ customId: string; answer: LineAnswer }>;
  ended: boolean;
  inputFileId?: string;
  outputFileId?: string;
  errorFileId?: string;
  failure?: { code: string; line: number };
}

const ANTHROPIC_CUSTOM_ID = /^[a-zA-Z0-9_-]{1,64}$/;

export function loopbackBatches(answerLine: (line: BatchLineRequest) => Promise<LineAnswer>): LoopbackBatches {
  const files = new Map<string, string>();
  const batches = new Map<string, Batch>();
  let current: BatchScript = {};
  let released = false;
  let created = 0;
  let seq = 0;
  const calls: string[] = [];
  const stalled: Array<() => void> = [];
  /** The reply to a creating request, or, when the script says so, none until reset. */
  const replyToCreate = (reply: Routed): Promise<Routed> =>
    current.stallCreate
      ? new Promise((resolve) =>
          stalled.push(() => resolve({ status: 503, body: { error: { message: 'reset', type: 'api_error' } } })),
        )
      : Promise.resolve(reply);

  /** A list page, newest first, after the cursor, as both APIs page their batches. */
  const page = (api: Batch['api'], after: string | null, limit: number) => {
    const all = [...batches.values()].filter((b) => b.api === api).reverse();
    const from = after ? all.findIndex((b) => b.id === after) + 1 : 0;
    const slice = all.slice(from, from + limit);
    return { slice, hasMore: from + limit < all.length };
  };

  const newBatch = async (
    api: Batch['api'],
    requests: Array<{ customId: string; path: string; body: unknown }>,
  ): Promise<Batch> => {
    created++;
    const id = api === 'openai' ? `batch_loopback_${++seq}` : `msgbatch_loopback_${++seq}`;
    const script = {
      pollsInProgress: current.pollsInProgress ?? 1,
      outcome: current.outcome ?? 'completed',
      finishedLines: current.finishedLines ?? requests.length,
      hold: current.hold ?? false,
    };
    const lines = [];
    for (const r of requests) lines.push({ customId: r.customId, answer: await answerLine({ api, ...r, batch: id }) });
    const b: Batch = { api, id, createdAt: Date.now(), script, polls: 0, lines, ended: false, metadata: null };
    batches.set(id, b);
    return b;
  };

  /** One poll: a batch ends once polled past its in-progress count, unless held. */
  const advance = (b: Batch) => {
    if (b.ended) return;
    if (b.failure || (b.polls >= b.script.pollsInProgress && (!b.script.hold || released))) {
      b.ended = true;
      if (b.api === 'openai') writeOpenAIFiles(b);
    }
    b.polls++;
  };

  const done = (b: Batch) => (b.script.outcome === 'completed' ? b.lines.length : b.script.finishedLines);

  const writeOpenAIFiles = (b: Batch) => {
    if (b.failure) return;
    const ok: string[] = [];
    const bad: string[] = [];
    b.lines.forEach((l, i) => {
      const rid = `batch_req_${b.id}_${i + 1}`;
      if (i >= done(b)) {
        const code = b.script.outcome === 'expired' ? 'batch_expired' : 'batch_cancelled';
        bad.push(JSON.stringify({ id: rid, custom_id: l.customId, response: null, error: { code, message: code } }));
        return;
      }
      const line = JSON.stringify({
        id: rid,
        custom_id: l.customId,
        response: { status_code: l.answer.status, request_id: `req_${i + 1}`, body: l.answer.body },
        error: null,
      });
      (l.answer.status === 200 ? ok : bad).push(line);
    });
    if (ok.length) files.set((b.outputFileId = `file-out-${b.id}`), `${ok.join('\n')}\n`);
    if (bad.length) files.set((b.errorFileId = `file-err-${b.id}`), `${bad.join('\n')}\n`);
  };

  const openaiStatus = (b: Batch) => {
    if (b.failure) return 'failed';
    if (!b.ended) return b.polls === 0 ? 'validating' : 'in_progress';
    return b.script.outcome;
  };

  const openaiBatch = (b: Batch) => {
    const finished = b.ended ? Math.min(done(b), b.lines.length) : 0;
    const failedLines = b.ended ? b.lines.slice(0, finished).filter((l) => l.answer.status !== 200).length : 0;
    return {
      id: b.id,
      object: 'batch',
      endpoint: '/v1/chat/completions',
      errors: b.failure
        ? {
            object: 'list',
            data: [{ code: b.failure.code, line: b.failure.line, message: 'invalid line', param: null }],
          }
        : null,
      input_file_id: b.inputFileId,
      completion_window: '24h',
      status: openaiStatus(b),
      output_file_id: b.outputFileId ?? null,
      error_file_id: b.errorFileId ?? null,
      created_at: Math.floor(b.createdAt / 1000),
      expires_at: Math.floor(b.createdAt / 1000) + 86_400,
      request_counts: {
        total: b.lines.length,
        completed: finished - failedLines,
        failed: failedLines + (b.ended ? b.lines.length - finished : 0),
      },
      metadata: b.metadata,
    };
  };

  const anthropicBatch = (b: Batch, origin: string) => {
    const finished = b.ended ? done(b) : 0;
    const settled = b.lines.slice(0, finished);
    const rest = b.lines.length - finished;
    const errored = settled.filter((l) => l.answer.status !== 200).length;
    return {
      id: b.id,
      type: 'message_batch',
      processing_status: b.ended
        ? 'ended'
        : b.script.outcome === 'cancelled' && b.polls > 0
          ? 'canceling'
          : 'in_progress',
      request_counts: {
        processing: b.ended ? 0 : b.lines.length,
        succeeded: settled.length - errored,
        errored,
        canceled: b.ended && b.script.outcome === 'cancelled' ? rest : 0,
        expired: b.ended && b.script.outcome === 'expired' ? rest : 0,
      },
      created_at: new Date(b.createdAt).toISOString(),
      expires_at: new Date(b.createdAt + 86_400_000).toISOString(),
      ended_at: b.ended ? new Date().toISOString() : null,
      archived_at: null,
      cancel_initiated_at: b.script.outcome === 'cancelled' && b.polls > 0 ? new Date().toISOString() : null,
      results_url: b.ended ? `${origin}/v1/messages/batches/${b.id}/results` : null,
    };
  };

  const anthropicResults = (b: Batch): string =>
    b.lines
      .map((l, i) => {
        let result: unknown;
        if (i >= done(b)) result = { type: b.script.outcome === 'expired' ? 'expired' : 'canceled' };
        else if (l.answer.status === 200) result = { type: 'succeeded', message: l.answer.body };
        else result = { type: 'errored', error: { ...(l.answer.body as object), request_id: `req_${i + 1}` } };
        return `${JSON.stringify({ custom_id: l.customId, result })}\n`;
      })
      .join('');

  const notFound = (what: string) => ({
    status: 404,
    body: { error: { message: `no ${what}`, type: 'not_found_error', param: null, code: null } },
  });

  return {
    script: (s) => void (current = s),
    release: () => void (released = true),
    get created() {
      return created;
    },
    calls,
    reset() {
      current = {};
      released = false;
      created = 0;
      calls.length = 0;
      for (const release of stalled.splice(0)) release();
      files.clear();
      batches.clear();
    },
    async handle(method, path, headers, body, origin, query = new URLSearchParams()) {
      const route = `${method} ${path}`;
      let m: RegExpExecArray | null;
      if (method === 'POST' && path === '/v1/files') {
        calls.push(route);
        const form = await new Request('http://loopback/v1/files', {
          method: 'POST',
          headers: { 'content-type': String(headers['content-type'] ?? '') },
          body,
        }).formData();
        const file = form.get('file');
        if (form.get('purpose') !== 'batch' || !(file instanceof Blob))
          return { status: 400, body: { error: { message: 'purpose must be batch', type: 'invalid_request_error' } } };
        const id = `file-in-${++seq}`;
        files.set(id, await file.text());
        return {
          status: 200,
          body: { id, object: 'file', bytes: file.size, created_at: 0, filename: 'ratings.jsonl', purpose: 'batch' },
        };
      }
      if (method === 'GET' && (m = /^\/v1\/files\/([^/]+)\/content$/.exec(path))) {
        calls.push(route);
        const text = files.get(m[1]!);
        return text === undefined ? notFound('file') : { status: 200, text };
      }
      if (method === 'POST' && path === '/v1/batches') {
        calls.push(route);
        const req = JSON.parse(body.toString('utf8')) as {
          input_file_id: string;
          endpoint: string;
          completion_window: string;
          metadata?: Record<string, string> | null;
        };
        const input = files.get(req.input_file_id);
        if (input === undefined) return notFound('input file');
        if (req.endpoint !== '/v1/chat/completions' || req.completion_window !== '24h')
          return { status: 400, body: { error: { message: 'bad batch', type: 'invalid_request_error' } } };
        const lines = input.split('\n').filter((l) => l.trim() !== '');
        const parsed = lines.map(
          (l) => JSON.parse(l) as { custom_id: string; method: string; url: string; body: unknown },
        );
        const bad = parsed.findIndex(
          (l, i) =>
            typeof l.custom_id !== 'string' ||
            l.method !== 'POST' ||
            l.url !== req.endpoint ||
            parsed.findIndex((o) => o.custom_id === l.custom_id) !== i,
        );
        const b = await newBatch(
          'openai',
          bad >= 0 ? [] : parsed.map((l) => ({ customId: l.custom_id, path: l.url, body: l.body })),
        );
        b.inputFileId = req.input_file_id;
        b.metadata = req.metadata ?? null;
        if (bad >= 0) b.failure = { code: 'invalid_request', line: bad + 1 };
        return replyToCreate({ status: 200, body: openaiBatch(b) });
      }
      if (method === 'GET' && path === '/v1/batches') {
        calls.push(route);
        const { slice, hasMore } = page('openai', query.get('after'), Number(query.get('limit') ?? 20));
        const data = slice.map(openaiBatch);
        return {
          status: 200,
          body: {
            object: 'list',
            data,
            first_id: data[0]?.id ?? null,
            last_id: data.at(-1)?.id ?? null,
            has_more: hasMore,
          },
        };
      }
      if (method === 'GET' && path === '/v1/messages/batches') {
        calls.push(route);
        const { slice, hasMore } = page('anthropic', query.get('after_id'), Number(query.get('limit') ?? 20));
        const data = slice.map((b) => anthropicBatch(b, origin));
        return {
          status: 200,
          body: { data, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null, has_more: hasMore },
        };
      }
      if (method === 'GET' && (m = /^\/v1\/batches\/([^/]+)$/.exec(path))) {
        calls.push(route);
        const b = batches.get(m[1]!);
        if (b?.api !== 'openai') return notFound('batch');
        advance(b);
        return { status: 200, body: openaiBatch(b) };
      }
      if (method === 'POST' && path === '/v1/messages/batches') {
        calls.push(route);
        const req = JSON.parse(body.toString('utf8')) as { requests: Array<{ custom_id: string; params: unknown }> };
        const ids = req.requests.map((r) => r.custom_id);
        if (ids.some((id) => !ANTHROPIC_CUSTOM_ID.test(id)) || new Set(ids).size !== ids.length)
          return {
            status: 400,
            body: { type: 'error', error: { type: 'invalid_request_error', message: 'bad custom_id' } },
          };
        const b = await newBatch(
          'anthropic',
          req.requests.map((r) => ({ customId: r.custom_id, path: '/v1/messages', body: r.params })),
        );
        return replyToCreate({ status: 200, body: anthropicBatch(b, origin) });
      }
      if (method === 'GET' && (m = /^\/v1\/messages\/batches\/([^/]+)\/results$/.exec(path))) {
        calls.push(route);
        const b = batches.get(m[1]!);
        if (!b?.ended) return notFound('results');
        return { status: 200, text: anthropicResults(b) };
      }
      if (method === 'GET' && (m = /^\/v1\/messages\/batches\/([^/]+)$/.exec(path))) {
        calls.push(route);
        const b = batches.get(m[1]!);
        if (b?.api !== 'anthropic') return notFound('batch');
        // The SDK's results() looks the batch up again before reading results_url: that look is not a poll.
        if (!b.ended) advance(b);
        return { status: 200, body: anthropicBatch(b, origin) };
      }
      return null;
    },
  };
}

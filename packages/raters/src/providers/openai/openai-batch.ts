import { UsageError } from '@alliance-lab/core';
import { APIError, type OpenAI, toFile } from 'openai';
import type { ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import type { RateRequest, RateResponse } from '../../rater';
import { displayUrl, failureMessage, safeIdentifier } from '../../run/error-scrub';
import { type BatchClient, type BatchResult, PROBE_BEFORE_MS, batchLatencyMs, inProbeWindow } from '../batch';
import { InvalidAnswerError } from '../provider-error';

/** What the batch client borrows from the rater: its SDK client, its request body and its reading of an answer. */
export interface OpenAIBatchSource {
  name: string;
  client: OpenAI;
  baseUrl: string;
  params(req: RateRequest): ChatCompletionCreateParamsNonStreaming;
  /** A completion as the run's answer at the batch price; throws InvalidAnswerError as a live call does. */
  answer(completion: OpenAI.Chat.Completions.ChatCompletion, latencyMs: number): RateResponse;
  toProviderError(err: unknown): unknown;
}

const ENDPOINT = '/v1/chat/completions';
/** The metadata key that carries the store's id of a batch, so a run killed before it stored the batch's id finds it. */
const TAG = 'alliance_batch';
const ENDED = new Set(['completed', 'expired', 'cancelled', 'failed']);

/** One line of a batch's output or error file, as OpenAI (and vLLM) write it. */
interface OutputLine {
  custom_id?: unknown;
  response?: { status_code?: number; request_id?: unknown; body?: unknown } | null;
  error?: { code?: unknown; message?: unknown } | null;
}

/**
 * OpenAI's Batch API through the openai SDK: the requests as a JSONL file uploaded to /v1/files (purpose
 * "batch"), a batch created over it for /v1/chat/completions within the 24 h window, polled, and its output and
 * error files downloaded. Each line's custom_id is the rating's cache key. A compatible server (vLLM) that
 * implements the files and batches endpoints is driven the same way.
 */
export function openaiBatchClient(src: OpenAIBatchSource): BatchClient {
  const call = async <T>(what: string, f: () => Promise<T>): Promise<T> => {
    try {
      return await f();
    } catch (err) {
      // A server without the endpoints answers the first submission call 404 (or 405); a 404 on a batch or file
      // id is that id unknown, which the run handles.
      if (what.startsWith('POST') && err instanceof APIError && (err.status === 404 || err.status === 405)) {
        throw new UsageError(
          `rater "${src.name}": the server at ${displayUrl(src.baseUrl)} has no batch API (${what} answered ${err.status}); rate without --batch`,
        );
      }
      throw src.toProviderError(err);
    }
  };

  return {
    async submit(lines, tag, signal) {
      const jsonl = lines
        .map((l) =>
          JSON.stringify({ custom_id: l.customId, method: 'POST', url: ENDPOINT, body: src.params(l.request) }),
        )
        .join('\n');
      const file = await call('POST /files', async () =>
        src.client.files.create(
          { file: await toFile(Buffer.from(`${jsonl}\n`, 'utf8'), 'ratings.jsonl'), purpose: 'batch' },
          { signal },
        ),
      );
      const batch = await call('POST /batches', () =>
        src.client.batches.create(
          { input_file_id: file.id, endpoint: ENDPOINT, completion_window: '24h', metadata: { [TAG]: tag } },
          { signal },
        ),
      );
      return { providerBatchId: batch.id, providerStatus: batch.status };
    },

    async find(probe, signal) {
      const since = Date.parse(probe.reservedAt) - PROBE_BEFORE_MS;
      // Newest first: the search ends at the first batch older than the reservation.
      return call('GET /batches', async () => {
        for await (const b of src.client.batches.list({ limit: 100 }, { signal })) {
          if (b.created_at * 1000 < since) break;
          if (b.metadata?.[TAG] === probe.tag && inProbeWindow(probe, b.created_at * 1000))
            return { providerBatchId: b.id, providerStatus: b.status };
        }
        return undefined;
      });
    },

    async poll(id, signal) {
      const b = await call('GET /batches/{id}', () => src.client.batches.retrieve(id, { signal }));
      const counts = b.request_counts;
      const code = safeIdentifier(b.errors?.data?.[0]?.code);
      return {
        ended: ENDED.has(b.status),
        providerStatus: b.status,
        done: (counts?.completed ?? 0) + (counts?.failed ?? 0),
        total: counts?.total ?? 0,
        ...(b.status === 'failed' ? { failure: `the server refused the batch${code ? ` (${code})` : ''}` } : {}),
      };
    },

    async results(id, signal) {
      const b = await call('GET /batches/{id}', () => src.client.batches.retrieve(id, { signal }));
      const latencyMs = batchLatencyMs(b.created_at);
      const out: BatchResult[] = [];
      for (const fileId of [b.output_file_id, b.error_file_id]) {
        if (!fileId) continue;
        const text = await call('GET /files/{id}/content', async () =>
          (await src.client.files.content(fileId, { signal })).text(),
        );
        for (const raw of text.split('\n')) {
          const r = readLine(raw, latencyMs, src);
          if (r) out.push(r);
        }
      }
      return out;
    },
  };
}

function readLine(raw: string, latencyMs: number, src: OpenAIBatchSource): BatchResult | undefined {
  if (raw.trim() === '') return undefined;
  let line: OutputLine;
  try {
    line = JSON.parse(raw) as OutputLine;
  } catch {
    return undefined;
  }
  if (typeof line.custom_id !== 'string') return undefined;
  const customId = line.custom_id;
  const code = line.error?.code;
  if (code === 'batch_expired') return { customId, kind: 'expired' };
  if (code === 'batch_cancelled') return { customId, kind: 'cancelled' };
  const res = line.response;
  if (res && res.status_code === 200 && res.body) {
    try {
      return {
        customId,
        kind: 'answer',
        response: src.answer(res.body as OpenAI.Chat.Completions.ChatCompletion, latencyMs),
      };
    } catch (err) {
      if (err instanceof InvalidAnswerError) return { customId, kind: 'invalid', error: err };
      throw err;
    }
  }
  const error = (res?.body as { error?: { type?: unknown; code?: unknown } } | undefined)?.error;
  return {
    customId,
    kind: 'failed',
    reason: failureMessage({
      api: 'openai-compatible server, in the batch,',
      status: res?.status_code,
      type: error?.type,
      code: error?.code ?? code,
      requestId: res?.request_id,
    }),
  };
}

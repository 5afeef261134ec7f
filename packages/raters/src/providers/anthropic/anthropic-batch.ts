import { UsageError } from '@alliance-lab/core';
import { type Anthropic, APIError } from '@anthropic-ai/sdk';
import type { MessageCreateParamsNonStreaming } from '@anthropic-ai/sdk/resources/messages';
import type { RateRequest, RateResponse } from '../../rater';
import { displayUrl, failureMessage } from '../../run/error-scrub';
import {
  type BatchClient,
  type BatchResult,
  type SubmittedBatch,
  PROBE_BEFORE_MS,
  batchLatencyMs,
  inProbeWindow,
} from '../batch';
import { InvalidAnswerError } from '../provider-error';

/** What the batch client borrows from the rater: its SDK client, its request params and its reading of an answer. */
export interface AnthropicBatchSource {
  name: string;
  client: Anthropic;
  baseUrl: string;
  params(req: RateRequest): MessageCreateParamsNonStreaming;
  /** A message as the run's answer at the batch price; throws InvalidAnswerError as a live call does. */
  answer(message: Anthropic.Message, latencyMs: number): RateResponse;
  toProviderError(err: unknown): unknown;
}

/**
 * Anthropic's Message Batches through @anthropic-ai/sdk: one POST /v1/messages/batches with the requests
 * ({custom_id, params}), polled until processing_status is "ended", then the results_url's JSONL read (each
 * result succeeded, errored, canceled or expired). custom_id is the rating's cache key (64 hex characters, within
 * the API's limit).
 */
export function anthropicBatchClient(src: AnthropicBatchSource): BatchClient {
  const call = async <T>(what: string, f: () => Promise<T>): Promise<T> => {
    try {
      return await f();
    } catch (err) {
      // Only the submission says whether the server has the API; a 404 on an id is that batch unknown.
      if (what.startsWith('POST') && err instanceof APIError && (err.status === 404 || err.status === 405)) {
        throw new UsageError(
          `rater "${src.name}": the server at ${displayUrl(src.baseUrl)} has no message batches API (${what} answered ${err.status}); rate without --batch`,
        );
      }
      throw src.toProviderError(err);
    }
  };

  return {
    // Message Batches carry no metadata, so the tag stays with the store; find() matches by time and size instead.
    async submit(lines, _tag, signal) {
      const batch = await call('POST /v1/messages/batches', () =>
        src.client.messages.batches.create(
          { requests: lines.map((l) => ({ custom_id: l.customId, params: src.params(l.request) })) },
          { signal },
        ),
      );
      return { providerBatchId: batch.id, providerStatus: batch.processing_status };
    },

    async find(probe, signal) {
      const since = Date.parse(probe.reservedAt) - PROBE_BEFORE_MS;
      // Without a tag, a batch the store does not know, created in the window, with as many requests, is it when it
      // is the only one. Should it be someone else's after all, its results hold none of these keys and the keys
      // are reported unanswered and sent again: late, never lost.
      return call('GET /v1/messages/batches', async () => {
        const candidates: SubmittedBatch[] = [];
        for await (const b of src.client.messages.batches.list({ limit: 100 }, { signal })) {
          const created = Date.parse(b.created_at);
          if (created < since) break;
          const c = b.request_counts;
          const total = c.processing + c.succeeded + c.errored + c.canceled + c.expired;
          if (!probe.known.has(b.id) && total === probe.lines && inProbeWindow(probe, created))
            candidates.push({ providerBatchId: b.id, providerStatus: b.processing_status });
        }
        return candidates.length === 1 ? candidates[0] : undefined;
      });
    },

    async poll(id, signal) {
      const b = await call('GET /v1/messages/batches/{id}', () =>
        src.client.messages.batches.retrieve(id, {}, { signal }),
      );
      const c = b.request_counts;
      const done = c.succeeded + c.errored + c.canceled + c.expired;
      return {
        ended: b.processing_status === 'ended',
        providerStatus: b.processing_status,
        done,
        total: done + c.processing,
      };
    },

    async results(id, signal) {
      const b = await call('GET /v1/messages/batches/{id}', () =>
        src.client.messages.batches.retrieve(id, {}, { signal }),
      );
      const latencyMs = batchLatencyMs(b.created_at);
      const stream = await call('GET the results_url', () => src.client.messages.batches.results(id, {}, { signal }));
      const out: BatchResult[] = [];
      for await (const line of stream) {
        const customId = line.custom_id;
        const r = line.result;
        if (r.type === 'expired') out.push({ customId, kind: 'expired' });
        else if (r.type === 'canceled') out.push({ customId, kind: 'cancelled' });
        else if (r.type === 'errored') {
          const e = r.error;
          out.push({
            customId,
            kind: 'failed',
            reason: failureMessage({
              api: 'Anthropic API, in the batch,',
              type: e?.error?.type,
              requestId: e?.request_id,
            }),
          });
        } else {
          try {
            out.push({ customId, kind: 'answer', response: src.answer(r.message, latencyMs) });
          } catch (err) {
            if (!(err instanceof InvalidAnswerError)) throw err;
            out.push({ customId, kind: 'invalid', error: err });
          }
        }
      }
      return out;
    },
  };
}

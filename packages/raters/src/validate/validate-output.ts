import { formatPath } from '@alliance-lab/core';
import { describeIds, parseItemValue, type FormView, type InstrumentRegistry } from '@alliance-lab/instruments';
import type { FormRequest, RatableTranscript } from '../rater';
import { DOMAINS, RaterOutput } from '../result-schema';

export type Validation = { ok: true; value: RaterOutput } | { ok: false; errors: string[] };

/** More problems than this are summarised, so the repair message stays short enough to act on. */
export const MAX_ERRORS = 40;

/**
 * Checks a rater's answer against the schema, the requested forms and the transcript. Every problem becomes one
 * sentence a model can act on in the repair round: it names the place (form and item, signals[i], ruptures[i]),
 * the utterance ids involved and what is expected, and never repeats transcript text (or the quote it could not
 * find, which may be transcript text or something the model made up).
 */
export function validateOutput(output: unknown, transcript: RatableTranscript, views: readonly FormView[]): Validation {
  const parsed = RaterOutput.safeParse(output);
  if (!parsed.success) {
    return {
      ok: false,
      errors: cap(parsed.error.issues.map((i) => `${formatPath(i.path) || 'the answer'}: ${i.message}`)),
    };
  }
  const value = parsed.data;
  const ids = new Map(transcript.utterances.map((u, i) => [u.id, i]));
  const errors: string[] = [];
  const unknownIds = (list: readonly string[]) => [...new Set(list.filter((id) => !ids.has(id)))];

  // Forms: exactly the requested ones, each once, every item once and on the scale.
  const wanted = new Map(views.map((v) => [`${v.definition.id}:${v.form.id}`, v]));
  const seenForms = new Set<string>();
  value.forms.forEach((f, fi) => {
    const key = `${f.instrument}:${f.form}`;
    const continuous = isContinuous(output, fi);
    const view = wanted.get(key);
    if (!view) {
      errors.push(`forms[${fi}]: ${showId(key)} was not requested; rate only ${[...wanted.keys()].join(', ')}`);
      return;
    }
    if (seenForms.has(key)) {
      errors.push(`forms[${fi}]: ${key} appears twice; give each form once`);
      return;
    }
    seenForms.add(key);
    const itemIds = view.items.map((it) => it.id);
    const seenItems = new Set<string>();
    f.items.forEach((it, ii) => {
      const where = `${key} item ${JSON.stringify(it.item)}`;
      if (!itemIds.includes(it.item)) {
        errors.push(
          `forms[${fi}].items[${ii}]: ${key} has no item ${showId(it.item)}; its items are ${describeIds(itemIds)}`,
        );
        return;
      }
      if (seenItems.has(it.item)) errors.push(`${where} is rated twice; rate each item once`);
      seenItems.add(it.item);
      const v = parseItemValue(view, it.item, it.value, { continuous });
      if (!v.ok) errors.push(`${where}: ${v.message}; use a value on the scale ${scaleText(view)}`);
      const bad = unknownIds(it.evidence);
      if (bad.length) errors.push(`${where}: evidence cites ${idList(bad)}, not in the transcript`);
    });
    const missing = itemIds.filter((id) => !seenItems.has(id));
    if (missing.length)
      errors.push(
        `${key}: item${missing.length > 1 ? 's' : ''} ${describeIds(missing)} ${missing.length > 1 ? 'are' : 'is'} missing; rate every item`,
      );
  });
  for (const key of wanted.keys())
    if (!seenForms.has(key)) errors.push(`${key} is missing; rate all ${wanted.get(key)!.items.length} of its items`);

  // Signals: the sub-signal belongs to the domain, the ids exist, the quote is in the cited utterances.
  const normalised = new Map<number, string>();
  const norm = (i: number) => {
    let s = normalised.get(i);
    if (s === undefined) normalised.set(i, (s = normaliseQuote(transcript.utterances[i]!.text)));
    return s;
  };
  value.signals.forEach((s, si) => {
    const subs = DOMAINS[s.domain] as readonly string[];
    if (!subs.includes(s.subSignal)) {
      const owner = Object.entries(DOMAINS).find(([, list]) => (list as readonly string[]).includes(s.subSignal))?.[0];
      errors.push(
        `signals[${si}]: sub-signal "${s.subSignal}" belongs to ${owner}, not ${s.domain}; ${s.domain} has ${subs.join(', ')}`,
      );
    }
    const bad = unknownIds(s.evidence);
    if (bad.length) {
      errors.push(`signals[${si}]: evidence cites ${idList(bad)}, not in the transcript`);
      return;
    }
    const q = normaliseQuote(stripQuoteMarks(s.quote));
    if (q === '') {
      errors.push(`signals[${si}]: the quote is empty; copy words from one of the cited utterances`);
      return;
    }
    const positions = [...new Set(s.evidence.map((id) => ids.get(id)!))].sort((a, b) => a - b);
    const inOne = positions.some((p) => norm(p).includes(q));
    if (!inOne && !positions.map(norm).join(' ').includes(q)) {
      errors.push(
        `signals[${si}]: the quote does not occur in the cited utterance${positions.length > 1 ? 's' : ''} ${idList(s.evidence)}; copy it word for word from one of them, or cite the utterance it comes from`,
      );
    }
  });

  // Ruptures: the range exists and runs forwards; a resolution sits at or after the start.
  value.ruptures.forEach((r, ri) => {
    const start = ids.get(r.startUtterance);
    const end = ids.get(r.endUtterance);
    const bad = unknownIds([r.startUtterance, r.endUtterance, ...(r.resolution ? [r.resolution.utterance] : [])]);
    if (bad.length) {
      errors.push(`ruptures[${ri}]: ${idList(bad)} ${bad.length > 1 ? 'are' : 'is'} not in the transcript`);
      return;
    }
    if (start! > end!)
      errors.push(
        `ruptures[${ri}]: startUtterance ${r.startUtterance} comes after endUtterance ${r.endUtterance}; give the range in transcript order`,
      );
    if (r.resolution && ids.get(r.resolution.utterance)! < start!) {
      errors.push(
        `ruptures[${ri}]: the resolution utterance ${r.resolution.utterance} comes before the rupture starts at ${r.startUtterance}`,
      );
    }
  });

  return errors.length ? { ok: false, errors: cap(errors) } : { ok: true, value };
}

/** The RunServices.validate shape: forms by name, resolved through the study's registry. */
export function createValidator(
  catalog: Pick<InstrumentRegistry, 'view'>,
): (output: unknown, transcript: RatableTranscript, forms: FormRequest[]) => Validation {
  const views = new Map<string, FormView>();
  return (output, transcript, forms) =>
    validateOutput(
      output,
      transcript,
      forms.map((f) => {
        const key = `${f.instrument}:${f.form}`;
        let v = views.get(key);
        if (!v) views.set(key, (v = catalog.view(f.instrument, f.form)));
        return v;
      }),
    );
}

/**
 * How quotes are compared: case-blind, every run of whitespace one space, typographic apostrophes, quotation
 * marks and dashes as their plain forms (models and transcribers swap them freely).
 */
export function normaliseQuote(text: string): string {
  return text
    .toLowerCase()
    .replace(/[‘’ʼ`]/g, "'")
    .replace(/[“”„]/g, '"')
    .replace(/[‐‑‒–—]/g, '-')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Quotation marks or an ellipsis around the whole quote are the model's framing, not part of the words. */
function stripQuoteMarks(q: string): string {
  return q
    .trim()
    .replace(/^(?:\.\.\.|…)\s*/, '')
    .replace(/\s*(?:\.\.\.|…)$/, '')
    .replace(/^["'“”‘’]+|["'“”‘’]+$/g, '')
    .trim();
}

/**
 * A form marked `"continuous": true` in the raw answer (the lexicon's, whose items are evidence estimates) may
 * give values between the scale's steps. The mark is read from the raw answer and is not part of RaterOutput,
 * whose schema the providers send as a strict structured-output format.
 */
export function isContinuous(output: unknown, formIndex: number): boolean {
  const forms = (output as { forms?: unknown })?.forms;
  return Array.isArray(forms) && (forms[formIndex] as { continuous?: unknown } | undefined)?.continuous === true;
}

function scaleText(view: FormView): string {
  const s = view.form.scale;
  return `${s.min}–${s.max}${s.decimals ? ` (up to ${s.decimals} decimals)` : ' (whole numbers)'}`;
}

/**
 * An id the model gave, shown only when it looks like an id: a model that put words where an id belongs may
 * have copied them from the transcript, and error messages never carry transcript text.
 */
export function showId(id: string): string {
  return /^[A-Za-z0-9_.:/#-]{1,40}$/.test(id) ? JSON.stringify(id) : '(a value that is not an id)';
}

function idList(ids: readonly string[]): string {
  const shown = ids.slice(0, 8).map(showId);
  return shown.join(', ') + (ids.length > 8 ? ` and ${ids.length - 8} more` : '');
}

function cap(errors: string[]): string[] {
  if (errors.length <= MAX_ERRORS) return errors;
  return [...errors.slice(0, MAX_ERRORS), `and ${errors.length - MAX_ERRORS} more problems of the kinds above`];
}

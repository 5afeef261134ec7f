import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError, sha256, stableStringify } from '@alliance-lab/core';
import { itemLabelText, type InstrumentRegistry } from '@alliance-lab/instruments';
import type { ChatPrompt } from '../providers/chat-prompt';
import type { FormRequest, RatableTranscript, RateRequest } from '../rater';
import { estimateTokens } from './estimate-tokens';
import { Template } from './template';

/** The shipped prompt versions, one folder each (prompts/v1, ...). */
export const PROMPTS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'prompts');

/** The files every prompt version has; a new version is a new folder with these five files. */
export const TEMPLATE_FILES = ['system', 'rubric', 'transcript', 'form', 'task'] as const;
type TemplateName = (typeof TEMPLATE_FILES)[number];

/**
 * Chat formats add a few tokens per message (role markers, separators). Three messages: system, transcript, task.
 */
export const MESSAGE_OVERHEAD_TOKENS = 4;

/** Where item labels and scales come from: the study's instrument registry. */
export type PromptCatalog = Pick<InstrumentRegistry, 'view' | 'itemLabel'>;

export interface PromptRenderer {
  version: string;
  /** sha256 of the rendered prompt without the transcript (system, rubric, and the task for the configured forms). */
  hash: string;
  /** The ChatPromptBuilder the model providers call. */
  build(req: RateRequest): ChatPrompt;
  render(transcript: RatableTranscript, forms: readonly FormRequest[]): ChatPrompt;
  /** Estimated input tokens of a whole request (all three messages). */
  tokens(transcript: RatableTranscript, forms: readonly FormRequest[]): number;
  /** Estimated tokens of each utterance's line in the transcript block (for chunking). */
  utteranceTokens(transcript: RatableTranscript): number[];
}

export interface PromptOptions {
  version: string;
  /** The rater's configured forms ("wai-o-s:observer" parsed): the hash covers the task rendered for them. */
  forms: readonly FormRequest[];
  catalog: PromptCatalog;
  /** A folder of prompt versions; the shipped prompts/ by default. */
  dir?: string;
}

const SPEAKER = { therapist: 'T', client: 'C', other: 'O' } as const;

/**
 * The one renderer for every prompt version. The layout, which providers keep in this order, puts what changes
 * least first so providers' prefix caches hit: the system message (framing, output rules and the five-domain
 * rubric: the same for every call of a version), then the transcript block (the same for every form set and
 * every replicate of a session), then the task naming the forms and their items (which differs between raters).
 * Putting the transcript before the forms is the point: a study that rates the same sessions with two form sets,
 * or with five replicates, pays for the transcript once per cache lifetime, not once per call.
 */
export function createPromptRenderer(opts: PromptOptions): PromptRenderer {
  const templates = loadTemplates(opts.dir ?? PROMPTS_DIR, opts.version);
  const system = `${templates.system.render({})}\n\n${templates.rubric.render({})}`;
  const tasks = new Map<string, string>();
  const task = (forms: readonly FormRequest[]): string => {
    const key = forms.map((f) => `${f.instrument}:${f.form}`).join(',');
    let t = tasks.get(key);
    if (t === undefined) tasks.set(key, (t = renderTask(templates, opts.catalog, forms)));
    return t;
  };
  const hash = sha256(stableStringify({ version: opts.version, system, task: task(opts.forms) }));
  let memo: { hash: string; text: string } | undefined;
  const transcriptBlock = (t: RatableTranscript): string => {
    if (memo?.hash !== t.contentHash) memo = { hash: t.contentHash, text: renderTranscript(templates.transcript, t) };
    return memo.text;
  };
  const render = (t: RatableTranscript, forms: readonly FormRequest[]): ChatPrompt => ({
    system,
    transcript: transcriptBlock(t),
    task: task(forms),
  });
  const systemTokens = estimateTokens(system);
  return {
    version: opts.version,
    hash,
    build: (req) => render(req.transcript, req.forms),
    render,
    tokens: (t, forms) =>
      systemTokens + estimateTokens(transcriptBlock(t)) + estimateTokens(task(forms)) + 3 * MESSAGE_OVERHEAD_TOKENS,
    utteranceTokens: (t) => t.utterances.map((u) => estimateTokens(utteranceLine(u)) + 1),
  };
}

/** The prompt versions available in a folder. */
export function promptVersions(dir: string = PROMPTS_DIR): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

function loadTemplates(dir: string, version: string): Record<TemplateName, Template> {
  const folder = join(dir, version);
  if (!/^[A-Za-z0-9._-]+$/.test(version) || !existsSync(folder)) {
    const known = promptVersions(dir);
    throw new UsageError(
      `no prompt version "${version}" in ${dir}; ${known.length ? `versions are ${known.join(', ')}` : 'it holds none'}`,
    );
  }
  const out = {} as Record<TemplateName, Template>;
  for (const name of TEMPLATE_FILES) {
    const file = join(folder, `${name}.md`);
    if (!existsSync(file))
      throw new UsageError(
        `prompt version "${version}" lacks ${file}; every version has ${TEMPLATE_FILES.map((n) => `${n}.md`).join(', ')}`,
      );
    // One final line break belongs to the file, not to the prompt.
    out[name] = new Template(readFileSync(file, 'utf8').replace(/\r\n/g, '\n').replace(/\n$/, ''), file);
  }
  return out;
}

function utteranceLine(u: RatableTranscript['utterances'][number]): string {
  return `${u.id} ${SPEAKER[u.role]}: ${oneLine(u.text)}`;
}

/** Line breaks inside an utterance would start what looks like a new utterance; quotes are checked whitespace-blind. */
function oneLine(text: string): string {
  return /[\r\n]/.test(text) ? text.replace(/\s*[\r\n]+\s*/g, ' ') : text;
}

function renderTranscript(t: Template, transcript: RatableTranscript): string {
  return t.render({
    utterances: transcript.utterances.map((u) => ({ id: u.id, speaker: SPEAKER[u.role], text: oneLine(u.text) })),
  });
}

function renderTask(
  templates: Record<TemplateName, Template>,
  catalog: PromptCatalog,
  forms: readonly FormRequest[],
): string {
  let paraphrased = false;
  const sections = forms.map((f) => {
    const view = catalog.view(f.instrument, f.form);
    const labels = view.items.map((item) => catalog.itemLabel(f.instrument, f.form, item.id));
    // A form whose items are all paraphrases says so once in its heading; a mixed form marks each paraphrase.
    const allParaphrased = labels.every((l) => l.kind === 'paraphrase');
    if (labels.some((l) => l.kind === 'paraphrase')) paraphrased = true;
    // Items that share one label (unretrieved wording, paraphrased per scale) are listed once with all their ids.
    const groups: Array<{ ids: string[]; label: string }> = [];
    const byLabel = new Map<string, { ids: string[]; label: string }>();
    for (const [i, item] of view.items.entries()) {
      const l = labels[i]!;
      const label = allParaphrased ? l.text : itemLabelText(l);
      let g = byLabel.get(label);
      if (!g) {
        byLabel.set(label, (g = { ids: [], label }));
        groups.push(g);
      }
      g.ids.push(item.id);
    }
    const s = view.form.scale;
    return {
      section: `${templates.form.render({
        instrument: view.definition.id,
        form: view.form.id,
        name: view.form.name,
        min: s.min,
        max: s.max,
        decimals: s.decimals,
        anchors: s.anchors,
        allParaphrased,
        items: groups.map((g) => ({ ids: g.ids.join(', '), label: g.label })),
      })}\n`,
    };
  });
  return templates.task.render({ forms: sections, paraphrased });
}

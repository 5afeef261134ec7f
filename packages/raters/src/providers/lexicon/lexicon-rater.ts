import { isAbsolute, resolve } from 'node:path';
import { sha256, UsageError } from '@alliance-lab/core';
import { InstrumentLookupError, loadRegistry, type FormView, type InstrumentRegistry } from '@alliance-lab/instruments';
import { loadCoder } from '../../coder/coder';
import { loadMarkerFile } from '../../lexicon/marker-file';
import { compileMarkers, type MarkerSet } from '../../lexicon/marker-set';
import { rateWithLexicon } from '../../lexicon/rate-lexicon';
import type { FormRequest, RateRequest, RateResponse, Rater } from '../../rater';
import type { LexiconConfig } from './lexicon-config';

/** Where the lexicon finds form definitions: the study's instrument registry (or anything with its `view`). */
export type FormCatalog = Pick<InstrumentRegistry, 'view'>;

/** What the lexicon factory needs: the named configuration and where the study lives. */
export interface LexiconContext {
  name: string;
  config: LexiconConfig;
  /** The study folder: relative marker paths and the study's own instrument definitions are read from here. */
  studyDir?: string;
  /** Defaults to the registry of the study's instruments (built-in ones plus the study's own). */
  forms?: FormCatalog;
}

/**
 * `lexicon`: the offline, transparent baseline. Counts relational markers from a marker file a researcher can
 * read and edit (packages/raters/lexicon/markers.json, or the file named in options.markers) and maps their
 * rates to signals, ruptures and item ratings. Nothing leaves the machine and no key is needed. Its "prompt" is
 * the marker file: the version is the file's version and the hash is the hash of its content (with the utterance
 * coder's, when markers fire on its codes), so editing the markers or retraining the coder gives new cache keys and
 * the ratings record which marker set and coder made them.
 */
export class LexiconRater implements Rater {
  readonly name: string;
  readonly provider = 'lexicon';
  readonly model: string;
  readonly prompt: { version: string; hash: string };
  readonly remote = false;
  readonly markers: MarkerSet;
  private readonly forms: FormCatalog;
  private readonly views = new Map<string, FormView>();

  constructor(ctx: LexiconContext) {
    this.name = ctx.name;
    this.model = ctx.config.model;
    const option = ctx.config.options.markers;
    const file = option === undefined ? undefined : isAbsolute(option) ? option : resolve(ctx.studyDir ?? '.', option);
    this.markers = compileMarkers(loadMarkerFile(file));
    // Coded markers fire on the utterance coder's codes, so such a marker file's ratings depend on the coder's
    // weights too: a retrained coder gives new cache keys, as an edited marker file does.
    const hash =
      this.markers.codeMarkers.length > 0 ? sha256(`${this.markers.hash}\n${loadCoder().hash}`) : this.markers.hash;
    this.prompt = { version: this.markers.file.version, hash };
    this.forms = ctx.forms ?? loadRegistry(ctx.studyDir ? { studyDir: ctx.studyDir } : {});
  }

  async rate(req: RateRequest): Promise<RateResponse> {
    const started = performance.now();
    const output = rateWithLexicon(
      this.markers,
      req.transcript.utterances,
      req.forms.map((f) => this.view(f)),
    );
    return {
      output,
      usage: { inputTokens: 0, outputTokens: 0, cachedTokens: 0, costUsd: 0, latencyMs: performance.now() - started },
    };
  }

  private view(f: FormRequest): FormView {
    const key = `${f.instrument}:${f.form}`;
    let v = this.views.get(key);
    if (!v) {
      try {
        v = this.forms.view(f.instrument, f.form);
      } catch (err) {
        if (err instanceof InstrumentLookupError) throw new UsageError(`rater "${this.name}": ${err.message}`);
        throw err;
      }
      this.views.set(key, v);
    }
    return v;
  }
}

export function createLexiconRater(ctx: LexiconContext): LexiconRater {
  return new LexiconRater(ctx);
}

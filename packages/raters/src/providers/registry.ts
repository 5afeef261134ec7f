import { InputError, STUDY_FILE, didYouMean, formatPath, keysAt, nearest, type StudyConfig } from '@alliance-lab/core';
import { anthropicProvider } from './anthropic';
import { lexiconProvider } from './lexicon';
import { openaiProvider } from './openai';
import type { FactoryDeps, PreparedRater, Provider } from './provider';
import type { RaterConfig } from './rater-config';
import { replayProvider } from './replay';

/** Every provider a study.json rater entry can name. Adding one is a folder under providers/ and a line here. */
const PROVIDERS: readonly Provider[] = [openaiProvider, anthropicProvider, lexiconProvider, replayProvider];

export const PROVIDER_NAMES: readonly string[] = PROVIDERS.map((p) => p.name);

/** A rater entry checked by its provider's schema, ready to create the rater. */
export interface ConfiguredRater {
  name: string;
  provider: string;
  config: RaterConfig;
  create(deps: FactoryDeps): Promise<PreparedRater>;
}

/**
 * Checks one study.json rater entry through its provider's schema. An unknown provider or key is an error
 * naming the rater, the key and the nearest valid one; a key that belongs under "options" (or the other way
 * round) is suggested with its full path.
 */
export function configureRater(name: string, entry: unknown, file: string = STUDY_FILE): ConfiguredRater {
  const named = typeof entry === 'object' && entry !== null ? (entry as { provider?: unknown }).provider : undefined;
  const provider = PROVIDERS.find((p) => p.name === named);
  if (!provider) {
    const which =
      typeof named === 'string' ? `unknown provider "${named}"${didYouMean(named, PROVIDER_NAMES)}` : 'no provider';
    throw new InputError(`rater "${name}": ${which} (providers: ${PROVIDER_NAMES.join(', ')})`, { file });
  }
  return bind(provider, name, entry, file);
}

function bind<C extends RaterConfig>(p: Provider<C>, name: string, entry: unknown, file: string): ConfiguredRater {
  const parsed = p.config.safeParse(entry);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    if (issue.code === 'unrecognized_keys') {
      const key = formatPath([...issue.path, issue.keys[0]!]);
      const valid = [...keysAt(p.config, []), ...keysAt(p.config, ['options']).map((k) => `options.${k}`)].filter(
        (k) => k !== 'options',
      );
      // Compared by the last segment, so a key at the wrong level ("markers" for "options.markers") is found.
      const leaf = (k: string) => k.slice(k.lastIndexOf('.') + 1);
      const nearLeaf = nearest(leaf(key), valid.map(leaf));
      const near = valid.find((k) => leaf(k) === nearLeaf);
      const hint = near ? `; did you mean "${near}"?` : ` (a ${p.name} rater takes ${valid.join(', ')})`;
      throw new InputError(`rater "${name}": unknown key "${key}"${hint}`, { file });
    }
    throw new InputError(`rater "${name}": ${formatPath(issue.path) || '(entry)'}: ${issue.message}`, { file });
  }
  const config = parsed.data;
  return { name, provider: p.name, config, create: (deps) => p.create({ ...deps, name, config }) };
}

/**
 * Checks every rater entry of a study. Core calls it on every load once the composition root has installed it
 * (core's setRaterValidator), since core cannot import this package.
 */
export function validateStudyRaters(raters: StudyConfig['raters'], file: string = STUDY_FILE): void {
  for (const [name, entry] of Object.entries(raters)) configureRater(name, entry, file);
}

import type { RateRequest } from '../rater';

/**
 * A rendered prompt as the chat providers lay it out. The order is the caching order: `system` is the same for
 * every call of a prompt version, `transcript` is the same across forms and replicates, `task` names the forms
 * to rate. Providers put the three in that order so the providers' prefix caches hit.
 */
export interface ChatPrompt {
  system: string;
  transcript: string;
  task: string;
}

/** Renders the prompt for one request; the renderer (src/prompts) decides the words, providers only the layout. */
export type ChatPromptBuilder = (req: RateRequest) => ChatPrompt;

/** The repair turn: what was wrong with the previous answer, sent back once. */
export function repairMessage(errors: string[]): string {
  return [
    'Your previous answer could not be accepted. These problems were found:',
    ...errors.map((e) => `- ${e}`),
    'Answer again with the complete corrected result: every requested form and item, the signals and the ruptures.',
  ].join('\n');
}

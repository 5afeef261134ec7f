import type { StudyConfig } from './study-config';

/**
 * Checks the rater entries' provider options. Core cannot know providers (they live in the raters package,
 * above core), so the composition root installs the raters package's validator here; it throws an InputError
 * naming the rater and the key. Without one, rater entries are checked when a rater is created. Kept apart from
 * the store so the CLI can install it at start-up without loading the database driver.
 */
export type RaterValidator = (raters: StudyConfig['raters'], file: string) => void;
let raterValidator: RaterValidator | undefined;

export function setRaterValidator(validator: RaterValidator | undefined): void {
  raterValidator = validator;
}

export function validateRaters(raters: StudyConfig['raters'], file: string): void {
  raterValidator?.(raters, file);
}

import {
  InstrumentFileError,
  InstrumentLookupError,
  loadRegistry,
  type InstrumentRegistry,
} from '@alliance-lab/instruments';
import { readStudyConfig } from '../../../store/study';
import { InputError, UsageError } from '../../../util/errors';

/**
 * Runs an instruments-package call with its errors in the CLI's terms: an unknown instrument or form is a usage
 * error (exit 2), a broken definition or wording file is bad input naming the file (exit 1).
 */
export function instrumentCall<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof InstrumentLookupError) throw new UsageError(err.message);
    if (err instanceof InstrumentFileError) throw new InputError(err.problems.join('; '), { file: err.file });
    throw err;
  }
}

/** The built-in instruments plus, given a study folder (checked to be one), the study's own and its wording. */
export function registryFor(studyDir: string | undefined): InstrumentRegistry {
  if (studyDir !== undefined) readStudyConfig(studyDir, { checkReferences: false });
  return instrumentCall(() => loadRegistry(studyDir !== undefined ? { studyDir } : {}));
}

export const STUDY_OPTION = {
  type: 'string',
  placeholder: 'DIR',
  description: "study folder: adds the study's own instruments and installed wording",
} as const;

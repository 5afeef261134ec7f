import {
  InstrumentFileError,
  InstrumentLookupError,
  loadRegistry,
  type InstrumentRegistry,
} from '@alliance-lab/instruments';
import { InputError, UsageError } from '../../../util/errors';
import { text } from '../../options';

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
export async function registryFor(studyDir: string | undefined): Promise<InstrumentRegistry> {
  if (studyDir !== undefined) await checkStudy(studyDir);
  return instrumentCall(() => loadRegistry(studyDir !== undefined ? { studyDir } : {}));
}

/**
 * Reads and checks study.json; the store module (and its database driver) loads only when a study is named.
 * Instrument references are not checked here: these commands are how a study adds the instruments it names.
 */
export async function checkStudy(studyDir: string): Promise<void> {
  const { readStudyConfig } = await import('../../../store/study');
  readStudyConfig(studyDir, { checkReferences: false });
}

export const studyOption = () =>
  text("study folder: adds the study's own instruments and installed wording", 'DIR').optional();

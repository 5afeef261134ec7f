import { UsageError } from '../../../util/errors';
import { integer, text } from '../../options';

/**
 * Where a statistic reads its data: a CSV (--in) or a study's scores (--study, through study-input.ts). The
 * options of the study side are the same for every command, so they are declared once here.
 */
export const STUDY_OPTIONS = {
  study: text('read the scores of this study folder instead of a CSV (not with --in)', 'DIR').optional(),
  instrument: text('with --study: only this instrument', 'ID').optional(),
  form: text('with --study: only this form', 'FORM').optional(),
  scale: text('with --study: only this scale', 'S').optional(),
  replicate: integer("with --study: this replicate of each rater's ratings (default: replicates averaged)", 'N', {
    min: 1,
  }).optional(),
};

export interface StudyScoreOptions {
  study: string;
  instrument?: string | undefined;
  form?: string | undefined;
  scale?: string | undefined;
  replicate?: number | undefined;
}

export type DataSource = { kind: 'csv'; file: string } | { kind: 'study'; study: StudyScoreOptions };

/** --in or --study, exactly one; the study-only options are refused beside --in rather than ignored. */
export function dataSource(o: Partial<StudyScoreOptions> & { in?: string | undefined }): DataSource {
  if (o.in !== undefined && o.study !== undefined)
    throw new UsageError('--in and --study are alternatives: read a CSV or a study, not both');
  if (o.study !== undefined) {
    const { study, instrument, form, scale, replicate } = o;
    return { kind: 'study', study: { study, instrument, form, scale, replicate } };
  }
  if (o.in === undefined) throw new UsageError('give the data: --in FILE.csv or --study DIR');
  for (const key of ['instrument', 'form', 'scale', 'replicate'] as const)
    if (o[key] !== undefined)
      throw new UsageError(`--${key} selects scores of a study: it goes with --study, not --in`);
  return { kind: 'csv', file: o.in };
}

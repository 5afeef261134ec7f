import { saveValidationRun, type Study } from '@alliance-lab/core';
import { loadValidationData } from './data';
import { readGroundTruth } from './ground-truth';
import { type ValidationResult, validateRaters } from './run';
import { summaryText } from './summary-text';
import type { BootstrapSettings } from './self-report';

export interface ValidateStudyOptions {
  raters?: string[];
  bootstrap?: BootstrapSettings;
  tolerance?: number;
  groundTruthFile?: string;
  /** Write the HTML report here. */
  out?: string;
  shareable?: boolean;
}

/** Reads the study, computes every figure, stores the run and writes the report when asked. */
export async function validateStudy(
  study: Study,
  opts: ValidateStudyOptions = {},
): Promise<{ result: ValidationResult; text: string; runId: string }> {
  const groundTruth = opts.groundTruthFile ? await readGroundTruth(opts.groundTruthFile) : undefined;
  const data = await loadValidationData(study, opts.raters ?? []);
  const result = validateRaters(data, {
    ...(opts.bootstrap ? { bootstrap: opts.bootstrap } : {}),
    ...(opts.tolerance !== undefined ? { tolerance: opts.tolerance } : {}),
    ...(groundTruth ? { groundTruth } : {}),
  });
  if (opts.out) {
    const { writeReport } = await import('./report/write-report');
    await writeReport(study, data, result, { file: opts.out, shareable: opts.shareable ?? false });
  }
  const runId = await saveValidationRun(
    study.db,
    { generatedAt: result.generatedAt, raters: result.raters.map((r) => r.rater), result: { ...result } },
    study.actor,
  );
  return { result, text: summaryText(result), runId };
}

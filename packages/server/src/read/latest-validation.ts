import { latestValidationRun, type Study } from '@alliance-lab/core';
import type { ValidationResult } from '@alliance-lab/raters';

export interface LatestValidation {
  id: string;
  generatedAt: string;
  raters: string[];
  /** The run's JSON as `alliance validate --json` printed it. */
  result: ValidationResult;
}

/** The most recent stored `alliance validate` run, or null when the study has none. */
export async function latestValidation(study: Study): Promise<LatestValidation | null> {
  const run = await latestValidationRun(study.db);
  if (!run) return null;
  return {
    id: run.id,
    generatedAt: run.generatedAt,
    raters: run.raters,
    result: run.result as unknown as ValidationResult,
  };
}

/** Per client, the sessions where some rater and the self-report diverged beyond the limits of agreement. */
export function divergentSessions(result: ValidationResult | null): Map<string, Set<number>> {
  const out = new Map<string, Set<number>>();
  for (const r of result?.raters ?? [])
    for (const d of r.divergence ?? []) {
      let set = out.get(d.client);
      if (!set) out.set(d.client, (set = new Set()));
      set.add(d.session);
    }
  return out;
}

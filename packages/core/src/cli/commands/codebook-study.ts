import { writeFileSync } from 'node:fs';
import type { InstrumentRegistry } from '@alliance-lab/instruments';
import { openStudy } from '../../store/study';
import { renderStudyCodebook, studyCodebook, type CodebookFormat } from '../../study/codebook';
import type { CommandResult } from '../command';

/** `alliance codebook --study DIR` without --instrument: the data dictionary of everything the study exports. */
export async function studyCodebookResult(
  studyDir: string,
  format: CodebookFormat,
  out: string | undefined,
  registry: InstrumentRegistry,
): Promise<CommandResult> {
  const study = await openStudy(studyDir);
  try {
    const cb = await studyCodebook(study, registry);
    const rendered = renderStudyCodebook(cb, format);
    if (out !== undefined) writeFileSync(out, rendered);
    const variables = cb.ids.length + cb.rows.length;
    return {
      data: {
        study: study.dir,
        format,
        variables,
        ids: cb.ids,
        rows: cb.rows,
        ...(out !== undefined ? { file: out } : {}),
      },
      text: out !== undefined ? `wrote ${variables} variables to ${out}` : rendered.replace(/\r?\n$/, ''),
    };
  } finally {
    await study.close();
  }
}

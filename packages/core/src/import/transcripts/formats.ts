import { extname } from 'node:path';
import { UsageError } from '../../util/errors';
import { csvFormat } from './csv';
import { jsonFormat } from './json';
import { jsonlFormat } from './jsonl';
import { srtFormat } from './srt';
import { textFormat } from './text';
import type { FormatName, TranscriptFormat } from './types';
import { vttFormat } from './vtt';

export const transcriptFormats: Readonly<Record<FormatName, TranscriptFormat>> = {
  json: jsonFormat,
  jsonl: jsonlFormat,
  csv: csvFormat,
  vtt: vttFormat,
  srt: srtFormat,
  text: textFormat,
};

/** The format named by --format, or the one the file's extension implies. */
export function formatFor(path: string, name?: string): TranscriptFormat {
  if (name !== undefined) {
    const f = transcriptFormats[name as FormatName];
    if (!f) throw new UsageError(`--format must be one of ${Object.keys(transcriptFormats).join(', ')}, got "${name}"`);
    return f;
  }
  const ext = extname(path).toLowerCase();
  const f = Object.values(transcriptFormats).find((x) => x.extensions.includes(ext));
  if (!f) {
    const known = Object.values(transcriptFormats)
      .flatMap((x) => x.extensions)
      .join(', ');
    throw new UsageError(`cannot tell the format of ${path} from its extension (known: ${known}); give --format`);
  }
  return f;
}

import type { SessionTranscript } from '../../schemas/transcript';
import type { SpeakerResolver } from './speaker-map';

export const FORMAT_NAMES = ['json', 'jsonl', 'csv', 'vtt', 'srt', 'text'] as const;
export type FormatName = (typeof FORMAT_NAMES)[number];

/** Session metadata given outside the file: --client, --therapist, --session, --date, or read off the file name. */
export interface SessionMeta {
  client?: string;
  therapist?: string;
  session?: number;
  date?: string;
}

/** Which CSV header names hold which field. Fields left out use their own name as the header. */
export interface CsvColumns {
  client?: string;
  therapist?: string;
  session?: string;
  date?: string;
  speaker?: string;
  text?: string;
  start?: string;
  end?: string;
  id?: string;
}

/** One session read from a file, validated, with the line it starts on so later errors (store conflicts) can point at it. */
export interface ParsedSession {
  transcript: SessionTranscript;
  line: number;
  /** The content hash, when the parser thread already computed it. */
  contentHash?: string;
}

export interface ParseInput {
  /** Path to read. */
  path: string;
  /** How the file is named in messages. */
  label: string;
  /** Values from the command line or the file name; a file's own values must agree with them. */
  meta: SessionMeta;
  speakers: SpeakerResolver;
  columns: CsvColumns;
  /** CSV field separator (--delimiter); detected from the header when not given. */
  delimiter?: string;
  /** Told about things the parser fixed up and the user should know (cues stored in time order). */
  warn?: (message: string) => void;
}

/**
 * A transcript format: a streaming parser from a file to validated sessions. Formats that carry no session
 * metadata take it from `meta`; all of them throw InputError naming the file, line and column.
 */
export interface TranscriptFormat {
  name: FormatName;
  extensions: readonly string[];
  parse(input: ParseInput): AsyncIterable<ParsedSession>;
}

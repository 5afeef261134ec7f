import { requireMeta } from './session-meta';
import type { TurnBuilder } from './turn-builder';
import type { ParsedSession, ParseInput } from './types';
import { lineLocator, validateSession } from './validate-session';

const OPTION_FOR: Record<string, string> = {
  client: '--client',
  therapist: '--therapist',
  session: '--session',
  date: '--date',
};

/**
 * Finishes a file that is one session with no metadata of its own (VTT, SRT, plain text): the turns it holds,
 * the session from the command line or file name, validated as a canonical transcript.
 */
export function singleSession(input: ParseInput, turns: TurnBuilder, emptyMessage: string): ParsedSession {
  const meta = requireMeta(input.meta, { file: input.label });
  const { utterances, lines } = turns.finish(emptyMessage);
  const raw = { client: meta.client, therapist: meta.therapist, session: meta.session, date: meta.date, utterances };
  // Metadata errors are about an option (or the file name), so they name it in the column slot.
  const transcript = validateSession(
    raw,
    lineLocator(input.label, lines[0] ?? 1, lines, (field) => OPTION_FOR[field]),
  );
  return { transcript, line: lines[0] ?? 1 };
}

import { UsageError } from '../../../util/errors';
import { parseSessionIndex } from '../ids';

/** Turns a REDCap unique event name into a session index, or undefined when the event is not a session. */
export type EventMapper = ((event: string) => number | undefined) & { describe: string };

/** Longitudinal projects usually name events `session_3_arm_1`, `visit_3_arm_1`: a word, the number, the arm. */
export const DEFAULT_EVENT_PATTERN = '*_{n}_arm_*';

/**
 * --events takes either a pattern with `{n}` where the session number stands and `*` for anything
 * (`session_{n}_arm_1`), or an explicit list `baseline_arm_1=1,week_2_arm_1=2` for event names that carry no
 * number.
 */
export function eventMapper(spec: string = DEFAULT_EVENT_PATTERN): EventMapper {
  if (spec.includes('=')) {
    const table = new Map<string, number>();
    for (const part of spec
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)) {
      const eq = part.lastIndexOf('=');
      const name = part.slice(0, eq).trim();
      const n = parseSessionIndex(part.slice(eq + 1).trim());
      if (eq <= 0 || n === undefined)
        throw new UsageError(`--events: "${part}" should be EVENT=SESSION with a whole session number from 1`);
      if (table.has(name)) throw new UsageError(`--events names event "${name}" twice`);
      table.set(name, n);
    }
    return Object.assign((e: string) => table.get(e), { describe: `--events ${spec}` });
  }
  const placeholders = spec.match(/\{(n|session)\}/g) ?? [];
  if (placeholders.length !== 1)
    throw new UsageError(
      `--events pattern "${spec}" needs exactly one {n} where the session number stands, e.g. session_{n}_arm_1`,
    );
  const source = spec
    .split(/(\{(?:n|session)\}|\*)/)
    .map((part) =>
      part === '*'
        ? '.*'
        : part === '{n}' || part === '{session}'
          ? '(\\d+)'
          : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('');
  const re = new RegExp(`^${source}$`);
  return Object.assign(
    (e: string) => {
      const m = re.exec(e);
      return m ? parseSessionIndex(m[1]!) : undefined;
    },
    { describe: `the event pattern ${spec}` },
  );
}

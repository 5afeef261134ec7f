import { SpeakerRole } from '../../schemas/transcript';
import { basename } from 'node:path';
import { joinedHeaderHint, readCsvRows } from '../../util/csv';
import { InputError, UsageError } from '../../util/errors';

/**
 * A "speaker" longer than this is almost surely text in the wrong column (--columns speaker=utterance_text);
 * messages describe it instead of quoting it, so no transcript text reaches a log.
 */
const MAX_SHOWN = 40;

function quoteLabel(label: string): string {
  return label.length <= MAX_SHOWN ? `"${label}"` : `(a ${label.length}-character label; is the speaker column right?)`;
}

/** Labels that name a role by themselves, in any letter case, so T:/C: transcripts and role columns need no map. */
const ROLE_WORDS: ReadonlyMap<string, SpeakerRole> = new Map([
  ['therapist', 'therapist'],
  ['t', 'therapist'],
  ['client', 'client'],
  ['c', 'client'],
  ['other', 'other'],
]);

/**
 * Labels that fields other than psychotherapy use for the same two roles: counselling (counselor, patient),
 * emotional-support chat (supporter and seeker, as ESConv writes them; listener, as peer-support services do),
 * and helping-skills research (helper, help-seeker). A transcript labelled this way imports without --speakers.
 * They name speakers only: a --speakers entry still ends in therapist, client or other.
 */
const ROLE_SYNONYMS: ReadonlyMap<string, SpeakerRole> = new Map([
  ...(['counselor', 'counsellor', 'clinician', 'psychotherapist', 'supporter', 'helper', 'listener'] as const).map(
    (w) => [w, 'therapist'] as const,
  ),
  ...(['patient', 'seeker', 'help-seeker', 'help seeker', 'helpseeker'] as const).map((w) => [w, 'client'] as const),
]);

/**
 * Every label that names the therapist or the client by itself, for a typed transcript's "Seeker:" prefix.
 * "other" is left out: at the start of a line it is more often a word than a speaker.
 */
export const ROLE_LABELS: readonly string[] = [...ROLE_WORDS.keys(), ...ROLE_SYNONYMS.keys()].filter(
  (w) => w !== 'other',
);

/** The role a label names by itself, if any. */
export function roleWord(label: string): SpeakerRole | undefined {
  const key = normalizeLabel(label);
  return ROLE_WORDS.get(key) ?? ROLE_SYNONYMS.get(key);
}

/** Speaker labels compare without regard to case or repeated spaces: "dr.  lee" is "Dr. Lee". */
export function normalizeLabel(label: string): string {
  return label.trim().replace(/\s+/g, ' ').toLowerCase();
}

/**
 * The --speakers option: "Dr. Lee=therapist,Sam=client". Transcripts name people; the store needs roles. A
 * label neither mapped here nor a role word is an error for the whole file, listing every such label at once
 * so one edit of the option fixes the import.
 */
export class SpeakerMap {
  private constructor(
    private readonly roles: ReadonlyMap<string, SpeakerRole>,
    private readonly names: readonly string[],
    /** The entries it was parsed from, so a parser thread can rebuild the same map. */
    readonly entries: readonly string[],
  ) {}

  static readonly empty = new SpeakerMap(new Map(), [], []);

  /**
   * Parses "Name=role" entries (the CLI already splits commas outside quotes). A name holding a comma or "=" is
   * quoted: "Lee, Jordan (Dr.)"=therapist. Bad entries are usage errors.
   */
  static parse(entries: readonly string[]): SpeakerMap {
    const roles = new Map<string, SpeakerRole>();
    const names: string[] = [];
    for (const entry of entries) {
      const { name, roleText } = splitEntry(entry);
      if (!name) throw new UsageError(`--speakers entry "${entry}" should look like "Name=therapist"`);
      const role = SpeakerRole.safeParse(ROLE_WORDS.get(roleText) ?? roleText);
      if (!role.success)
        throw new UsageError(`--speakers entry "${entry}": the role must be therapist, client or other`);
      const key = normalizeLabel(name);
      const before = roles.get(key);
      if (before && before !== role.data)
        throw new UsageError(`--speakers maps "${name}" to both ${before} and ${role.data}`);
      roles.set(key, role.data);
      names.push(name.trim().replace(/\s+/g, ' '));
    }
    return new SpeakerMap(roles, names, [...entries]);
  }

  /**
   * Reads a --speakers-file: a CSV with the header speaker,role, one label a row. Labels may hold commas (quoted
   * as CSV quotes them). Problems name the file, line and column.
   */
  static async entriesFromFile(path: string, label = basename(path)): Promise<string[]> {
    const entries: string[] = [];
    let rows = 0;
    for await (const row of readCsvRows(path, { file: label })) {
      rows++;
      const missing = ['speaker', 'role'].filter((c) => !(c in row.values));
      if (missing.length > 0)
        throw new InputError(
          `expected the header speaker,role; no ${missing.map((m) => `"${m}"`).join(' or ')} column${joinedHeaderHint(Object.keys(row.values))}`,
          { file: label, line: 1 },
        );
      const name = row.values.speaker!.trim();
      const roleText = row.values.role!.trim().toLowerCase();
      if (!name) throw new InputError('the speaker label is empty', { file: label, line: row.line, column: 'speaker' });
      if (!SpeakerRole.safeParse(ROLE_WORDS.get(roleText) ?? roleText).success)
        throw new InputError('the role must be therapist, client or other', {
          file: label,
          line: row.line,
          column: 'role',
        });
      entries.push(`"${name.replace(/"/g, '""')}"=${roleText}`);
    }
    if (rows === 0)
      throw new InputError('no speakers listed; expected rows under the header speaker,role', { file: label, line: 2 });
    return entries;
  }

  /** The mapped names, longest first, so a prefix scan tries "Dr. Lee Smith" before "Dr. Lee". */
  get labels(): readonly string[] {
    return [...this.names].sort((a, b) => b.length - a.length);
  }

  /** The role for a label, or undefined when it is neither mapped nor a role word (or one of its synonyms). */
  role(label: string): SpeakerRole | undefined {
    return this.roles.get(normalizeLabel(label)) ?? roleWord(label);
  }

  forFile(file: string): SpeakerResolver {
    return new SpeakerResolver(this, file);
  }
}

/** "Name=role" or "\"Quoted, name\"=role" (with "" for a quote inside the quotes). */
function splitEntry(entry: string): { name: string; roleText: string } {
  const e = entry.trim();
  if (e.startsWith('"')) {
    let name = '';
    let i = 1;
    for (; i < e.length; i++) {
      if (e[i] === '"') {
        if (e[i + 1] === '"') {
          name += '"';
          i++;
        } else break;
      } else name += e[i];
    }
    const rest = e.slice(i + 1).trim();
    if (i >= e.length || !rest.startsWith('=')) return { name: '', roleText: '' };
    return { name: name.trim(), roleText: rest.slice(1).trim().toLowerCase() };
  }
  const eq = e.lastIndexOf('=');
  if (eq < 0) return { name: '', roleText: '' };
  return {
    name: e.slice(0, eq).trim(),
    roleText: e
      .slice(eq + 1)
      .trim()
      .toLowerCase(),
  };
}

/** Resolves labels for one file and remembers the unmapped ones (with the first line each appeared on). */
export class SpeakerResolver {
  private readonly unknown = new Map<string, { label: string; line: number }>();
  private readonly cache = new Map<string, SpeakerRole | undefined>();

  constructor(
    readonly map: SpeakerMap,
    readonly file: string,
  ) {}

  /** The role for a label; undefined (and remembered) when unmapped. */
  resolve(label: string, line: number): SpeakerRole | undefined {
    // Role columns repeat a handful of labels millions of times; the cache keeps normalisation off the hot path.
    if (this.cache.has(label)) {
      const hit = this.cache.get(label);
      if (hit === undefined) this.remember(label, line);
      return hit;
    }
    const role = this.map.role(label);
    this.cache.set(label, role);
    if (role === undefined) this.remember(label, line);
    return role;
  }

  get hasUnknown(): boolean {
    return this.unknown.size > 0;
  }

  /** Throws when any label was unmapped, naming all of them and how to map them. */
  check(): void {
    if (this.unknown.size === 0) return;
    const all = [...this.unknown.values()];
    const shown = all.slice(0, 20);
    const list =
      shown.map((u) => `${quoteLabel(u.label)} (line ${u.line})`).join(', ') +
      (all.length > shown.length ? `, and ${all.length - shown.length} more` : '');
    const example =
      shown
        .filter((u) => u.label.length <= MAX_SHOWN)
        .map((u) => `${u.label}=ROLE`)
        .join(',') || 'Name=ROLE';
    throw new InputError(
      `${all.length === 1 ? 'a speaker is' : `${all.length} speakers are`} not mapped to a role: ${list}; ` +
        `map them with --speakers "${example}" where ROLE is therapist, client or other`,
      { file: this.file, line: all[0]!.line },
    );
  }

  private remember(label: string, line: number): void {
    const key = normalizeLabel(label);
    if (!this.unknown.has(key)) this.unknown.set(key, { label: label.trim(), line });
  }
}

import type { LoadedMarkerFile, MarkerDef, MarkerFile } from './marker-file';
import { PhraseMatcher, tokenize } from './phrase-matcher';
import { tokenHash } from './token-hash';

/**
 * A marker file compiled for matching: one phrase trie per speaker holding every marker's phrases and its
 * "unless" phrases. Compiling costs far more than rating one session, so a marker set is compiled once per file
 * content and shared by every rater and replicate that uses it.
 */
export class MarkerSet {
  readonly markers: readonly MarkerDef[];
  readonly index: ReadonlyMap<string, number>;
  readonly matchers: { therapist: PhraseMatcher; client: PhraseMatcher };
  /** Pattern id to marker: m for a phrase of marker m, -(m + 1) for one of its "unless" phrases. */
  readonly patternMarker: readonly number[];
  /** Filler phrases as word lists, longest first, so "you know" is skipped before "you" could be. */
  readonly fillers: readonly string[][];
  /** The fillers by the tokenHash of their first word, longest first, so a word that opens none costs one probe. */
  readonly fillersByFirst: ReadonlyMap<number, readonly string[][]>;
  /** Whether any marker needs sentence openings, so analysis skips finding them otherwise. */
  readonly usesOpenings: boolean;
  /** Markers fired by utterance codes: marker index with the codes ("reflection", "question/open") that fire it. */
  readonly codeMarkers: ReadonlyArray<{ marker: number; codes: ReadonlySet<string> }>;

  constructor(readonly source: LoadedMarkerFile) {
    const f: MarkerFile = source.markers;
    this.markers = f.markers;
    this.index = new Map(f.markers.map((m, i) => [m.id, i]));
    this.matchers = { therapist: new PhraseMatcher(), client: new PhraseMatcher() };
    const patterns: number[] = [];
    f.markers.forEach((m, i) => {
      const matcher = this.matchers[m.speaker];
      for (const p of m.phrases) if (matcher.add(p, patterns.length)) patterns.push(i);
      for (const p of m.unless) if (matcher.add(p, patterns.length)) patterns.push(-(i + 1));
    });
    this.patternMarker = patterns;
    this.fillers = f.fillers
      .map((p) => tokenize(p).words)
      .filter((w) => w.length > 0)
      .sort((x, y) => y.length - x.length);
    const byFirst = new Map<number, string[][]>();
    for (const f of this.fillers) {
      const h = tokenHash(f[0]!);
      let list = byFirst.get(h);
      if (!list) byFirst.set(h, (list = []));
      list.push(f);
    }
    this.fillersByFirst = byFirst;
    this.usesOpenings = f.markers.some((m) => m.opening);
    this.codeMarkers = f.markers.flatMap((m, i) => (m.codes.length ? [{ marker: i, codes: new Set(m.codes) }] : []));
  }

  get file(): MarkerFile {
    return this.source.markers;
  }

  get hash(): string {
    return this.source.hash;
  }

  markerIndex(id: string): number {
    const i = this.index.get(id);
    if (i === undefined) throw new RangeError(`no marker "${id}" in ${this.source.file}`);
    return i;
  }
}

const compiled = new Map<string, MarkerSet>();

/** The compiled set for a loaded marker file, compiled on first use of that content. */
export function compileMarkers(source: LoadedMarkerFile): MarkerSet {
  let set = compiled.get(source.hash);
  if (!set) compiled.set(source.hash, (set = new MarkerSet(source)));
  return set;
}

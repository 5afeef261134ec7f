import type { KeyTable } from './score-batches';
import { IdTable } from './score-id-table';

/** The score scan's sources (score-scan.ts): the responses and ratings a filter keeps, and who gave their scores. */

/** Who gave the scores of a response or rating, with its keys by instrument, form and scale. */
export interface Who {
  rating: boolean;
  rater: string;
  replicate: number;
  keys: Map<string, Map<string, Map<string, number>>>;
}

/** Responses (or ratings) whose scores the filter keeps, numbered by id: each one's session rank and giver. */
export class SourceTable {
  readonly ids: IdTable;
  rank: Int32Array;
  who: Int32Array;

  constructor(expected: number) {
    this.ids = new IdTable(expected);
    this.rank = new Int32Array(Math.max(16, expected));
    this.who = new Int32Array(Math.max(16, expected));
  }

  add(id: string, rank: number, who: number): void {
    const i = this.ids.add(id);
    if (i === this.rank.length) {
      const grow = (a: Int32Array) => {
        const b = new Int32Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.rank = grow(this.rank);
      this.who = grow(this.who);
    }
    this.rank[i] = rank;
    this.who[i] = who;
  }
}

/** The responses and ok ratings of current transcripts whose scores the filter keeps, and who gave them. */
export class Sources {
  readonly responses: SourceTable;
  readonly ratings: SourceTable;
  readonly whos: Who[] = [];
  private readonly byRater = [new Map<string, Map<number, number>>(), new Map<string, Map<number, number>>()];

  constructor(responses: number, ratings: number) {
    this.responses = new SourceTable(responses);
    this.ratings = new SourceTable(ratings);
  }

  get size(): number {
    return this.responses.ids.size + this.ratings.ids.size;
  }

  add(rating: boolean, id: string, rank: number, rater: string, replicate: number): void {
    (rating ? this.ratings : this.responses).add(id, rank, this.whoOf(rating, rater, replicate));
  }

  private whoOf(rating: boolean, rater: string, replicate: number): number {
    const byRater = this.byRater[rating ? 1 : 0]!;
    let byReplicate = byRater.get(rater);
    if (byReplicate === undefined) byRater.set(rater, (byReplicate = new Map()));
    let w = byReplicate.get(replicate);
    if (w === undefined) {
      w = this.whos.length;
      this.whos.push({ rating, rater, replicate, keys: new Map() });
      byReplicate.set(replicate, w);
    }
    return w;
  }
}

/** The id of a giver's key, added to the table the first time it comes. */
export function keyOf(w: Who, keys: KeyTable, instrument: string, form: string, scale: string): number {
  let byForm = w.keys.get(instrument);
  if (byForm === undefined) w.keys.set(instrument, (byForm = new Map()));
  let scales = byForm.get(form);
  if (scales === undefined) byForm.set(form, (scales = new Map()));
  let key = scales.get(scale);
  if (key === undefined) {
    key = keys.add(w.rating, w.rater, w.replicate, instrument, form, scale).id;
    scales.set(scale, key);
  }
  return key;
}

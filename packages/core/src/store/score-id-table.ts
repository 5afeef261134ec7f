/**
 * Text ids numbered 0, 1, 2, … in the order they are added, found again by their text: the score scan's map from a
 * response's or rating's id to its number. An open-addressing hash table over typed arrays, the ids' UTF-16 code
 * units copied into a pool: a Map holding two hundred thousand id strings from SQLite kept them alive, and each
 * collection of the young generation then had to move them and walk the map's pointers to them, which cost more
 * than reading the rows.
 */
export class IdTable {
  private units: Uint16Array;
  private used = 0;
  /** By number: where its text starts in `units`, and its length. */
  private start: Int32Array;
  private length: Int32Array;
  private n = 0;
  /** Slot → number + 1 (0: empty); a power of two, at most half full. */
  private slots: Int32Array;

  /** `expected`: about how many ids will be added, so the arrays are not grown (and copied) as they come. */
  constructor(expected = 1024) {
    const n = Math.max(16, Math.ceil(expected));
    this.units = new Uint16Array(n * 32);
    this.start = new Int32Array(n);
    this.length = new Int32Array(n);
    this.slots = new Int32Array(2 ** Math.ceil(Math.log2(n * 2 + 1)));
  }

  get size(): number {
    return this.n;
  }

  /** The id's number, or -1. */
  get(id: string): number {
    const mask = this.slots.length - 1;
    for (let at = hash(id) & mask; ; at = (at + 1) & mask) {
      const e = this.slots[at]!;
      if (e === 0) return -1;
      if (this.is(e - 1, id)) return e - 1;
    }
  }

  /** Adds an id not in the table yet, giving its number. */
  add(id: string): number {
    if ((this.n + 1) * 2 > this.slots.length) this.rehash(this.slots.length * 2);
    const i = this.n++;
    if (i === this.start.length) {
      this.start = grown(this.start, i * 2);
      this.length = grown(this.length, i * 2);
    }
    if (this.used + id.length > this.units.length) {
      const more = new Uint16Array(Math.max(this.units.length * 2, this.used + id.length));
      more.set(this.units.subarray(0, this.used));
      this.units = more;
    }
    for (let c = 0; c < id.length; c++) this.units[this.used + c] = id.charCodeAt(c);
    this.start[i] = this.used;
    this.length[i] = id.length;
    this.used += id.length;
    this.place(i, hash(id));
    return i;
  }

  private is(i: number, id: string): boolean {
    if (this.length[i] !== id.length) return false;
    const s = this.start[i]!;
    for (let c = 0; c < id.length; c++) if (this.units[s + c] !== id.charCodeAt(c)) return false;
    return true;
  }

  private place(i: number, h: number): void {
    const mask = this.slots.length - 1;
    let at = h & mask;
    while (this.slots[at] !== 0) at = (at + 1) & mask;
    this.slots[at] = i + 1;
  }

  private rehash(size: number): void {
    this.slots = new Int32Array(size);
    for (let i = 0; i < this.n; i++) {
      let h = 0x811c9dc5;
      const s = this.start[i]!;
      for (let c = 0; c < this.length[i]!; c++) h = Math.imul(h ^ this.units[s + c]!, 0x01000193);
      this.place(i, h >>> 0);
    }
  }
}

/** FNV-1a over the UTF-16 code units. */
function hash(id: string): number {
  let h = 0x811c9dc5;
  for (let c = 0; c < id.length; c++) h = Math.imul(h ^ id.charCodeAt(c), 0x01000193);
  return h >>> 0;
}

function grown(a: Int32Array, size: number): Int32Array {
  const b = new Int32Array(size);
  b.set(a);
  return b;
}

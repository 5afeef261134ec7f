import type { Bytes } from './bytes';

const HASH_BITS = 14;
const MAX_OFFSET = 0xffff;
/** Bytes at the end of the input never starting a match, so a match's first four bytes are always there. */
const MARGIN = 15;
const table = new Int32Array(1 << HASH_BITS);

/**
 * Snappy's raw block format (what Parquet's SNAPPY codec is), compressed the way Snappy's reference compressor
 * does it: a hash of each 4-byte sequence finds an earlier occurrence within 64 KiB, copies are extended byte by
 * byte, and the scan skips ahead faster the longer no match turns up (incompressible input costs little). Puts
 * the compressed bytes of `input` after `out`'s, returning their length.
 */
export function snappyCompress(input: Uint8Array, out: Bytes): number {
  const n = input.length;
  const start = out.at;
  out.varint(n);
  out.room(n + Math.ceil(n / 6) + 32);
  const buf = out.buf;
  let o = out.at;
  let nextEmit = 0;
  if (n >= MARGIN) {
    table.fill(-1);
    const limit = n - MARGIN;
    let ip = 1;
    search: for (;;) {
      let skip = 32;
      let candidate: number;
      let word: number;
      for (;;) {
        if (ip > limit) break search;
        word = load32(input, ip);
        const h = hash(word);
        candidate = table[h]!;
        table[h] = ip;
        if (candidate >= 0 && ip - candidate <= MAX_OFFSET && load32(input, candidate) === word) break;
        ip += skip++ >> 5;
      }
      o = literal(buf, o, input, nextEmit, ip);
      for (;;) {
        let matched = 4;
        while (ip + matched < n && input[ip + matched] === input[candidate + matched]) matched++;
        o = copy(buf, o, ip - candidate, matched);
        ip += matched;
        nextEmit = ip;
        if (ip > limit) break search;
        table[hash(load32(input, ip - 1))] = ip - 1;
        word = load32(input, ip);
        const h = hash(word);
        candidate = table[h]!;
        table[h] = ip;
        if (!(candidate >= 0 && ip - candidate <= MAX_OFFSET && load32(input, candidate) === word)) break;
      }
      ip++;
    }
  }
  if (nextEmit < n) o = literal(buf, o, input, nextEmit, n);
  out.at = o;
  return out.at - start;
}

function load32(b: Uint8Array, p: number): number {
  return b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24);
}

function hash(word: number): number {
  return Math.imul(word, 0x1e35a7bd) >>> (32 - HASH_BITS);
}

/** input[from..to) as literal elements. */
function literal(buf: Uint8Array, o: number, input: Uint8Array, from: number, to: number): number {
  const len = to - from;
  if (len === 0) return o;
  const l = len - 1;
  if (l < 60) buf[o++] = l << 2;
  else if (l < 0x100) {
    buf[o++] = 60 << 2;
    buf[o++] = l;
  } else if (l < 0x10000) {
    buf[o++] = 61 << 2;
    buf[o++] = l & 0xff;
    buf[o++] = l >>> 8;
  } else if (l < 0x1000000) {
    buf[o++] = 62 << 2;
    buf[o++] = l & 0xff;
    buf[o++] = (l >>> 8) & 0xff;
    buf[o++] = l >>> 16;
  } else {
    buf[o++] = 63 << 2;
    buf[o++] = l & 0xff;
    buf[o++] = (l >>> 8) & 0xff;
    buf[o++] = (l >>> 16) & 0xff;
    buf[o++] = l >>> 24;
  }
  if (len > 32) buf.set(input.subarray(from, to), o);
  else for (let i = 0; i < len; i++) buf[o + i] = input[from + i]!;
  return o + len;
}

/** A copy of `len` (4 or more) bytes from `offset` back, as copy elements of at most 64 bytes. */
function copy(buf: Uint8Array, o: number, offset: number, len: number): number {
  while (len >= 68) {
    o = copy2(buf, o, offset, 64);
    len -= 64;
  }
  if (len > 64) {
    o = copy2(buf, o, offset, 60);
    len -= 60;
  }
  if (len < 12 && offset < 2048) {
    buf[o++] = 1 | ((len - 4) << 2) | ((offset >>> 8) << 5);
    buf[o++] = offset & 0xff;
    return o;
  }
  return copy2(buf, o, offset, len);
}

function copy2(buf: Uint8Array, o: number, offset: number, len: number): number {
  buf[o++] = 2 | ((len - 1) << 2);
  buf[o++] = offset & 0xff;
  buf[o++] = offset >>> 8;
  return o;
}

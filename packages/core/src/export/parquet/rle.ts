import type { Bytes } from './bytes';

/** A run this long or longer is written as one RLE run rather than bit-packed. */
const MIN_RUN = 8;
/** Values per bit-packed run at most: 63 groups of 8, so every run's header is one byte, as Arrow writes them. */
const MAX_PACKED = 63 * 8;

/**
 * Parquet's RLE / bit-packed hybrid encoding of `values[0..n)` at `width` bits (1 to 24): runs of eight or more
 * equal values as RLE runs, the rest bit-packed eight at a time. A bit-packed run ends where an RLE run starts,
 * so it is made a multiple of eight values by taking the first values of the run; only the last one is padded
 * (readers stop at the page's value count). Returns the bytes written.
 */
export function writeRleHybrid(out: Bytes, values: Int32Array, n: number, width: number): number {
  if (width < 1 || width > 24) throw new Error(`RLE bit width ${width} is out of range`);
  const start = out.at;
  let packedFrom = 0;
  let i = 0;
  while (i < n) {
    const v = values[i]!;
    let j = i + 1;
    while (j < n && values[j] === v) j++;
    if (j - i >= MIN_RUN) {
      const misaligned = (i - packedFrom) % 8;
      if (misaligned) i += 8 - misaligned;
      if (j - i >= MIN_RUN) {
        packRuns(out, values, packedFrom, i, width);
        rleRun(out, v, j - i, width);
        packedFrom = j;
      }
    }
    i = j;
  }
  packRuns(out, values, packedFrom, n, width);
  return out.at - start;
}

function rleRun(out: Bytes, v: number, count: number, width: number): void {
  out.varint(count * 2);
  out.u8(v & 0xff);
  if (width > 8) out.u8((v >>> 8) & 0xff);
  if (width > 16) out.u8((v >>> 16) & 0xff);
}

/** values[from..to) bit-packed, in runs of at most MAX_PACKED values; past n the last group is padded with 0. */
function packRuns(out: Bytes, values: Int32Array, from: number, to: number, width: number): void {
  for (let at = from; at < to; at += MAX_PACKED) {
    const groups = Math.ceil(Math.min(MAX_PACKED, to - at) / 8);
    out.room(1 + groups * width);
    const buf = out.buf;
    let o = out.at;
    buf[o++] = (groups << 1) | 1;
    const end = Math.min(at + groups * 8, to);
    let acc = 0;
    let bits = 0;
    for (let k = at; k < end; k++) {
      acc |= values[k]! << bits;
      bits += width;
      while (bits >= 8) {
        buf[o++] = acc & 0xff;
        acc >>>= 8;
        bits -= 8;
      }
    }
    // The last group's padding: zeros, up to the group's bytes.
    for (let k = end; k < at + groups * 8; k++) {
      bits += width;
      while (bits >= 8) {
        buf[o++] = acc & 0xff;
        acc >>>= 8;
        bits -= 8;
      }
    }
    out.at = o;
  }
}

/** Bits to tell `count` dictionary entries apart; at least 1, which every reader takes for a single entry. */
export function indexWidth(count: number): number {
  let w = 1;
  while (1 << w < count) w++;
  return w;
}

/**
 * Seeded pseudo-random numbers for resampling (bootstrap intervals), so a result can be reproduced exactly from
 * its seed on any machine: sfc32 (Chris Doty-Humphrey's Small Fast Counting generator, 32-bit integer
 * arithmetic only), seeded through splitmix32 so that nearby seeds give unrelated streams.
 */
export interface Rng {
  /** Uniform on [0, 1), 32 bits of resolution. */
  next(): number;
  /** Uniform integer on [0, n), n ≤ 2^32, without modulo bias. */
  int(n: number): number;
}

export function createRng(seed: number): Rng {
  let s = seed >>> 0;
  const splitmix = () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = 1;
  const u32 = () => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t;
  };
  for (let i = 0; i < 12; i++) u32();
  return {
    next: () => u32() / 4294967296,
    int(n: number): number {
      if (!(n >= 1 && n <= 4294967296)) throw new RangeError(`int(n) needs 1 <= n <= 2^32, got ${n}`);
      // Rejection keeps every residue equally likely.
      const limit = 4294967296 - (4294967296 % n);
      for (;;) {
        const x = u32();
        if (x < limit) return x % n;
      }
    },
  };
}

/** The p-quantile of sorted values with linear interpolation between order statistics (R's type 7). */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

// Validation bootstraps many statistics over the same clients (or units) with the same seed: the draws are
// the same every time, so the last few sets are kept (up to 4M draws each, 16 MB) rather than drawn again.
const drawCache: Array<{ key: string; draws: Int32Array }> = [];
const DRAW_CACHE_SIZE = 4;
const MAX_CACHED_DRAWS = 4_000_000;

/**
 * The indices a bootstrap of n units draws with createRng(seed): `draw(b)` gives resample b's n indices,
 * createRng(seed).int(n) in turn, the same numbers as drawing them one by one. Call it for b = 0, 1, … in
 * order; the array it returns is shared and must not be changed.
 */
export function resampleDraws(seed: number, n: number, resamples: number): (b: number) => Int32Array {
  if (n * resamples > MAX_CACHED_DRAWS) {
    const rng = createRng(seed);
    const buf = new Int32Array(n);
    return () => {
      for (let i = 0; i < n; i++) buf[i] = rng.int(n);
      return buf;
    };
  }
  const key = `${seed}:${n}:${resamples}`;
  let entry = drawCache.find((e) => e.key === key);
  if (!entry) {
    const rng = createRng(seed);
    const draws = new Int32Array(n * resamples);
    for (let i = 0; i < draws.length; i++) draws[i] = rng.int(n);
    entry = { key, draws };
    drawCache.unshift(entry);
    if (drawCache.length > DRAW_CACHE_SIZE) drawCache.pop();
  }
  const { draws } = entry;
  return (b) => draws.subarray(b * n, (b + 1) * n);
}

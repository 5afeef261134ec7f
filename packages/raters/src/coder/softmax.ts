/** A training example: feature ids (into a vocabulary) and the class index. */
export interface Example {
  features: Int32Array;
  label: number;
}

export interface FitOptions {
  epochs: number;
  /** L2 penalty per example seen, applied to the weights an example touches. */
  l2: number;
  /** AdaGrad base step. */
  rate: number;
  seed: number;
  /** Per-class weights on the loss (to lift rare classes); 1 each when absent. */
  classWeights?: readonly number[];
}

export const DEFAULT_FIT: FitOptions = { epochs: 4, l2: 0.01, rate: 0.03, seed: 1, classWeights: undefined };

/**
 * Multinomial logistic regression by AdaGrad over sparse binary features, L2-regularised. The weights are a
 * row per feature of one weight per class (row-major), so a prediction reads one contiguous row per feature.
 */
export function fitSoftmax(examples: readonly Example[], nFeatures: number, k: number, o: FitOptions): Float64Array {
  const w = new Float64Array(nFeatures * k);
  const g2 = new Float64Array(nFeatures * k).fill(1e-8);
  const order = examples.map((_, i) => i);
  const rng = mulberry32(o.seed);
  const z = new Float64Array(k);
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (const idx of order) {
      const ex = examples[idx]!;
      scores(w, ex.features, k, z);
      softmaxInPlace(z);
      const cw = o.classWeights?.[ex.label] ?? 1;
      for (let c = 0; c < k; c++) z[c] = cw * (z[c]! - (c === ex.label ? 1 : 0));
      for (const f of ex.features) {
        const base = f * k;
        for (let c = 0; c < k; c++) {
          const g = z[c]! + o.l2 * w[base + c]!;
          g2[base + c]! += g * g;
          w[base + c]! -= (o.rate * g) / Math.sqrt(g2[base + c]!);
        }
      }
    }
  }
  return w;
}

export function scores(w: ArrayLike<number>, features: ArrayLike<number>, k: number, out: Float64Array): void {
  out.fill(0);
  for (let i = 0; i < features.length; i++) {
    const base = features[i]! * k;
    for (let c = 0; c < k; c++) out[c]! += w[base + c]!;
  }
}

export function softmaxInPlace(z: Float64Array): void {
  let max = -Infinity;
  for (let c = 0; c < z.length; c++) if (z[c]! > max) max = z[c]!;
  let sum = 0;
  for (let c = 0; c < z.length; c++) sum += z[c] = Math.exp(z[c]! - max);
  for (let c = 0; c < z.length; c++) z[c]! /= sum;
}

/** A small seeded generator for the shuffling order, so a training run is reproducible. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

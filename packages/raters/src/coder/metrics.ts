/** Precision, recall and F1 of one code, from paired gold and predicted labels. */
export interface CodeMetrics {
  code: string;
  support: number;
  precision: number;
  recall: number;
  f1: number;
}

export function perCodeMetrics(gold: readonly string[], predicted: readonly string[], codes: readonly string[]) {
  return codes.map((code): CodeMetrics => {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (let i = 0; i < gold.length; i++) {
      const g = gold[i] === code;
      const p = predicted[i] === code;
      if (g && p) tp++;
      else if (p) fp++;
      else if (g) fn++;
    }
    const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
    const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { code, support: tp + fn, precision: r3(precision), recall: r3(recall), f1: r3(f1) };
  });
}

export function accuracy(gold: readonly string[], predicted: readonly string[]): number {
  let ok = 0;
  for (let i = 0; i < gold.length; i++) if (gold[i] === predicted[i]) ok++;
  return gold.length === 0 ? 0 : r3(ok / gold.length);
}

const r3 = (x: number) => Math.round(x * 1000) / 1000;

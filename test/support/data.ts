import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Test data outside the code: published reference examples with their published statistics (test/reference,
 * copied from the team's shared reference set; its README gives each file's source) and the R goldens under
 * test/golden.
 */
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export const referenceDir = resolve(repoRoot, 'test/reference');

export function readReference<T>(file: string): T {
  const path = join(referenceDir, file);
  if (!existsSync(path)) throw new Error(`reference dataset ${path} is missing`);
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

export function readGolden<T>(file: string): T {
  return JSON.parse(readFileSync(join(repoRoot, 'test/golden', file), 'utf8')) as T;
}

/**
 * |actual − expected| ≤ tol · max(1, |expected|): absolute near zero, relative for large values such as F. A
 * null actual (a value the statistic left undefined) is near nothing.
 */
export function near(actual: number | null, expected: number, tol: number): boolean {
  if (actual === null) return false;
  return Math.abs(actual - expected) <= tol * Math.max(1, Math.abs(expected));
}

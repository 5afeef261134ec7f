import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** The packages from the bottom of the dependency order to the top: each may import only those before it. */
export const LAYERS = ['instruments', 'core', 'raters', 'server', 'cli'] as const;

export interface UpwardImport {
  file: string;
  line: number;
  from: string;
  imports: string;
}

/**
 * Every module specifier a source file names: static imports and re-exports, `import type`, dynamic `import()`
 * of a string literal, and any string literal that spells a workspace package (`'@alliance-lab/server/…'`),
 * which catches a specifier built in a variable and imported later.
 */
export function specifiers(source: string): Array<{ spec: string; line: number }> {
  const out: Array<{ spec: string; line: number }> = [];
  const lineAt = (i: number) => source.slice(0, i).split('\n').length;
  const patterns = [
    /\b(?:import|export)\s+(?:type\s+)?[^'"`;]*?\bfrom\s*(['"])([^'"]+)\1/g,
    /\bimport\s*(['"])([^'"]+)\1/g,
    /\bimport\s*\(\s*(['"`])([^'"`]+)\1/g,
    /(['"`])(@alliance-lab\/[^'"`\s]*)\1/g,
  ];
  const seen = new Set<string>();
  for (const re of patterns)
    for (const m of source.matchAll(re)) {
      const spec = m[2]!;
      const line = lineAt(m.index! + m[0].indexOf(spec));
      if (seen.has(`${line}\u0000${spec}`)) continue;
      seen.add(`${line}\u0000${spec}`);
      out.push({ spec, line });
    }
  return out.sort((a, b) => a.line - b.line);
}

/** The layer a specifier lands in: a workspace package by name, or by a relative path into another package. */
export function targetLayer(spec: string, fromFile: string, packagesDir: string): string | undefined {
  const named = /^@alliance-lab\/([^/]+)/.exec(spec);
  if (named) return named[1];
  if (!spec.startsWith('.')) return undefined;
  const resolved = relative(packagesDir, join(fromFile, '..', spec)).split(sep);
  return resolved[0] === '..' ? undefined : resolved[0];
}

/** Files of one package to check: its sources and scripts, tests included (a test may not reach up either). */
export function packageFiles(packageDir: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) {
        if (e.name !== 'node_modules' && e.name !== 'dist' && !e.name.startsWith('dist.')) walk(join(dir, e.name));
      } else if (/\.(ts|mts|js|mjs)$/.test(e.name)) out.push(join(dir, e.name));
    }
  };
  walk(packageDir);
  return out;
}

export function upwardImports(file: string, source: string, layer: string, packagesDir: string): UpwardImport[] {
  const own = LAYERS.indexOf(layer as (typeof LAYERS)[number]);
  const found: UpwardImport[] = [];
  for (const { spec, line } of specifiers(source)) {
    const target = targetLayer(spec, file, packagesDir);
    const at = target === undefined ? -1 : LAYERS.indexOf(target as (typeof LAYERS)[number]);
    if (at > own) found.push({ file: relative(packagesDir, file), line, from: layer, imports: spec });
  }
  return found;
}

export function scanPackages(packagesDir: string): UpwardImport[] {
  return LAYERS.flatMap((layer) =>
    packageFiles(join(packagesDir, layer)).flatMap((f) =>
      upwardImports(f, readFileSync(f, 'utf8'), layer, packagesDir),
    ),
  );
}

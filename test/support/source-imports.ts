import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, posix, relative, sep } from 'node:path';
import ts from 'typescript';

/**
 * The repository's source files and what each imports, for the checks that keep packages behind their public
 * exports and their package.json honest. Specifiers are static and dynamic imports, re-exports, type imports
 * and `require`s, and `*.resolve('x')` calls, which is how a loader is found without importing it.
 */
export interface SourceFile {
  /** Repository-relative, with forward slashes. */
  path: string;
  text: string;
}

export interface Workspace {
  /** Repository-relative folder, e.g. `packages/core`. */
  dir: string;
  name: string;
  exports: string[];
  dependencies: string[];
  devDependencies: string[];
  /**
   * Ships a bundle (packages/cli, built by its build.mjs): the workspace packages it imports are bundled in, so
   * they are devDependencies, and its dependencies are the bundle's external imports, which the build itself
   * checks against the bundle; here only its undeclared imports are looked for.
   */
  bundled?: boolean;
}

export interface ImportRef {
  file: string;
  specifier: string;
}

const SOURCE = /\.(?:[cm]?[jt]s|tsx)$/;
const SKIP = new Set(['node_modules', 'dist', 'coverage', '.git', '.bench', 'tmp', 'fixtures', 'reference']);
const BUILTINS = new Set(builtinModules);

export function listSources(root: string, dir: string): SourceFile[] {
  const out: SourceFile[] = [];
  const walk = (abs: string) => {
    for (const entry of readdirSync(abs, { withFileTypes: true })) {
      if (SKIP.has(entry.name)) continue;
      const path = join(abs, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (SOURCE.test(entry.name) && !entry.name.endsWith('.d.ts')) {
        out.push({ path: relative(root, path).split(sep).join('/'), text: readFileSync(path, 'utf8') });
      }
    }
  };
  walk(join(root, dir));
  return out.sort((a, b) => (a.path < b.path ? -1 : 1));
}

export function readWorkspaces(root: string): Workspace[] {
  const rootPkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { workspaces: string[] };
  return rootPkg.workspaces.map((dir) => {
    const pkg = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) as {
      name: string;
      exports?: string | Record<string, unknown>;
      dependencies?: Record<string, string>;
      peerDependencies?: Record<string, string>;
      optionalDependencies?: Record<string, string>;
      devDependencies?: Record<string, string>;
    };
    const exports = typeof pkg.exports === 'object' ? Object.keys(pkg.exports) : ['.'];
    return {
      dir,
      name: pkg.name,
      exports,
      dependencies: Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies, ...pkg.optionalDependencies }),
      devDependencies: Object.keys(pkg.devDependencies ?? {}),
      bundled: existsSync(join(root, dir, 'build.mjs')),
    };
  });
}

const parsed = new WeakMap<SourceFile, ImportRef[]>();

export function importsOf(file: SourceFile): ImportRef[] {
  const cached = parsed.get(file);
  if (cached) return cached;
  // The pre-processor is a fast scan for imports of every kind; only `.resolve('x')` needs the syntax tree.
  const found = new Set(ts.preProcessFile(file.text, true, true).importedFiles.map((f) => f.fileName));
  if (file.text.includes('.resolve(')) {
    const visit = (node: ts.Node): void => {
      if (
        ts.isCallExpression(node) &&
        ts.isPropertyAccessExpression(node.expression) &&
        node.expression.name.text === 'resolve' &&
        node.arguments.length === 1 &&
        ts.isStringLiteralLike(node.arguments[0]!)
      ) {
        found.add(node.arguments[0].text);
      }
      ts.forEachChild(node, visit);
    };
    visit(ts.createSourceFile(file.path, file.text, ts.ScriptTarget.Latest, false));
  }
  const refs = [...found].map((specifier) => ({ file: file.path, specifier }));
  parsed.set(file, refs);
  return refs;
}

export function isBuiltin(specifier: string): boolean {
  return specifier.startsWith('node:') || BUILTINS.has(specifier.split('/')[0]!);
}

export function isRelative(specifier: string): boolean {
  return specifier.startsWith('.') || specifier.startsWith('/');
}

/** `@scope/name/sub` → `@scope/name`, `name/sub` → `name`. */
export function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** Whether `./sub` (or `.`) is one of a package's export keys, `*` patterns included. */
export function isExported(exportKeys: readonly string[], subpath: string): boolean {
  return exportKeys.some((key) => {
    const star = key.indexOf('*');
    if (star < 0) return key === subpath;
    return subpath.startsWith(key.slice(0, star)) && subpath.endsWith(key.slice(star + 1));
  });
}

/** Test code: test files, helpers named for tests, and `testing/` folders. Build and bench code is dev code too. */
export function isTestCode(path: string): boolean {
  return /\.test\.[cm]?[jt]s$/.test(path) || /(^|\/)testing\//.test(path) || /(^|\/)test-[^/]*$/.test(path);
}

export interface Problem {
  file: string;
  specifier: string;
  problem: string;
}

function workspaceOf(workspaces: readonly Workspace[], path: string): Workspace | undefined {
  return workspaces.find((w) => path.startsWith(`${w.dir}/`));
}

/**
 * Imports that go around a package's public exports: scripts, bench and tests outside the packages reaching into
 * `packages/` by relative path, a package reaching outside its own folder by relative path (its tests may use
 * `test/support`), and `@alliance-lab/x/sub` where `./sub` is not in x's `exports`.
 */
export function boundaryProblems(files: readonly SourceFile[], workspaces: readonly Workspace[]): Problem[] {
  const problems: Problem[] = [];
  for (const file of files) {
    const home = workspaceOf(workspaces, file.path);
    for (const { specifier } of importsOf(file)) {
      if (isRelative(specifier)) {
        const target = posix.normalize(posix.join(posix.dirname(file.path), specifier));
        const into = workspaceOf(workspaces, target);
        if (!home && into) {
          problems.push({ file: file.path, specifier, problem: `reaches into ${into.dir}; import ${into.name}` });
        } else if (home && !target.startsWith(`${home.dir}/`)) {
          const support = target.startsWith('test/support/') && isTestCode(file.path);
          if (!support) problems.push({ file: file.path, specifier, problem: `leaves ${home.dir} by relative path` });
        }
        continue;
      }
      const name = packageName(specifier);
      const pkg = workspaces.find((w) => w.name === name);
      if (!pkg) continue;
      const subpath = `.${specifier.slice(name.length)}`;
      if (!isExported(pkg.exports, subpath)) {
        problems.push({ file: file.path, specifier, problem: `${subpath} is not in ${name}'s exports` });
      }
    }
  }
  return problems;
}

/**
 * package.json against the code: every bare import of a package's runtime code (src and bin, tests aside) is in
 * its dependencies; its tests and build code may also use its devDependencies and the root's; every dependency
 * is imported by its runtime code. Files outside the packages may import the workspaces and the root's packages.
 */
export function dependencyProblems(
  files: readonly SourceFile[],
  workspaces: readonly Workspace[],
  root: { dependencies: string[]; devDependencies: string[] },
): Problem[] {
  const problems: Problem[] = [];
  const used = new Map<string, Set<string>>(workspaces.map((w) => [w.name, new Set()]));
  const rootDeclared = new Set([...root.dependencies, ...root.devDependencies, ...workspaces.map((w) => w.name)]);
  for (const file of files) {
    const home = workspaceOf(workspaces, file.path);
    const inside = home ? file.path.slice(home.dir.length + 1) : '';
    const runtime = !!home && /^(src|bin)\//.test(inside) && !isTestCode(inside);
    for (const { specifier } of importsOf(file)) {
      if (isRelative(specifier) || isBuiltin(specifier)) continue;
      const name = packageName(specifier);
      if (!home) {
        if (!rootDeclared.has(name)) {
          problems.push({ file: file.path, specifier, problem: `${name} is not in the root package.json` });
        }
        continue;
      }
      if (name === home.name) continue;
      if (runtime) {
        used.get(home.name)!.add(name);
        const bundledIn = home.bundled && home.devDependencies.includes(name) && name.startsWith('@alliance-lab/');
        if (!home.dependencies.includes(name) && !bundledIn) {
          problems.push({ file: file.path, specifier, problem: `${name} is not in ${home.dir}'s dependencies` });
        }
      } else if (![...home.dependencies, ...home.devDependencies, ...root.devDependencies].includes(name)) {
        problems.push({
          file: file.path,
          specifier,
          problem: `${name} is declared neither by ${home.dir} nor the root`,
        });
      }
    }
  }
  for (const w of workspaces) {
    if (w.bundled) continue;
    for (const dep of w.dependencies) {
      if (!used.get(w.name)!.has(dep)) {
        problems.push({
          file: `${w.dir}/package.json`,
          specifier: dep,
          problem: `${dep} is a dependency that no runtime code of ${w.dir} imports`,
        });
      }
    }
  }
  return problems;
}

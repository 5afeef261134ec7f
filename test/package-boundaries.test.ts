import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  boundaryProblems,
  dependencyProblems,
  listSources,
  readWorkspaces,
  type SourceFile,
  type Workspace,
} from './support/source-imports';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const workspaces = readWorkspaces(ROOT);
const rootPkg = JSON.parse(readFileSync(`${ROOT}/package.json`, 'utf8')) as {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
};
const rootDeps = {
  dependencies: Object.keys(rootPkg.dependencies ?? {}),
  devDependencies: Object.keys(rootPkg.devDependencies ?? {}),
};
const everything = ['packages', 'scripts', 'bench', 'test'].flatMap((d) => listSources(ROOT, d));
everything.push(...listSources(ROOT, '.').filter((f) => !f.path.includes('/')));

describe('the repository', () => {
  it('finds the sources it checks', () => {
    const dirs = new Set(everything.map((f) => f.path.split('/')[0]));
    expect([...dirs].sort()).toEqual(expect.arrayContaining(['bench', 'packages', 'scripts', 'test']));
    for (const w of workspaces) expect(everything.some((f) => f.path.startsWith(`${w.dir}/src/`))).toBe(true);
  });

  it('imports packages through their public exports only', () => {
    expect(boundaryProblems(everything, workspaces)).toEqual([]);
  });

  it('declares every package it imports and imports every runtime dependency it declares', () => {
    expect(dependencyProblems(everything, workspaces, rootDeps)).toEqual([]);
  });
});

// The checks themselves, on made-up files, so a clean repository is not mistaken for a check that sees nothing.
const core: Workspace = {
  dir: 'packages/core',
  name: '@alliance-lab/core',
  exports: ['.', './stats', './definitions/*'],
  dependencies: ['kysely', 'zod'],
  devDependencies: [],
};
const raters: Workspace = { ...core, dir: 'packages/raters', name: '@alliance-lab/raters', dependencies: [] };
const file = (path: string, text: string): SourceFile => ({ path, text });

describe('the boundary check', () => {
  it('flags a script, bench or test reaching a package internal by relative path', () => {
    const problems = boundaryProblems(
      [
        file('bench/a.bench.ts', "import { icc } from '../packages/core/src/stats/icc';"),
        file('scripts/demo/b.ts', "const m = await import('../../packages/core/src/cli/main');"),
        file('test/c.test.ts', "export { x } from '../packages/raters/src/x';"),
        file(
          'test/ok.test.ts',
          "import { icc } from '@alliance-lab/core/stats';\nimport { near } from './support/data';",
        ),
      ],
      [core, raters],
    );
    expect(problems.map((p) => p.file)).toEqual(['bench/a.bench.ts', 'scripts/demo/b.ts', 'test/c.test.ts']);
    expect(problems[0]!.problem).toBe('reaches into packages/core; import @alliance-lab/core');
  });

  it("flags a package reaching another's internals, by relative path or by a subpath it does not export", () => {
    const problems = boundaryProblems(
      [
        file('packages/raters/src/a.ts', "import { x } from '@alliance-lab/core/src/store/study';"),
        file('packages/raters/src/b.ts', "import type { X } from '../../core/src/schemas';"),
        file('packages/raters/src/c.ts', "import { y } from '../../../test/support/data';"),
        file('packages/raters/src/d.test.ts', "import { near } from '../../../test/support/data';"),
        file(
          'packages/raters/src/e.ts',
          "import w from '@alliance-lab/core/definitions/wai.json';\nimport '@alliance-lab/core/stats';",
        ),
      ],
      [core, raters],
    );
    expect(problems).toEqual([
      {
        file: 'packages/raters/src/a.ts',
        specifier: '@alliance-lab/core/src/store/study',
        problem: "./src/store/study is not in @alliance-lab/core's exports",
      },
      {
        file: 'packages/raters/src/b.ts',
        specifier: '../../core/src/schemas',
        problem: 'leaves packages/raters by relative path',
      },
      {
        file: 'packages/raters/src/c.ts',
        specifier: '../../../test/support/data',
        problem: 'leaves packages/raters by relative path',
      },
    ]);
  });
});

describe('the dependency check', () => {
  it('flags an unused dependency, an undeclared import and an undeclared test import', () => {
    const problems = dependencyProblems(
      [
        file(
          'packages/core/src/a.ts',
          "import { sql } from 'kysely';\nconst pg = await import('pg');\nimport { readFileSync } from 'node:fs';",
        ),
        file(
          'packages/core/src/a.test.ts',
          "import { it } from 'vitest';\nimport { z } from 'zod';\nimport { rateStudy } from '@alliance-lab/raters';",
        ),
        file('test/b.test.ts', "import { mean } from 'left-pad';\nimport { icc } from '@alliance-lab/core/stats';"),
      ],
      [core, raters],
      { dependencies: [], devDependencies: ['vitest'] },
    );
    expect(problems.map((p) => p.problem)).toEqual([
      "pg is not in packages/core's dependencies",
      '@alliance-lab/raters is declared neither by packages/core nor the root',
      'left-pad is not in the root package.json',
      'zod is a dependency that no runtime code of packages/core imports',
    ]);
  });

  it("counts a loader found by resolve() and a package's bin as uses", () => {
    const withTsx = { ...core, dependencies: ['tsx', 'kysely'] };
    const problems = dependencyProblems(
      [
        file('packages/core/bin/cli.js', "import { register } from 'tsx/esm/api';"),
        file('packages/core/src/w.ts', "const api = import.meta.resolve('kysely');"),
      ],
      [withTsx],
      { dependencies: [], devDependencies: [] },
    );
    expect(problems).toEqual([]);
  });
});

import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { scanPackages, specifiers, upwardImports } from './support/import-graph';

const PACKAGES = fileURLToPath(new URL('../packages', import.meta.url));

describe('dependency direction: instruments ← core ← raters ← server ← cli', () => {
  it('no package imports one above it, statically, dynamically or by a string naming it', () => {
    const found = scanPackages(PACKAGES);
    expect(found.map((u) => `${u.file}:${u.line} (${u.from}) imports ${u.imports}`)).toEqual([]);
  });

  it('the checker finds each way of reaching up', () => {
    const file = join(PACKAGES, 'core', 'src', 'cli', 'synthetic.ts');
    const source = [
      "import { rateCommand } from '@alliance-lab/raters/commands';",
      "import type { App } from '@alliance-lab/server';",
      "export { serveCommand } from '../../../server/src/commands/serve';",
      "const m = await import('@alliance-lab/cli');",
      "const PLUGINS = ['@alliance-lab/server/commands'];",
      "import { z } from 'zod';",
      "import { Registry } from '@alliance-lab/instruments';",
      "import { openStudy } from '../store/study';",
    ].join('\n');
    expect(upwardImports(file, source, 'core', PACKAGES).map((u) => [u.line, u.imports])).toEqual([
      [1, '@alliance-lab/raters/commands'],
      [2, '@alliance-lab/server'],
      [3, '../../../server/src/commands/serve'],
      [4, '@alliance-lab/cli'],
      [5, '@alliance-lab/server/commands'],
    ]);
  });

  it('reads multi-line imports and template-literal dynamic imports', () => {
    const source = "import {\n  a,\n  b,\n} from '@alliance-lab/server';\nawait import(`@alliance-lab/cli`);";
    expect(specifiers(source).map((s) => s.spec)).toContain('@alliance-lab/server');
    expect(specifiers(source).map((s) => s.spec)).toContain('@alliance-lab/cli');
  });
});

// Builds the alliance command: one ESM bundle of the workspace packages (npm dependencies stay external and are
// installed beside it), split so that what a command loads lazily stays in its own chunk. Data files the
// packages read at run time are copied under dist/src-tree/ in the repository's layout, and the modules that
// locate them are pointed there, so the same relative paths work from the repo, the build and an installed
// tarball. Runs at `npm install` (the root's prepare), before `npm pack`, and from bin/alliance.js when the
// sources changed since the last build.
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILD_INFO, WORKSPACES, buildInfo } from './freshness.mjs';

const cliDir = dirname(fileURLToPath(import.meta.url));
const packagesDir = dirname(cliDir);
const distDir = join(cliDir, 'dist');
const ASSET_TREE = 'src-tree';

/** npm packages built into the bundle rather than installed beside it (see the resolver below). */
const BUNDLED = new Set(['zod', 'kysely']);

const posix = (p) => p.split(sep).join('/');
const packageName = (spec) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);

/** Third-party packages the workspace packages declare, with the version range that declares them. */
function declaredDependencies() {
  const out = {};
  for (const w of WORKSPACES) {
    const pkg = JSON.parse(readFileSync(join(packagesDir, w, 'package.json'), 'utf8'));
    for (const [name, range] of Object.entries(pkg.dependencies ?? {}))
      if (!name.startsWith('@alliance-lab/')) out[name] = range;
  }
  return out;
}

/** Data files: every non-TypeScript file of a package but its manifest and docs. */
function assetFiles() {
  const out = [];
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'node_modules' && e.name !== 'dist' && !e.name.startsWith('dist.')) walk(p);
      } else if (!/\.(ts|mjs|js)$/.test(e.name) && e.name !== 'package.json' && e.name !== 'README.md') out.push(p);
    }
  };
  for (const w of WORKSPACES.filter((w) => w !== 'cli')) walk(join(packagesDir, w));
  return out;
}

const workspaceSources = {
  name: 'alliance-workspace',
  setup(build) {
    const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
    // npm packages stay external: installed beside the bundle, loaded only by the chunk that needs them. zod and
    // kysely are bundled: zod loads on every start (every command's options are zod schemas), and from
    // node_modules it is some eighty files, every locale among them; kysely is some two hundred files, which
    // alone took longer than Node's own start. Bundled and tree-shaken, each is part of a chunk, and kysely's
    // only of the store's, which loads when a command opens a study.
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('@alliance-lab/') || builtins.has(args.path)) return undefined;
      if (BUNDLED.has(packageName(args.path))) return undefined;
      return { path: args.path, external: true };
    });
    // zod's namespace re-exports every locale (some sixty modules), which no tree-shaking can drop through `z`;
    // the commands speak English, so the bundle carries the English locale alone.
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]node_modules[\\/]zod[\\/]/.test(args.importer)
        ? { path: join(dirname(args.importer), '..', 'locales', 'en.js'), namespace: 'zod-locales' }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(args.path)};`,
      resolveDir: dirname(args.path),
    }));
    // A module that finds its data relative to its own file is told where that file sits in the copied tree.
    build.onLoad({ filter: /[\\/]packages[\\/][^\\/]+[\\/]src[\\/].*\.ts$/ }, (args) => {
      let source = readFileSync(args.path, 'utf8');
      // A package loaded through createRequire is invisible to the bundler's import graph but needed at run time.
      for (const m of source.matchAll(/createRequire\(import\.meta\.url\)\((['"])([^'"]+)\1\)/g)) required.add(m[2]);
      if (source.includes('import.meta.dirname'))
        throw new Error(`${args.path}: use fileURLToPath(import.meta.url), which the build knows how to relocate`);
      if (source.includes('fileURLToPath(import.meta.url)')) {
        const virtual = `./${ASSET_TREE}/${posix(relative(packagesDir, args.path))}`;
        source = source.replaceAll(
          'fileURLToPath(import.meta.url)',
          `fileURLToPath(new URL(${JSON.stringify(virtual)}, import.meta.url))`,
        );
      }
      return { contents: source, loader: 'ts' };
    });
  },
};

/** Packages the sources load with createRequire, collected while bundling. */
const required = new Set();

export async function build() {
  const tmp = join(cliDir, `dist.tmp-${process.pid}`);
  try {
    await buildInto(tmp);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

async function buildInto(tmp) {
  // Recorded before bundling: a source edited while the bundle is made then shows as changed next time.
  const inputs = buildInfo(packagesDir);
  const esbuild = await import('esbuild');
  rmSync(tmp, { recursive: true, force: true });
  const result = await esbuild.build({
    entryPoints: {
      alliance: join(cliDir, 'src', 'entry.ts'),
      index: join(cliDir, 'src', 'index.ts'),
      'parse-worker': join(packagesDir, 'core', 'src', 'import', 'transcripts', 'parse-worker.ts'),
    },
    outdir: tmp,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    chunkNames: '[name]-[hash]',
    metafile: true,
    minifyWhitespace: true,
    minifySyntax: true,
    logLevel: 'warning',
    plugins: [workspaceSources],
  });

  const declared = declaredDependencies();
  const used = new Set(required);
  for (const out of Object.values(result.metafile.outputs))
    for (const imp of out.imports) if (imp.external && !imp.path.startsWith('node:')) used.add(packageName(imp.path));
  const undeclared = [...used].filter((n) => !declared[n] && !builtinModules.includes(n));
  if (undeclared.length)
    throw new Error(`the bundle imports ${undeclared.join(', ')}, which no workspace package declares`);

  // The installed command needs exactly the npm packages the bundle imports; keep the manifest in step.
  const manifestFile = join(cliDir, 'package.json');
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
  // zod is bundled for the commands, and installed as well for the npm packages that expect it beside them
  // (openai's zod helpers import it as a peer).
  used.add('zod');
  const wanted = Object.fromEntries([...used].sort().map((n) => [n, declared[n]]));
  if (JSON.stringify(manifest.dependencies ?? {}) !== JSON.stringify(wanted)) {
    if (!process.argv.includes('--sync-deps'))
      throw new Error(
        `packages/cli/package.json "dependencies" should be ${JSON.stringify(wanted)} (the npm packages the bundle imports); run \`node packages/cli/build.mjs --sync-deps\``,
      );
    manifest.dependencies = wanted;
    writeFileSync(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
    Object.assign(inputs, buildInfo(packagesDir));
  }

  for (const f of assetFiles()) {
    const to = join(tmp, ASSET_TREE, relative(packagesDir, f));
    mkdirSync(dirname(to), { recursive: true });
    cpSync(f, to);
  }
  writeFileSync(join(tmp, BUILD_INFO), `${JSON.stringify(inputs)}\n`);

  // Swap the finished build in, so a command started meanwhile never sees half of one.
  const old = join(cliDir, `dist.old-${process.pid}`);
  if (existsSync(distDir)) renameSync(distDir, old);
  renameSync(tmp, distDir);
  rmSync(old, { recursive: true, force: true });
  // The swap itself moved this folder's mtime; record it as it is now, or every start would list it again.
  inputs.dirs.cli = statSync(cliDir).mtimeMs;
  writeFileSync(join(distDir, BUILD_INFO), `${JSON.stringify(inputs)}\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    await build();
  } catch (err) {
    process.stderr.write(`alliance build failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  }
}

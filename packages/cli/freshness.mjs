// Is the build in dist/ made from the sources as they are now? Plain JavaScript, so the bin can ask before any
// build exists, and cheap, because it runs on every start in the repository: the build records each input's
// size and mtime and each folder's mtime, and the check stats those. Only a file whose stat moved is hashed, so
// a checkout that touches files without changing them does not count; a folder whose mtime moved (a file added
// or removed) is listed again.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

export const WORKSPACES = ['instruments', 'core', 'raters', 'server', 'cli'];
export const BUILD_INFO = 'build-info.json';

const SKIP_DIRS = new Set(['node_modules', 'dist', 'bin']);
const skipDir = (name) => SKIP_DIRS.has(name) || name.startsWith('dist.');
const skipFile = (name) => name.endsWith('.test.ts') || name === 'README.md' || name.startsWith('.');

/** Every file the build reads (each workspace package but its tests, docs, build output and deps), and the folders. */
export function buildInputs(packagesDir) {
  const files = [];
  const dirs = [];
  const walk = (dir) => {
    dirs.push(dir);
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) {
        if (!skipDir(e.name)) walk(join(dir, e.name));
      } else if (e.isFile() && !skipFile(e.name)) files.push(join(dir, e.name));
    }
  };
  for (const w of WORKSPACES) if (existsSync(join(packagesDir, w))) walk(join(packagesDir, w));
  return { files: files.sort(), dirs: dirs.sort() };
}

export function hashFile(file) {
  // Loaded on first use: the common case, nothing changed, never hashes.
  const { createHash } = process.getBuiltinModule('node:crypto');
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

const key = (packagesDir, file) => relative(packagesDir, file).split(sep).join('/');

/** The record the build leaves in dist/: each input's hash, size and mtime, and each folder's mtime. */
export function buildInfo(packagesDir) {
  const { files, dirs } = buildInputs(packagesDir);
  const info = { files: {}, dirs: {} };
  for (const f of files) {
    const st = statSync(f);
    info.files[key(packagesDir, f)] = { hash: hashFile(f), size: st.size, mtimeMs: st.mtimeMs };
  }
  for (const d of dirs) info.dirs[key(packagesDir, d)] = statSync(d).mtimeMs;
  return info;
}

/**
 * The inputs that differ from the build's record (changed, added or removed); empty when the build is current.
 * No record at all (never built) is reported as the record's own name.
 */
export function staleInputs(packagesDir, distDir) {
  const infoFile = join(distDir, BUILD_INFO);
  if (!existsSync(infoFile)) return [`${key(packagesDir, infoFile)} (no build yet)`];
  let info;
  try {
    info = JSON.parse(readFileSync(infoFile, 'utf8'));
  } catch {
    return [`${key(packagesDir, infoFile)} (unreadable)`];
  }
  const changed = (k, file) => {
    const rec = info.files[k];
    if (rec === undefined) return true;
    let st;
    try {
      st = statSync(file);
    } catch {
      return true;
    }
    return (st.size !== rec.size || st.mtimeMs !== rec.mtimeMs) && hashFile(file) !== rec.hash;
  };
  let listingMoved = false;
  for (const [k, mtimeMs] of Object.entries(info.dirs)) {
    try {
      if (statSync(join(packagesDir, k)).mtimeMs !== mtimeMs) listingMoved = true;
    } catch {
      listingMoved = true;
    }
    if (listingMoved) break;
  }
  const stale = [];
  if (!listingMoved) {
    for (const k of Object.keys(info.files)) if (changed(k, join(packagesDir, k))) stale.push(k);
    return stale;
  }
  // A folder changed: list everything again to find added and removed files as well.
  const seen = new Set();
  for (const f of buildInputs(packagesDir).files) {
    const k = key(packagesDir, f);
    seen.add(k);
    if (changed(k, f)) stale.push(k);
  }
  for (const k of Object.keys(info.files)) if (!seen.has(k)) stale.push(k);
  return stale;
}
